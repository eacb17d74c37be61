import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** Who is calling, as the proxy reports it upstream (`X-Forwarded-*`). */
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

/**
 * The client's address, protocol and host exactly as Koa 3 reads them with
 * `app.proxy = trustProxy > 0` and `maxIpsCount = trustProxy` (`ctx.ip`, `ctx.protocol`,
 * `ctx.host`), for the paths answered without Koa. `TRUST_PROXY=0` ignores every
 * `X-Forwarded-*` header; otherwise the client IP is that many entries from the right.
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
  else if (proxy) {
    const proto = header(req, 'x-forwarded-proto');
    if (proto) protocol = first(proto).toLowerCase();
  }

  let host = proxy ? header(req, 'x-forwarded-host') : '';
  if (!host && req.httpVersionMajor >= 2) host = header(req, ':authority');
  if (!host) host = header(req, 'host');
  if (host) host = first(host);
  if (host.includes('@')) {
    try {
      host = new URL(`http://${host}`).host;
    } catch {
      host = '';
    }
  }
  return { ip, protocol, host };
}
