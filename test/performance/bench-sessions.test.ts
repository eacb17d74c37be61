import { benchSigner, sessionPools, type HeldSession } from '../../bench/sessions';
import { BENCH_USER, STORM_LOGINS_PER_USER, stormUsers } from '../../bench/targets';

/** The bench's held sessions are logged in anew before their access tokens expire. */
describe('bench session pools', () => {
  const held = (iat: number, ttl: number): HeldSession => {
    const access = benchSigner.signAccess({ sub: 'u1', sid: 's1', jti: `j${iat}`, iat, exp: iat + ttl, roles: [], username: 'bench' });
    return { access, refresh: 'r', expiredAccess: access };
  };

  it('hands out the same sessions until two thirds of the access lifetime has passed, then logs in anew', async () => {
    let nowSeconds = 1_000_000;
    const logins: string[] = [];
    const pool = sessionPools(
      2,
      async (base, count) => {
        logins.push(base);
        return Array.from({ length: count }, () => held(nowSeconds, 900));
      },
      () => nowSeconds * 1000,
    );
    const first = await pool('http://a');
    expect(first).toHaveLength(2);
    nowSeconds += 599;
    expect(await pool('http://a')).toBe(first);
    expect(logins).toEqual(['http://a']);
    nowSeconds += 1; // 600 s = two thirds of 900
    const second = await pool('http://a');
    expect(second).not.toBe(first);
    expect(logins).toEqual(['http://a', 'http://a']);
    // Pools are per tokengate.
    await pool('http://b');
    expect(logins).toEqual(['http://a', 'http://a', 'http://b']);
  });

  it('forgets a pool whose logins failed, so the next call tries again', async () => {
    let fail = true;
    const pool = sessionPools(1, async () => {
      if (fail) throw new Error('login answered 503');
      return [held(Math.floor(Date.now() / 1000), 900)];
    });
    await expect(pool('http://a')).rejects.toThrow('503');
    await new Promise((r) => setImmediate(r));
    fail = false;
    await expect(pool('http://a')).resolves.toHaveLength(1);
  });
});

describe('the login storm spreads its waves over accounts', () => {
  it('gives every account at most STORM_LOGINS_PER_USER logins of a wave, below the per-account ceiling of 100', () => {
    expect(STORM_LOGINS_PER_USER).toBeLessThan(100);
    for (const size of [1, 50, 51, 200, 201]) {
      const users = stormUsers(size);
      expect(users).toHaveLength(Math.ceil(size / STORM_LOGINS_PER_USER));
      expect(new Set(users.map((u) => u.username)).size).toBe(users.length);
      expect(users.map((u) => u.username)).not.toContain(BENCH_USER.username);
    }
  });
});
