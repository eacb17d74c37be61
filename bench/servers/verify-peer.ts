import { createSecretKey } from 'node:crypto';
import http from 'node:http';
import jwt from 'jsonwebtoken';

/**
 * The forward-auth peer, as `../shared/anchors/peers/verify-endpoint.js` builds it: the
 * `auth_request` target people write by hand. `node:http` + `jsonwebtoken` with a KeyObject
 * made once (a string secret is ~50× slower), HS256 only, `iss` and `aud` checked, the bearer
 * token first and the `access_token` cookie second; 204 with `x-user-id`, else 401. A verify per
 * request, no cache. Configured with tokengate's secret, issuer and audience.
 */
const env = process.env;
const KEY = createSecretKey(Buffer.from(env.JWT_SECRET ?? '', 'utf8'));
const OPTIONS: jwt.VerifyOptions = { algorithms: ['HS256'], issuer: env.JWT_ISSUER ?? 'tokengate', audience: env.JWT_AUDIENCE ?? 'tokengate' };
const COOKIE = `${env.JWT_COOKIE ?? 'access_token'}=`;

function bearer(header: string | undefined): string | undefined {
  const m = header ? /^Bearer ([^\s]+)$/i.exec(header) : null;
  return m ? m[1] : undefined;
}

function cookie(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const p = part.trim();
    if (p.startsWith(COOKIE)) return decodeURIComponent(p.slice(COOKIE.length));
  }
  return undefined;
}

const server = http.createServer((req, res) => {
  const token = bearer(req.headers.authorization) ?? cookie(req.headers.cookie);
  let sub: unknown;
  if (token) {
    try {
      sub = (jwt.verify(token, KEY, OPTIONS) as jwt.JwtPayload).sub;
    } catch {
      sub = undefined;
    }
  }
  if (sub === undefined) {
    res.writeHead(401, { 'content-length': '0' });
    res.end();
    return;
  }
  res.writeHead(204, { 'x-user-id': String(sub) });
  res.end();
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
process.once('SIGTERM', () => process.exit(0));
