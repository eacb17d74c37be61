import { CachingTokenSigner, MAX_SPARED } from '../../../src/adapters/security/caching-token-signer';
import { PollingRevocationList } from '../../../src/adapters/revocation/polling-revocation-list';
import { Argon2PasswordHasher } from '../../../src/adapters/security/argon2-password-hasher';
import { MemorySessionRepository } from '../../../src/adapters/storage/memory-session-repository';
import { MemoryUserRepository } from '../../../src/adapters/storage/memory-user-repository';
import { RandomIdGenerator } from '../../../src/adapters/system/random-id-generator';
import { FlexibleLoginThrottle } from '../../../src/adapters/throttle/flexible-login-throttle';
import type { TokenSigner } from '../../../src/domain/ports/token-signer';
import type { AccessClaims, RefreshClaims, TokenCheck } from '../../../src/domain/token';
import { DEFAULT_CONTEXT, DEFAULT_SETTINGS } from '../../support/harness-settings';
import { RecordingAuditLog } from '../../support/recording-audit-log';
import { buildUseCases, grantOf } from '../../support/use-cases';
import { rotationPolicy } from '../../../src/domain/rotation-policy';
import { accessClaims, fixedClock, makeSigner, refreshClaims, T0 } from './jwt-fixtures';

/** The real JWT signer, counting how often it actually verifies an access token. */
class CountingSigner implements TokenSigner {
  accessChecks = 0;
  refreshChecks = 0;
  constructor(private readonly inner: ReturnType<typeof makeSigner>) {}
  signAccess(c: AccessClaims): string {
    return this.inner.signAccess(c);
  }
  signRefresh(c: RefreshClaims): string {
    return this.inner.signRefresh(c);
  }
  verifyAccess(t: string): TokenCheck<AccessClaims> {
    this.accessChecks++;
    return this.inner.verifyAccess(t);
  }
  verifyRefresh(t: string): TokenCheck<RefreshClaims> {
    this.refreshChecks++;
    return this.inner.verifyRefresh(t);
  }
  jwks() {
    return this.inner.jwks();
  }
}

function setup(maxEntries = 100) {
  const clock = fixedClock();
  const jwt = makeSigner('HS256', clock);
  const counting = new CountingSigner(jwt);
  const cached = new CachingTokenSigner(counting, { maxEntries, clock });
  const token = (over: Partial<AccessClaims> = {}) => jwt.signAccess(accessClaims(over));
  return { clock, jwt, counting, cached, token };
}

describe('CachingTokenSigner', () => {
  it('verifies a token once and answers later checks of the same token from memory', () => {
    const { counting, cached, token } = setup();
    const t = token();
    const first = cached.verifyAccess(t);
    const again = cached.verifyAccess(t);
    expect(first).toMatchObject({ state: 'valid', claims: { sid: 's1', roles: ['admin'] } });
    expect(again).toEqual(first);
    expect(counting.accessChecks).toBe(1);
  });

  it('hands out frozen results, so no caller can alter what later requests see', () => {
    const { cached, token } = setup();
    const result = cached.verifyAccess(token());
    if (result.state === 'invalid') throw new Error('expected a valid token');
    expect(Object.isFrozen(result.claims)).toBe(true);
    expect(Object.isFrozen(result.claims.roles)).toBe(true);
  });

  it('never caches an expired token: each check goes to the real signer', () => {
    const { counting, cached, token } = setup();
    const t = token({ iat: T0 - 3600, exp: T0 - 600 });
    expect(cached.verifyAccess(t)).toMatchObject({ state: 'expired' });
    expect(cached.verifyAccess(t)).toMatchObject({ state: 'expired' });
    expect(counting.accessChecks).toBe(2);
  });

  it('never caches an invalid token, and a tampered copy of a cached token is invalid', () => {
    const { counting, cached, token } = setup();
    const good = token();
    cached.verifyAccess(good);
    const [h, , s] = good.split('.');
    const payload = Buffer.from(JSON.stringify({ ...accessClaims(), roles: ['root'] })).toString('base64url');
    const forged = `${h}.${payload}.${s}`;
    expect(cached.verifyAccess(forged)).toMatchObject({ state: 'invalid' });
    expect(cached.verifyAccess(forged)).toMatchObject({ state: 'invalid' });
    expect(counting.accessChecks).toBe(3);
    expect(cached.size).toBe(1);
    // The forged copy shares the genuine token's signature, hence its cache key: the genuine entry stays a hit.
    expect(cached.verifyAccess(good)).toMatchObject({ state: 'valid', claims: { roles: ['admin'] } });
    expect(counting.accessChecks).toBe(3);
  });

  it('a value shorter than a cache key goes to the real signer every time', () => {
    const { counting, cached } = setup();
    expect(cached.verifyAccess('a.b.c')).toMatchObject({ state: 'invalid' });
    expect(cached.verifyAccess('a.b.c')).toMatchObject({ state: 'invalid' });
    expect(counting.accessChecks).toBe(2);
    expect(cached.size).toBe(0);
  });

  it('keeps an entry only until the token exp; inside the skew leeway the real signer decides', () => {
    const { clock, counting, cached, token } = setup();
    const t = token({ exp: T0 + 60 });
    cached.verifyAccess(t);
    clock.at = T0 + 59;
    cached.verifyAccess(t);
    expect(counting.accessChecks).toBe(1);
    clock.at = T0 + 60;
    expect(cached.verifyAccess(t)).toMatchObject({ state: 'valid' });
    expect(cached.verifyAccess(t)).toMatchObject({ state: 'valid' });
    expect(counting.accessChecks).toBe(3);
    clock.at = T0 + 60 + 30;
    expect(cached.verifyAccess(t)).toMatchObject({ state: 'expired' });
  });

  it('checks again when the clock reads earlier than the first verification', () => {
    const { clock, counting, cached, token } = setup();
    const t = token({ iat: T0 });
    cached.verifyAccess(t);
    clock.at = T0 - 3600;
    expect(cached.verifyAccess(t)).toMatchObject({ state: 'invalid' });
    expect(counting.accessChecks).toBe(2);
  });

  it('is bounded: past maxEntries the least recently used token is forgotten', () => {
    const { counting, cached, token } = setup(2);
    const [a, b, c] = ['a', 'b', 'c'].map((jti) => token({ jti }));
    for (const t of [a, b, a, c] as string[]) cached.verifyAccess(t);
    expect(cached.size).toBe(2);
    expect(counting.accessChecks).toBe(3);
    cached.verifyAccess(a as string);
    expect(counting.accessChecks).toBe(3);
    cached.verifyAccess(b as string);
    expect(counting.accessChecks).toBe(4);
  });

  it('spares a token hit since it was stored once, and never drops the token just stored for it', () => {
    const { counting, cached, token } = setup(2);
    const [a, b, c] = ['a', 'b', 'c'].map((jti) => token({ jti })) as string[];
    for (const t of [a, b, a, b] as string[]) cached.verifyAccess(t);
    expect(counting.accessChecks).toBe(2);
    // Both older entries were hit: each is spared once, then the oldest of them (a) goes, not c.
    cached.verifyAccess(c!);
    expect(cached.size).toBe(2);
    for (const t of [c, b] as string[]) cached.verifyAccess(t);
    expect(counting.accessChecks).toBe(3);
    // a again: c and b were hit since, so both are spared once and the older of them (c) goes.
    cached.verifyAccess(a!);
    expect(counting.accessChecks).toBe(4);
    for (const t of [b, a] as string[]) cached.verifyAccess(t);
    expect(counting.accessChecks).toBe(4);
    cached.verifyAccess(c!);
    expect(counting.accessChecks).toBe(5);
    expect(cached.size).toBe(2);
  });

  it('a hit moves nothing: a hot token survives a stream of new ones for as long as it keeps being hit', () => {
    const { counting, cached, token } = setup(3);
    const hot = token({ jti: 'hot' }) as string;
    cached.verifyAccess(hot);
    for (let i = 0; i < 20; i++) {
      cached.verifyAccess(token({ jti: `cold-${i}` }) as string);
      cached.verifyAccess(hot);
    }
    expect(counting.accessChecks).toBe(21);
    expect(cached.size).toBe(3);
  });

  it(`one eviction spares at most ${MAX_SPARED} hit tokens: in a cache whose every token was hit, the next one after them goes`, () => {
    const size = MAX_SPARED * 4;
    const { counting, cached, token } = setup(size);
    const tokens = Array.from({ length: size }, (_, i) => token({ jti: `t-${i}` }) as string);
    for (const t of tokens) cached.verifyAccess(t);
    for (const t of tokens) cached.verifyAccess(t);
    expect(counting.accessChecks).toBe(size);
    cached.verifyAccess(token({ jti: 'new' }) as string);
    expect(cached.size).toBe(size);
    // Regression: the sweep used to move every hit entry before dropping one (here the oldest,
    // spared and moved to the end: 64 moves). Now the first MAX_SPARED are spared and the next goes.
    const checksBefore = counting.accessChecks;
    const missed = tokens.filter((t) => {
      const before = counting.accessChecks;
      cached.verifyAccess(t);
      return counting.accessChecks > before;
    });
    expect(missed[0]).toBe(tokens[MAX_SPARED]);
    expect(counting.accessChecks).toBeGreaterThan(checksBefore);
  });

  it('with maxEntries 0 remembers nothing', () => {
    const { counting, cached, token } = setup(0);
    const t = token();
    cached.verifyAccess(t);
    cached.verifyAccess(t);
    expect(counting.accessChecks).toBe(2);
    expect(cached.size).toBe(0);
  });

  it('forgetSessions drops the tokens of those sessions only', () => {
    const { counting, cached, token } = setup();
    const one = token({ sid: 's1', jti: 'a' });
    const two = token({ sid: 's2', jti: 'b' });
    cached.verifyAccess(one);
    cached.verifyAccess(two);
    cached.forgetSessions(['s1']);
    expect(cached.size).toBe(1);
    cached.verifyAccess(two);
    cached.verifyAccess(one);
    expect(counting.accessChecks).toBe(3);
  });

  it('passes signing, refresh verification and the key set straight through', () => {
    const { jwt, cached } = setup();
    expect(cached.signAccess(accessClaims())).toBe(jwt.signAccess(accessClaims()));
    const refresh = cached.signRefresh(refreshClaims());
    expect(cached.verifyRefresh(refresh)).toMatchObject({ state: 'valid', claims: { jti: 'r1' } });
    expect(cached.jwks()).toBeNull();
    expect(cached.size).toBe(0);
  });

  it('refuses a negative or fractional size', () => {
    const { counting, clock } = setup();
    expect(() => new CachingTokenSigner(counting, { maxEntries: -1, clock })).toThrow('maxEntries');
    expect(() => new CachingTokenSigner(counting, { maxEntries: 1.5, clock })).toThrow('maxEntries');
  });
});

describe('the gate over a CachingTokenSigner', () => {
  it('refuses a cached access token once its session is logged out (token_revoked)', async () => {
    const { clock, counting } = setup();
    const signer = new CachingTokenSigner(counting, { maxEntries: 100, clock });
    const sessions = new MemorySessionRepository();
    const settings = { ...DEFAULT_SETTINGS, rotation: rotationPolicy('always') };
    const revocations = new PollingRevocationList(sessions, clock, { intervalMs: 5000, retainMs: 3_600_000 });
    const uc = buildUseCases(
      {
        users: new MemoryUserRepository(),
        sessions,
        clock,
        ids: new RandomIdGenerator(),
        signer,
        hasher: new Argon2PasswordHasher(),
        revocations,
        audit: new RecordingAuditLog(),
        throttle: new FlexibleLoginThrottle(DEFAULT_SETTINGS.loginRateLimit),
      },
      settings,
    );
    await uc.addUser.execute({ username: 'alice', password: 'correct horse', roles: [] });
    const login = grantOf(await uc.login.execute({ username: 'alice', password: 'correct horse' }, DEFAULT_CONTEXT));
    const tokens = { accessToken: login.accessToken, refreshToken: null };
    await expect(uc.gate.execute(tokens, DEFAULT_CONTEXT)).resolves.toMatchObject({ outcome: 'pass' });
    await expect(uc.gate.execute(tokens, DEFAULT_CONTEXT)).resolves.toMatchObject({ outcome: 'pass' });
    expect(signer.size).toBe(1);
    await uc.logout.execute(tokens, 'local', DEFAULT_CONTEXT);
    await expect(uc.gate.execute(tokens, DEFAULT_CONTEXT)).rejects.toMatchObject({ code: 'token_revoked' });
  });
});

describe('CachingTokenSigner with refresh tokens (the cookie sent on every request)', () => {
  it('verifies a valid refresh token once until its exp, never caches an invalid one, and keeps the kinds apart', () => {
    const { jwt, counting, cached } = setup();
    const refresh = jwt.signRefresh(refreshClaims());
    expect(cached.verifyRefresh(refresh)).toMatchObject({ state: 'valid' });
    expect(cached.verifyRefresh(refresh)).toMatchObject({ state: 'valid' });
    expect(counting.refreshChecks).toBe(1);
    expect(cached.verifyAccess(refresh)).toMatchObject({ state: 'invalid' });
    const tampered = `${refresh.slice(0, -2)}xx`;
    expect(cached.verifyRefresh(tampered)).toMatchObject({ state: 'invalid' });
    expect(cached.verifyRefresh(tampered)).toMatchObject({ state: 'invalid' });
    expect(counting.refreshChecks).toBe(3);
  });

  it('forgets a revoked session refresh entries', () => {
    const { jwt, counting, cached } = setup();
    const refresh = jwt.signRefresh(refreshClaims());
    cached.verifyRefresh(refresh);
    cached.forgetSessions([refreshClaims().sid]);
    cached.verifyRefresh(refresh);
    expect(counting.refreshChecks).toBe(2);
  });
});
