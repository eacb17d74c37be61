import { at, deref, OPERATION_METHODS, pointer, type Json } from './openapi-checker';

const STATUS_KEY = /^([1-5](\d\d|XX)|default)$/;
const PARAM_IN = ['query', 'header', 'path', 'cookie'];

/** Every operation of the document: path, method, the operation and its pointer. */
export function operations(doc: Json): { path: string; method: string; op: Json; ptr: string }[] {
  return Object.entries((doc.paths ?? {}) as Json).flatMap(([path, item]) =>
    Object.keys(item as Json)
      .filter((k) => OPERATION_METHODS.includes(k))
      .map((method) => ({ path, method, op: (item as Json)[method] as Json, ptr: pointer(['paths', path, method]) })),
  );
}

/** Every `$ref` in the document, with where it stands. */
function refs(node: unknown, ptr: string, out: { ref: string; ptr: string }[] = []): { ref: string; ptr: string }[] {
  if (Array.isArray(node)) node.forEach((v, i) => refs(v, `${ptr}/${i}`, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push({ ref: v, ptr });
      else refs(v, `${ptr}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, out);
    }
  }
  return out;
}

/** Pointers to every schema the document holds (components, parameters, headers, bodies). */
export function schemaPointers(doc: Json): string[] {
  const out = Object.keys(doc.components?.schemas ?? {}).map((n) => pointer(['components', 'schemas', n]));
  const headers = (ptr: string, hs: Json = {}) => Object.entries(hs).forEach(([n, h]) => !(h as Json).$ref && out.push(`${ptr}/headers/${pointer([n]).slice(2)}/schema`));
  const media = (ptr: string, content: Json = {}) => Object.keys(content).forEach((t) => out.push(`${ptr}/content/${pointer([t]).slice(2)}/schema`));
  headers('#/components', doc.components?.headers);
  for (const [n, r] of Object.entries((doc.components?.responses ?? {}) as Json)) {
    const ptr = pointer(['components', 'responses', n]);
    headers(ptr, (r as Json).headers);
    media(ptr, (r as Json).content);
  }
  for (const { op, ptr } of operations(doc)) {
    ((op.parameters ?? []) as Json[]).forEach((p, i) => !p.$ref && out.push(`${ptr}/parameters/${i}/schema`));
    if (op.requestBody?.content) media(`${ptr}/requestBody`, op.requestBody.content);
    for (const [status, r] of Object.entries((op.responses ?? {}) as Json)) {
      if ((r as Json).$ref) continue;
      const rp = `${ptr}/responses/${status}`;
      headers(rp, (r as Json).headers);
      media(rp, (r as Json).content);
    }
  }
  return out;
}

/**
 * What the OpenAPI 3.1 structure rules (and tokengate's own conventions) find wrong:
 * version and info, resolvable `$ref`s, unique operation ids, response objects with
 * descriptions and `X-Request-Id`, RFC 6750 and `Retry-After`/`Allow` headers where the
 * status needs them, declared security schemes, and error codes answering with their status.
 */
export function structureProblems(doc: Json, errorStatus: Readonly<Record<string, number>>): string[] {
  const out: string[] = [];
  if (!/^3\.1\.\d+$/.test(String(doc.openapi))) out.push(`openapi is "${doc.openapi}", not 3.1.x`);
  if (typeof doc.info?.title !== 'string' || typeof doc.info?.version !== 'string') out.push('info needs title and version');
  for (const { ref, ptr } of refs(doc, '#')) if (!ref.startsWith('#/') || at(doc, ref) === undefined) out.push(`${ptr}: $ref ${ref} does not resolve`);
  const schemes = Object.keys(doc.components?.securitySchemes ?? {});
  const ids = new Set<string>();
  for (const { path, method, op, ptr } of operations(doc)) {
    if (!path.startsWith('/')) out.push(`${path}: paths start with /`);
    if (typeof op.operationId !== 'string' || ids.has(op.operationId)) out.push(`${ptr}: operationId missing or repeated`);
    ids.add(op.operationId);
    for (const req of (op.security ?? doc.security ?? []) as Json[]) {
      for (const name of Object.keys(req)) if (!schemes.includes(name)) out.push(`${ptr}: security scheme ${name} is not declared`);
    }
    for (const [i, p] of ((op.parameters ?? []) as Json[]).entries()) {
      if (typeof p.name !== 'string' || !PARAM_IN.includes(p.in) || !p.schema) out.push(`${ptr}/parameters/${i}: needs name, in and schema`);
    }
    const statuses = Object.keys(op.responses ?? {});
    if (statuses.length === 0) out.push(`${ptr}: no responses`);
    for (const status of statuses) out.push(...responseProblems(doc, `${ptr}/responses/${status}`, status, errorStatus));
  }
  for (const name of Object.keys(doc.components?.responses ?? {})) {
    const ptr = pointer(['components', 'responses', name]);
    const status = (deref(doc, ptr).node.content?.['application/json']?.schema?.properties?.error?.enum ?? [])[0];
    out.push(...responseProblems(doc, ptr, String(errorStatus[status] ?? 'default'), errorStatus));
  }
  return out;
}

/** SPEC §12: a login answers `mfa_required` with 401 (a step, not a refusal); routes refuse with 403. */
const ALSO_ANSWERS: Readonly<Record<string, readonly string[]>> = { mfa_required: ['401'] };

function responseProblems(doc: Json, ptr: string, status: string, errorStatus: Readonly<Record<string, number>>): string[] {
  const out: string[] = [];
  if (!STATUS_KEY.test(status)) out.push(`${ptr}: "${status}" is not a status code`);
  const { node, ptr: real } = deref(doc, ptr);
  if (typeof node?.description !== 'string') return [...out, `${ptr}: a response needs a description`];
  const header = (name: string) => (node.headers?.[name] ? deref(doc, `${real}/headers/${pointer([name]).slice(2)}`).node : undefined);
  if (header('X-Request-Id')?.required !== true) out.push(`${ptr}: must declare X-Request-Id as required`);
  if (status === '401' && !header('WWW-Authenticate')) out.push(`${ptr}: a 401 must declare WWW-Authenticate`);
  if ((status === '429' || status === '503') && !header('Retry-After')) out.push(`${ptr}: ${status} must declare Retry-After`);
  if (status === '405' && !header('Allow')) out.push(`${ptr}: 405 must declare Allow`);
  const error = node.content?.['application/json']?.schema?.properties?.error as Json | undefined;
  const codes: string[] = error?.enum ?? (error?.const ? [error.const] : []);
  if (/^[45]/.test(status) && codes.length === 0) out.push(`${ptr}: an error answer must narrow the error codes`);
  for (const code of codes) {
    if (String(errorStatus[code]) !== status && !ALSO_ANSWERS[code]?.includes(status)) out.push(`${ptr}: ${code} answers ${errorStatus[code]}, not ${status}`);
  }
  return out;
}
