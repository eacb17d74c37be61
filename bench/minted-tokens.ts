import { randomUUID } from 'node:crypto';
import { benchSigner } from './sessions';
import { BENCH_USER } from './targets';

/**
 * `count` access tokens signed here with the gateway's secret, each for its own made-up
 * session: valid for the proxy (an access token is stateless) without a login, so without
 * any argon2id hashing in the measured process.
 */
export function mintAccessTokens(count: number, lifetimeSeconds = 4 * 3600): string[] {
  const now = Math.floor(Date.now() / 1000);
  return Array.from({ length: count }, () =>
    benchSigner.signAccess({ sub: randomUUID(), sid: randomUUID(), jti: randomUUID(), iat: now, exp: now + lifetimeSeconds, roles: [], username: BENCH_USER.username }),
  );
}
