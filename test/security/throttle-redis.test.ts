import { openLoginThrottle, type OpenedLoginThrottle } from '../../src/adapters/throttle/open-login-throttle';
import { describeWithRedis } from '../support/redis';

const limits = { count: 3, windowSeconds: 60 };

describeWithRedis('login throttle counters in Redis (SESSION_STORE_URL)', (redis) => {
  const opened: OpenedLoginThrottle[] = [];
  const open = async (prefix: string) => {
    const t = await openLoginThrottle(limits, 'sqlite::memory:', { redisUrl: redis().url, redisPrefix: prefix });
    opened.push(t);
    return t;
  };
  afterAll(async () => {
    await Promise.all(opened.map((t) => t.close()));
  });

  it('two instances on one Redis count failures together and share the reset', async () => {
    const prefix = redis().newPrefix();
    const a = await open(prefix);
    const b = await open(prefix);
    expect(a.store).toBe('redis');
    await a.throttle.recordFailure('ivy', '198.51.100.7');
    await b.throttle.recordFailure('ivy', '198.51.100.8');
    expect(await a.throttle.blockedFor('ivy', null)).toBe(0);
    await a.throttle.recordFailure('ivy', '198.51.100.9');
    expect(await b.throttle.blockedFor('ivy', null)).toBeGreaterThan(0);
    await b.throttle.reset('ivy');
    expect(await a.throttle.blockedFor('ivy', null)).toBe(0);
  });

  it('counts per client IP across usernames', async () => {
    const t = await open(redis().newPrefix());
    for (const name of ['u1', 'u2', 'u3']) await t.throttle.recordFailure(name, '203.0.113.5');
    expect(await t.throttle.blockedFor('u4', '203.0.113.5')).toBeGreaterThan(0);
    expect(await t.throttle.blockedFor('u4', '203.0.113.6')).toBe(0);
  });
});

describe('login throttle on an unreachable Redis', () => {
  it('fails closed with service_unavailable', async () => {
    const t = await openLoginThrottle(limits, 'memory:', { redisUrl: 'redis://127.0.0.1:1/0' });
    try {
      await expect(t.throttle.blockedFor('ivy', '192.0.2.1')).rejects.toMatchObject({ code: 'service_unavailable' });
    } finally {
      await t.close();
    }
  }, 15_000);
});
