import type { IncomingHttpHeaders } from 'node:http';
import { util } from 'undici';
import { IDENTITY_HEADERS } from '../http/identity-headers';
import { bearerOf } from '../http/token-source';

/** RFC 9110 §7.6.1 hop-by-hop fields, plus the legacy ones proxies still see. */
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection',
  'te', 'trailer', 'transfer-encoding', 'upgrade', 'http2-settings',
]);

/** Headers only tokengate may set towards the upstream (compared after `_` → `-`). */
const GATEWAY_OWNED = new Set<string>([
  ...IDENTITY_HEADERS, 'x-request-id',
  'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'x-forwarded-prefix',
  'x-real-ip', 'forwarded',
]);

const NONE: ReadonlySet<string> = new Set();
const { headerNameToString } = util;
/** The few `Connection` values seen again and again (`keep-alive`, `close`), parsed once. */
const listedCache = new Map<string, ReadonlySet<string>>();

/** Names a `Connection` header lists, which are hop-by-hop for this message. */
function connectionListed(value: string | string[] | undefined): ReadonlySet<string> {
  if (value === undefined) return NONE;
  const text = Array.isArray(value) ? value.join(',') : value;
  let listed = listedCache.get(text);
  if (!listed) {
    // Hop-by-hop names are dropped anyway: a `Connection: keep-alive` lists nothing more to drop.
    const names = text.split(',').map((s) => s.trim().toLowerCase()).filter((name) => name !== '' && !HOP_BY_HOP.has(name));
    listed = names.length > 0 ? new Set(names) : NONE;
    if (listedCache.size < 64) listedCache.set(text, listed);
  }
  return listed;
}

/** How a header name is compared: lower case, `_` read as `-` (no spoofing in any spelling). */
export const headerKey = (name: string): string => name.toLowerCase().replace(/_/g, '-');

/** The token cookies' names (`ACCESS_COOKIE_NAME`, `REFRESH_COOKIE_NAME`): only tokengate sets them. */
export interface TokenCookieNames {
  accessCookie: string;
  refreshCookie: string;
}

export interface StripSettings extends TokenCookieNames {
  forwardTokens: boolean;
  /** `STRIP_HEADERS`, as {@link headerKey}s. */
  stripHeaders: ReadonlySet<string>;
}

/**
 * The client's request headers the upstream receives, as the flat `[name, value, …]` list
 * undici takes (no object to build and walk again): SPEC §5's removals. A repeated header
 * Node kept as a list comes out as one line per value.
 */
export function upstreamRequestHeaders(incoming: IncomingHttpHeaders, options: StripSettings): string[] {
  const listed = connectionListed(incoming.connection);
  const out: string[] = [];
  for (const name in incoming) {
    const value = incoming[name];
    if (value === undefined || name === 'host' || name === 'expect') continue;
    if (HOP_BY_HOP.has(name) || listed.has(name)) continue;
    const key = name.includes('_') ? headerKey(name) : name;
    if (GATEWAY_OWNED.has(key) || options.stripHeaders.has(key)) continue;
    if (!options.forwardTokens) {
      if (key === 'x-refresh-token') continue;
      if (name === 'authorization' && typeof value === 'string' && bearerOf(value) !== null) continue;
      if (name === 'cookie') {
        const kept = stripCookies(String(value), options.accessCookie, options.refreshCookie);
        if (kept) out.push('cookie', kept);
        continue;
      }
    }
    if (typeof value === 'string') out.push(name, value);
    else for (const each of value) out.push(name, each);
  }
  return out;
}

/** A flat `[name, value, …]` list as the header object Node's `http.request` takes; repeated names become lists. */
export function headerObject(flat: readonly string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const name = flat[i]!;
    const value = flat[i + 1]!;
    const seen = out[name];
    out[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return out;
}

/** The `Cookie` header without the two named cookies, each kept pair trimmed, joined by `; ` ('' when none is left). */
function stripCookies(header: string, access: string, refresh: string): string {
  let out = '';
  let start = 0;
  while (start < header.length) {
    let end = header.indexOf(';', start);
    if (end < 0) end = header.length;
    const pair = header.slice(start, end).trim();
    if (pair) {
      const eq = pair.indexOf('=');
      const name = (eq < 0 ? pair : pair.slice(0, eq)).trim();
      if (name !== access && name !== refresh) out = out ? `${out}; ${pair}` : pair;
    }
    start = end + 1;
  }
  return out;
}

/** A header line as undici (`Buffer`) or Node (`string`) hands it over. */
type RawField = string | Buffer;

const text = (field: RawField): string => (typeof field === 'string' ? field : field.toString('latin1'));

/**
 * Response headers only tokengate may send the client: the header-mode tokens (SPEC §4), which
 * the browser client adopts from any answer. An upstream's would plant or replace a token.
 */
const GATEWAY_OWNED_RESPONSE = new Set(['x-access-token', 'x-refresh-token']);

/** What an upstream answer never passes on, looked up once per line: hop-by-hop and {@link GATEWAY_OWNED_RESPONSE}. */
const NOT_RELAYED = new Set([...HOP_BY_HOP, ...GATEWAY_OWNED_RESPONSE]);

/**
 * The upstream's response header lines the client receives, as the flat `[name, value, …]`
 * list `writeHead` takes and `rawHeaders` holds: tokengate's own (`ours`) first, then the
 * upstream's without hop-by-hop fields, the names its `Connection` lines list (every line
 * counts), the names ours replace, `X-Access-Token`/`X-Refresh-Token`
 * ({@link GATEWAY_OWNED_RESPONSE}), and its `Set-Cookie` lines for a token cookie
 * ({@link setsTokenCookie}); `Set-Cookie` lines add up, ours first. Names come out in lower case.
 */
export function relayedResponseHeaders(raw: readonly RawField[], ours: readonly (readonly [string, string])[], names: TokenCookieNames): string[] {
  const out: string[] = [];
  for (const [name, value] of ours) out.push(name, value);
  let listed: ReadonlySet<string> = NONE;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = headerNameToString(raw[i]!);
    if (name === 'connection') {
      const value = raw[i + 1]!;
      if (!listsNothing(value)) listed = union(listed, connectionListed(text(value)));
      continue;
    }
    if (NOT_RELAYED.has(name)) continue;
    if (name === 'set-cookie') {
      const value = text(raw[i + 1]!);
      if (!setsTokenCookie(value, names)) out.push(name, value);
      continue;
    }
    if (replacedByOurs(name, ours)) continue;
    out.push(name, text(raw[i + 1]!));
  }
  return listed === NONE ? out : withoutListed(out, listed, ours.length * 2);
}

/**
 * A WebSocket upstream's 101 header lines (Node's `rawHeaders`, names as sent) as the client
 * receives them before `ours`: every line as it came (the handshake's `Upgrade`, `Connection`
 * and `Sec-WebSocket-*` included) but its `Set-Cookie` lines for a token cookie,
 * `X-Access-Token`/`X-Refresh-Token`, and the other names `ours` (lower case) sets;
 * `Set-Cookie` lines add up. `raw` itself when nothing goes.
 */
export function relayedUpgradeHeaders(raw: readonly string[], ours: readonly (readonly [string, string])[], names: TokenCookieNames): readonly string[] {
  let kept: string[] | null = null;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    const drop =
      lower === 'set-cookie' ? setsTokenCookie(raw[i + 1]!, names) : GATEWAY_OWNED_RESPONSE.has(lower) || replacedByOurs(lower, ours);
    if (drop) kept ??= raw.slice(0, i);
    else kept?.push(name, raw[i + 1]!);
  }
  return kept ?? raw;
}

/** Both sets' names; `a` itself when `b` adds none. */
function union(a: ReadonlySet<string>, b: ReadonlySet<string>): ReadonlySet<string> {
  if (a === NONE) return b;
  let out: Set<string> | null = null;
  for (const name of b) if (!a.has(name)) (out ??= new Set(a)).add(name);
  return out ?? a;
}

const [TAB, SPACE, SEMICOLON, EQUALS] = [9, 32, 59, 61];
const isBlank = (code: number): boolean => code === SPACE || code === TAB;

/**
 * Whether a `Set-Cookie` value sets a token cookie: its name (its name-value pair up to the
 * first `=`, spaces and tabs trimmed, RFC 6265bis §5.7) is one of `names`, compared exactly as
 * cookie names are. A pair without `=` counts by its whole text, as {@link stripCookies} reads
 * one. The client's token cookies never reach an upstream, so an upstream that sets one would
 * only overwrite the token tokengate just reissued, or the one the browser holds.
 */
function setsTokenCookie(value: string, names: TokenCookieNames): boolean {
  let end = 0;
  while (end < value.length) {
    const code = value.charCodeAt(end);
    if (code === EQUALS || code === SEMICOLON) break;
    end++;
  }
  let start = 0;
  while (start < end && isBlank(value.charCodeAt(start))) start++;
  while (end > start && isBlank(value.charCodeAt(end - 1))) end--;
  return nameIs(value, start, end, names.accessCookie) || nameIs(value, start, end, names.refreshCookie);
}

/** `value`'s characters from `start` to `end` spell exactly `name` (no substring built). */
const nameIs = (value: string, start: number, end: number, name: string): boolean => end - start === name.length && value.startsWith(name, start);

/**
 * A response's `Connection: keep-alive` or `close` (any letter case), read off undici's bytes:
 * nearly every upstream sends one of the two, and neither names a field to drop, so the value
 * is neither decoded nor looked up. Anything else goes to {@link connectionListed}.
 */
function listsNothing(value: RawField): boolean {
  if (typeof value === 'string') return false;
  return equalsIgnoringCase(value, 'keep-alive') || equalsIgnoringCase(value, 'close');
}

/** `bytes` spell `lower` (lower-case ASCII), where each letter may also be upper case. */
function equalsIgnoringCase(bytes: Buffer, lower: string): boolean {
  if (bytes.length !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    const want = lower.charCodeAt(i);
    const got = bytes[i]!;
    // `| 0x20` maps exactly A–Z onto a–z among the bytes that can give a letter.
    if (got !== want && !(want >= 97 && want <= 122 && (got | 0x20) === want)) return false;
  }
  return true;
}

/** `ours` (names in lower case) sets `name`; callers read `Set-Cookie`, whose lines add up, before asking. */
function replacedByOurs(name: string, ours: readonly (readonly [string, string])[]): boolean {
  for (const [own] of ours) if (own === name) return true;
  return false;
}

/** `out` without the upstream's lines (from `from` on) that its `Connection` header named. */
function withoutListed(out: string[], listed: ReadonlySet<string>, from: number): string[] {
  const kept = out.slice(0, from);
  for (let i = from; i < out.length; i += 2) if (!listed.has(out[i]!)) kept.push(out[i]!, out[i + 1]!);
  return kept;
}
