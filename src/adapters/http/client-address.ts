import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { isAuthority } from '../system/host-syntax';

/** Who is calling, as the proxy reports it upstream (`X-Forwarded-*`) and the CSRF check compares with `Origin`. */
export interface ClientAddress {
  ip: string;
  protocol: string;
  host: string;
}

const first = (value: string): string => {
  const comma = value.indexOf(',');
  return (comma < 0 ? value : value.slice(0, comma)).trim();
};
const header = (req: IncomingMessage, name: string): string => {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : (v ?? '');
};

/** The first entry of a forwarded protocol list when it is `http` or `https` (any case); else null. */
function forwardedProtocol(value: string): string | null {
  if (!value) return null;
  const proto = first(value).toLowerCase();
  return proto === 'http' || proto === 'https' ? proto : null;
}

/** The first entry of a host list when it is a valid authority (`host[:port]`, no userinfo); else ''. */
function validHost(value: string): string {
  if (!value) return '';
  const host = first(value);
  return isAuthority(host) ? host : '';
}

/**
 * The client's address, protocol and host: the one reading of them for every path, Koa's
 * included (SPEC §5 "client address under TRUST_PROXY"). `TRUST_PROXY=0` ignores every
 * `X-Forwarded-*` header. Otherwise the client IP is that many entries from the right of
 * `X-Forwarded-For` (Koa's `maxIpsCount`), and `X-Forwarded-Proto`/`-Host` are believed only
 * when well-formed: `http`/`https`, and a valid `host[:port]`; else the socket (https on
 * TLS) and the `Host` header decide. A `Host` that is no valid authority gives no host ('').
 */
export function clientAddress(req: IncomingMessage, trustProxy: number): ClientAddress {
  const proxy = trustProxy > 0;
  let ip = '';
  if (proxy) {
    const forwarded = header(req, 'x-forwarded-for');
    if (forwarded) {
      const ips = forwarded.split(',').map((v) => v.trim());
      ip = ips.slice(-trustProxy)[0] ?? '';
    }
  }
  if (!ip) ip = req.socket.remoteAddress ?? '';

  let protocol = 'http';
  if ((req.socket as TLSSocket).encrypted) protocol = 'https';
  else if (proxy) protocol = forwardedProtocol(header(req, 'x-forwarded-proto')) ?? 'http';

  let host = proxy ? validHost(header(req, 'x-forwarded-host')) : '';
  if (!host && req.httpVersionMajor >= 2) host = validHost(header(req, ':authority'));
  if (!host) host = validHost(header(req, 'host'));
  return { ip, protocol, host };
}
