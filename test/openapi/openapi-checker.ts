import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Response } from 'supertest';

export type Json = Record<string, any>;

const DOC_ID = 'https://tokengate.invalid/openapi.json';
/** The OpenAPI root fields: annotations to Ajv, so the document itself can be the base of every `$ref`. */
const ROOT_FIELDS = ['openapi', 'info', 'jsonSchemaDialect', 'servers', 'paths', 'webhooks', 'components', 'security', 'tags', 'externalDocs'];
export const OPERATION_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

const escape = (part: string): string => part.replace(/~/g, '~0').replace(/\//g, '~1');
export const pointer = (parts: readonly string[]): string => `#/${parts.map(escape).join('/')}`;

/** The value at a local JSON pointer (`#/a/b`), or undefined. */
export function at(doc: Json, ptr: string): any {
  let node: any = doc;
  for (const raw of ptr.replace(/^#\/?/, '').split('/').filter((p) => p !== '')) {
    node = node?.[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

/** Follows `$ref`s from `ptr`: the object and the pointer it really lives at. */
export function deref(doc: Json, ptr: string): { node: Json; ptr: string } {
  let current = ptr;
  for (let hops = 0; hops < 10; hops++) {
    const node = at(doc, current) as Json | undefined;
    if (!node || typeof node.$ref !== 'string') return { node: node as Json, ptr: current };
    current = node.$ref;
  }
  throw new Error(`$ref loop at ${ptr}`);
}

/**
 * Checks real responses against an OpenAPI 3.1 document with Ajv (JSON Schema 2020-12, strict):
 * documented path, method and status; content type; body; every required header and the
 * value of every header present.
 */
export class OpenApiChecker {
  private readonly ajv = new Ajv2020({ strict: true, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly doc: Json) {
    addFormats(this.ajv);
    this.ajv.addVocabulary(ROOT_FIELDS);
    this.ajv.addSchema(doc, DOC_ID);
  }

  /** Compiles the schema at `ptr` (throws on an invalid or non-strict schema). */
  schema(ptr: string): ValidateFunction {
    let fn = this.compiled.get(ptr);
    if (!fn) {
      fn = this.ajv.compile({ $ref: `${DOC_ID}${ptr}` });
      this.compiled.set(ptr, fn);
    }
    return fn;
  }

  /** Ajv's complaints about `value` against the schema at `ptr`, as lines. */
  errors(ptr: string, value: unknown): string[] {
    const fn = this.schema(ptr);
    return fn(value) ? [] : (fn.errors ?? []).map((e) => `${ptr}: ${e.instancePath || '(root)'} ${e.message} ${JSON.stringify(e.params)}`);
  }

  /** Everything wrong with `res` as the answer to `method url`; empty when it conforms. */
  problems(method: string, url: string, res: Response): string[] {
    const path = new URL(url, 'http://gateway.invalid').pathname;
    const item = this.doc.paths?.[path] as Json | undefined;
    if (!item) return [`${path} is not documented`];
    const m = method.toLowerCase();
    const op = m in item ? m : m === 'head' && 'get' in item ? 'get' : null;
    if (!op) return this.methodNotAllowed(item, path, res);
    const responses = item[op].responses as Json;
    const status = String(res.status);
    const key = [status, `${status[0]}XX`, 'default'].find((k) => k in responses);
    if (!key) return [`${method.toUpperCase()} ${path} answered ${res.status}, which the document does not list (${Object.keys(responses).join(', ')})`];
    return this.responseProblems(deref(this.doc, pointer(['paths', path, op, 'responses', key])), res, m === 'head');
  }

  /** Throws, listing every problem, unless `res` conforms. */
  expect(method: string, url: string, res: Response): Response {
    const found = this.problems(method, url, res);
    if (found.length > 0) throw new Error(`${method.toUpperCase()} ${url} → ${res.status} does not match the OpenAPI document:\n  ${found.join('\n  ')}`);
    return res;
  }

  private methodNotAllowed(item: Json, path: string, res: Response): string[] {
    const documented = Object.keys(item).filter((k) => OPERATION_METHODS.includes(k)).map((k) => k.toUpperCase());
    if (documented.includes('GET') && !documented.includes('HEAD')) documented.push('HEAD');
    const allow = String(res.headers.allow ?? '').split(/,\s*/).filter(Boolean);
    const out = res.status === 405 ? [] : [`an undocumented method on ${path} answered ${res.status}, not 405`];
    if ([...allow].sort().join() !== [...documented].sort().join()) out.push(`Allow "${allow.join(', ')}" differs from the documented methods ${documented.join(', ')}`);
    return [...out, ...this.responseProblems(deref(this.doc, '#/components/responses/MethodNotAllowed'), res, false)];
  }

  private responseProblems(response: { node: Json; ptr: string }, res: Response, head: boolean): string[] {
    const out: string[] = [];
    if (typeof response.node?.description !== 'string') return [`${response.ptr} is not a response object`];
    const content = response.node.content as Json | undefined;
    const type = String(res.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const text = res.text ?? '';
    if (!content) {
      if (!head && text !== '') out.push(`${response.ptr} documents no body, but one came (${type || 'no content type'})`);
    } else if (!head) {
      if (!(type in content)) {
        out.push(`content type "${type}" is not one of ${Object.keys(content).join(', ')} (${response.ptr})`);
      } else {
        const body = type.endsWith('json') ? res.body : text;
        out.push(...this.errors(`${response.ptr}/content/${escape(type)}/schema`, body));
      }
    }
    for (const [name, raw] of Object.entries((response.node.headers ?? {}) as Json)) {
      const h = typeof raw.$ref === 'string' ? deref(this.doc, raw.$ref) : { node: raw as Json, ptr: `${response.ptr}/headers/${escape(name)}` };
      const value = res.headers[name.toLowerCase()] as string | string[] | undefined;
      if (value === undefined) {
        if (h.node.required === true) out.push(`required header ${name} is missing (${response.ptr})`);
        continue;
      }
      const integer = h.node.schema?.type === 'integer';
      for (const v of Array.isArray(value) ? value : [value]) {
        out.push(...this.errors(`${h.ptr}/schema`, integer && /^\d+$/.test(v) ? Number(v) : v).map((e) => `header ${name}: ${e}`));
      }
    }
    return out;
  }
}
