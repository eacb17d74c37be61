import { JwtTokenSigner } from '../src/adapters/security/jwt-token-signer';
import type { AccessClaims } from '../src/domain/token';
import { BENCH_SECRET, BENCH_USER, type BenchAccount } from './targets';

/** One logged-in client, as a browser or API client holds it; rotation updates it in place. */
export interface HeldSession {
  access: string;
  refresh: string;
  /** An access token of the same session, signed correctly but expired. */
  expiredAccess: string;
}

/** Signs as the gateways of the run do (they share `BENCH_SECRET`). */
export const benchSigner = new JwtTokenSigner({
  algorithm: 'HS256',
  secret: Buffer.from(BENCH_SECRET, 'utf8'),
  issuer: 'tokengate',
  audience: 'tokengate',
  clockSkewSeconds: 30,
  clock: { now: () => Date.now() },
});

function claimsOf(token: string): AccessClaims {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as AccessClaims;
}

/** The same claims moved back in time past `exp` plus any clock skew, signed with the gateway's key. */
export function expiredCopy(access: string): string {
  const c = claimsOf(access);
  const shift = c.exp - c.iat + 3600;
  return benchSigner.signAccess({ sub: c.sub, sid: c.sid, jti: `${c.jti}-old`, iat: c.iat - shift, exp: c.exp - shift, roles: c.roles, username: c.username });
}

export async function login(base: string, user: BenchAccount = BENCH_USER): Promise<HeldSession> {
  const res = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`login answered ${res.status}: ${text}`);
  const body = JSON.parse(text) as { accessToken: string; refreshToken: string };
  return { access: body.accessToken, refresh: body.refreshToken, expiredAccess: expiredCopy(body.accessToken) };
}

/** `count` fresh sessions, a few logins at a time. */
export async function loginMany(base: string, count: number, parallel = 8): Promise<HeldSession[]> {
  const out: HeldSession[] = [];
  while (out.length < count) {
    const n = Math.min(parallel, count - out.length);
    out.push(...(await Promise.all(Array.from({ length: n }, () => login(base)))));
  }
  return out;
}

/**
 * Held sessions per tokengate, `count` each, logged in anew once two thirds of their access
 * tokens' lifetime has passed. A default run (six rounds) lasts longer than the default
 * `ACCESS_TOKEN_TTL` of 15 minutes: with sessions from its start, the last round's requests
 * were answered 401 (bearer) or reissued every time (cookies).
 */
export function sessionPools(count: number, log: (base: string, count: number) => Promise<HeldSession[]> = loginMany, nowMs = () => Date.now()) {
  const pools = new Map<string, { renewAtMs: number; sessions: Promise<HeldSession[]> }>();
  return (base: string): Promise<HeldSession[]> => {
    const held = pools.get(base);
    if (held && nowMs() < held.renewAtMs) return held.sessions;
    const sessions = log(base, count);
    const entry = { renewAtMs: Infinity, sessions };
    pools.set(base, entry);
    void sessions.then(
      (list) => {
        const claims = list.map((s) => claimsOf(s.access));
        const exp = Math.min(...claims.map((c) => c.exp));
        const iat = Math.max(...claims.map((c) => c.iat));
        entry.renewAtMs = (iat + ((exp - iat) * 2) / 3) * 1000;
      },
      () => pools.delete(base),
    );
    return sessions;
  };
}
