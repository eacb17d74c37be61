import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { IDENTITY_HEADERS } from '../http/identity-headers';

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
/** The few `Connection` values seen again and again (`keep-alive`, `close`), parsed once. */
const listedCache = new Map<string, ReadonlySet<string>>();

/** Names a `Connection` header lists, which are hop-by-hop for this message. */
function connectionListed(value: string | string[] | undefined): ReadonlySet<string> {
  if (value === undefined) return NONE;
  const text = Array.isArray(value) ? value.join(',') : value;
  let listed = listedCache.get(text);
  if (!listed) {
    listed = new Set(text.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean));
    if (listedCache.size < 64) listedCache.set(text, listed);
  }
  return listed;
}

/** How a header name is compared: lower case, `_` read as `-` (no spoofing in any spelling). */
export const headerKey = (name: string): string => name.toLowerCase().replace(/_/g, '-');

export interface StripSettings {
  forwardTokens: boolean;
  accessCookie: string;
  refreshCookie: string;
  /** `STRIP_HEADERS`, as {@link headerKey}s. */
  stripHeaders: ReadonlySet<string>;
}

/** The request headers the upstream receives: SPEC §5's removals, then tokengate's own (`add`), if given. */
export function upstreamRequestHeaders(incoming: IncomingHttpHeaders, options: StripSettings, add?: Record<string, string>): Record<string, string | string[]> {
  const listed = connectionListed(incoming.connection);
  const out: Record<string, string | string[]> = {};
  for (const name in incoming) {
    const value = incoming[name];
    if (value === undefined || name === 'host' || name === 'expect') continue;
    if (HOP_BY_HOP.has(name) || listed.has(name)) continue;
    const key = name.includes('_') ? headerKey(name) : name;
    if (GATEWAY_OWNED.has(key) || options.stripHeaders.has(key)) continue;
    if (!options.forwardTokens) {
      if (key === 'x-refresh-token') continue;
      if (name === 'authorization' && /^\s*bearer(\s|$)/i.test(String(value))) continue;
      if (name === 'cookie') {
        const kept = stripCookies(String(value), options.accessCookie, options.refreshCookie);
        if (kept) out.cookie = kept;
        continue;
      }
    }
    out[name] = value;
  }
  if (add) Object.assign(out, add);
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

/** The upstream's response headers the client receives: hop-by-hop ones dropped. */
export function clientResponseHeaders(upstream: Record<string, string | string[] | undefined>): OutgoingHttpHeaders {
  const listed = connectionListed(upstream.connection);
  const out: OutgoingHttpHeaders = {};
  for (const name in upstream) {
    const value = upstream[name];
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name)) continue;
    out[name] = value;
  }
  return out;
}
