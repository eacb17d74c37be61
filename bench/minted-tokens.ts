import { randomUUID } from 'node:crypto';
import { JwtTokenSigner } from '../src/adapters/security/jwt-token-signer';
import { BENCH_SECRET, BENCH_USER } from './targets';

/**
 * `count` access tokens signed here with the gateway's secret, each for its own made-up
 * session: valid for the proxy (an access token is stateless) without a login, so without
 * any argon2id hashing in the measured process.
 */
export function mintAccessTokens(count: number, lifetimeSeconds = 4 * 3600): string[] {
  const now = Math.floor(Date.now() / 1000);
  const signer = new JwtTokenSigner({
    algorithm: 'HS256',
    secret: Buffer.from(BENCH_SECRET, 'utf8'),
    issuer: 'tokengate',
    audience: 'tokengate',
    clockSkewSeconds: 30,
    clock: { now: () => Date.now() },
  });
  return Array.from({ length: count }, () =>
    signer.signAccess({ sub: randomUUID(), sid: randomUUID(), jti: randomUUID(), iat: now, exp: now + lifetimeSeconds, roles: [], username: BENCH_USER.username }),
  );
}
