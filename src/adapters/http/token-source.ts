import type { IncomingMessage } from 'node:http';
import type { Context } from 'koa';
import { DomainError } from '../../domain/errors';
import type { PresentedTokens } from '../../application/authenticate-request';
import type { BodyFields } from './body';
import type { TokenCookies } from './cookies';

/** The tokens of a request, and where they came from. */
export interface RequestTokens extends PresentedTokens {
  /** A token came in `Authorization: Bearer` or `X-Refresh-Token`: answer in headers too. */
  viaHeader: boolean;
  /** A token came in a cookie: unsafe methods get the CSRF check. */
  viaCookie: boolean;
}

/** `Authorization: Bearer <token>`: the token ('' when empty or repeated), or null for no or another scheme. */
export function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  if (countHeader(req.rawHeaders, 'authorization') > 1) return '';
  return bearerOf(header);
}

const BEARER = 'bearer';

/** `v` starts with "bearer" in any ASCII letter case (`c | 0x20` folds A–Z onto a–z and nothing else onto a letter). */
function startsWithBearer(v: string): boolean {
  for (let i = 0; i < BEARER.length; i++) if ((v.charCodeAt(i) | 0x20) !== BEARER.charCodeAt(i)) return false;
  return true;
}

/** The whitespace `\s` matches in a header value (Node reads values as latin1): tab to CR, space, NBSP. */
const isSpace = (c: number): boolean => (c >= 9 && c <= 13) || c === 32 || c === 160;

/**
 * The token of an `Authorization` value of the Bearer scheme (any letter case), trimmed; ''
 * when the scheme comes alone; null for another scheme. Read by hand, not by a regular
 * expression: a capture over a ~400-character token cost the proxy's hot path more than the
 * rest of this function (docs/performance.md, "Instructions per request").
 */
export function bearerOf(value: string): string | null {
  const v = value.trim();
  if (v.length < 6 || !startsWithBearer(v)) return null;
  if (v.length === 6) return '';
  if (!isSpace(v.charCodeAt(6))) return null;
  return v.slice(7).trim();
}

/**
 * SPEC §4: access token from Bearer, else cookie; refresh token from `X-Refresh-Token`,
 * else the JSON body's `refreshToken` (auth POSTs), else cookie.
 */
export function readTokens(ctx: Context, cookies: TokenCookies, body?: BodyFields): RequestTokens {
  return tokensFromRequest(ctx.req, cookies.names, body ? stringField(body, 'refreshToken') : null);
}

/** As {@link readTokens}, from the bare request (WebSocket upgrades have no Koa context). */
export function tokensFromRequest(
  req: IncomingMessage,
  names: { access: string; refresh: string },
  bodyRefresh: string | null = null,
): RequestTokens {
  const bearer = bearerToken(req);
  const headerRefresh = headerValue(req.headers['x-refresh-token']);
  const jar = req.headers.cookie;
  let cookieAccess: string | null = null;
  let cookieRefresh: string | null = null;
  if (jar) {
    const wantRefresh = headerRefresh === null && bodyRefresh === null;
    const found = cookieValues(jar, bearer === null ? names.access : null, wantRefresh ? names.refresh : null);
    cookieAccess = found[0] || null;
    cookieRefresh = found[1] || null;
  }
  return {
    accessToken: bearer ?? cookieAccess,
    refreshToken: headerRefresh ?? bodyRefresh ?? cookieRefresh,
    viaHeader: bearer !== null || headerRefresh !== null,
    viaCookie: cookieAccess !== null || cookieRefresh !== null,
  };
}

/** Space and tab: what the `cookie` package trims around a cookie's name and value. */
const isBlank = (c: number): boolean => c === 32 || c === 9;

/**
 * The values of the first cookies called `first` and `second` (null: not wanted) in a `Cookie`
 * header, read as the `cookie` package's `parse` reads them (name and value trimmed of spaces
 * and tabs, `%XX` decoded when valid, the first of a repeated name wins), in one pass and
 * without building an object of every cookie: a request carries only two of ours, each a
 * ~400-character token (docs/performance.md, "Cookie mode in instructions"). Names are
 * cookie-name tokens, so they hold no `=`, `;`, space or tab.
 */
export function cookieValues(header: string, first: string | null, second: string | null): [string | undefined, string | undefined] {
  let a: string | undefined;
  let b: string | undefined;
  const len = header.length;
  let start = 0;
  while (start < len && ((a === undefined && first !== null) || (b === undefined && second !== null))) {
    let end = header.indexOf(';', start);
    if (end < 0) end = len;
    let i = start;
    while (i < end && isBlank(header.charCodeAt(i))) i++;
    if (a === undefined && first !== null && header.startsWith(first, i)) {
      const value = valueAfterName(header, i + first.length, end);
      if (value !== undefined) a = value;
    }
    if (b === undefined && second !== null && header.startsWith(second, i)) {
      const value = valueAfterName(header, i + second.length, end);
      if (value !== undefined) b = value;
    }
    start = end + 1;
  }
  return [a, b];
}

/** The decoded value when `header[i..end)` is blanks, `=`, then the value; undefined when the name goes on. */
function valueAfterName(header: string, i: number, end: number): string | undefined {
  while (i < end && isBlank(header.charCodeAt(i))) i++;
  if (i >= end || header.charCodeAt(i) !== 61 /* = */) return undefined;
  let from = i + 1;
  while (from < end && isBlank(header.charCodeAt(from))) from++;
  while (end > from && isBlank(header.charCodeAt(end - 1))) end--;
  const value = header.slice(from, end);
  if (value.indexOf('%') < 0) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** An optional string field: null when absent, 400 when of another type. */
export function stringField(body: BodyFields, name: string): string | null {
  if (!Object.prototype.hasOwnProperty.call(body, name)) return null;
  const value = body[name];
  if (typeof value !== 'string') throw new DomainError('invalid_request', `"${name}" must be a string`);
  return value;
}

function headerValue(v: string | string[] | undefined): string | null {
  if (v === undefined || v === '') return null;
  return Array.isArray(v) ? v.join(', ') : v;
}

function countHeader(raw: string[], name: string): number {
  let n = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const given = raw[i] as string;
    if (given.length === name.length && given.toLowerCase() === name) n++;
  }
  return n;
}
