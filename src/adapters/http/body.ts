import bodyParser from 'koa-bodyparser';
import type { Context, Middleware, Next } from 'koa';
import { DomainError } from '../../domain/errors';

export type BodyFields = Record<string, unknown>;

const JSON_TYPES = ['application/json', 'application/*+json'];
const FORM_TYPES = ['application/x-www-form-urlencoded'];
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Deepest JSON nesting accepted (the top-level object is 1); auth bodies need 1. */
export const MAX_JSON_DEPTH = 32;
const utf8 = new TextDecoder('utf-8', { fatal: true });

const bad = (message: string): DomainError => new DomainError('invalid_request', message);

/**
 * Reads `/auth/*` bodies with koa-bodyparser as bytes (latin1 maps each byte to one
 * character), then decodes strictly: invalid UTF-8, malformed JSON or form data, a
 * non-object body and prototype keys are 400; over `limit` bytes is 413.
 */
export function authBodyParser(limit: number): Middleware {
  const read = bodyParser({
    enableTypes: ['text'],
    extendTypes: { text: [...JSON_TYPES, ...FORM_TYPES] },
    encoding: 'latin1',
    textLimit: `${limit}b`,
    onerror: (err: Error & { status?: number; type?: string }) => {
      if (err.status === 413) throw new DomainError('payload_too_large', `the body is larger than ${limit} bytes`);
      throw bad('the request body could not be read');
    },
  });
  return async (ctx: Context, next: Next) => {
    if (ctx.method === 'GET' || ctx.method === 'HEAD' || ctx.method === 'OPTIONS') return next();
    ctx.state.isForm = ctx.request.is(FORM_TYPES) !== false;
    await read(ctx, async () => {
      ctx.state.body = decodeBody(ctx);
      await next();
    });
  };
}

function decodeBody(ctx: Context): BodyFields {
  // koa-bodyparser's text types include text/plain: only JSON and forms are accepted.
  let raw = (ctx.request as { rawBody?: string }).rawBody;
  if (raw !== undefined && !ctx.request.is(JSON_TYPES) && !ctx.request.is(FORM_TYPES)) raw = undefined;
  if (raw === undefined) {
    if (ctx.request.length > 0 || ctx.get('transfer-encoding')) {
      throw new DomainError('invalid_request', 'unsupported content type: send application/json or a form');
    }
    return {};
  }
  let text: string;
  try {
    text = utf8.decode(Buffer.from(raw, 'latin1'));
  } catch {
    throw bad('the body is not valid UTF-8');
  }
  if (ctx.request.is(FORM_TYPES)) return parseForm(text);
  if (text.trim() === '') return {};
  return parseJsonObject(text);
}

function parseJsonObject(text: string): BodyFields {
  if (jsonDepth(text) > MAX_JSON_DEPTH) throw bad(`the body is nested deeper than ${MAX_JSON_DEPTH} levels`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw bad('the body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('the body must be a JSON object');
  assertSafeKeys(value);
  return value as BodyFields;
}

/** The deepest bracket nesting of JSON text, brackets inside strings aside; one pass, no recursion. */
function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** Refuses prototype keys at any depth, with an explicit stack (no recursion to overflow). */
function assertSafeKeys(root: unknown): void {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value !== 'object' || value === null) continue;
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) throw bad(`the key "${key}" is not allowed`);
      pending.push((value as Record<string, unknown>)[key]);
    }
  }
}

/** Strict `application/x-www-form-urlencoded`: repeated or prototype keys are refused. */
function parseForm(text: string): BodyFields {
  const fields: BodyFields = Object.create(null) as BodyFields;
  if (text === '') return fields;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decodeFormPart(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decodeFormPart(pair.slice(eq + 1));
    if (FORBIDDEN_KEYS.has(key)) throw bad(`the key "${key}" is not allowed`);
    if (key in fields) throw bad(`the field "${key}" is repeated`);
    fields[key] = value;
  }
  return fields;
}

function decodeFormPart(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    throw bad('the form data is not valid');
  }
}
