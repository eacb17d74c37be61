import { openLoginThrottle, type OpenedLoginThrottle } from '../../src/adapters/throttle/open-login-throttle';
import type { LoginThrottleLimits } from '../../src/adapters/throttle/flexible-login-throttle';
import { createAppHarness } from '../support/app-harness';
import { describeWithMysql } from '../support/mysql';
import { describeWithRedis } from '../support/redis';

type Open = (limits: LoginThrottleLimits, ceiling?: { points: number; duration: number }) => Promise<OpenedLoginThrottle>;

let sequence = 0;
const account = (): string => `race-${process.pid}-${++sequence}`;

/** Issue 12 #2: the attempt is counted before the password is checked, so parallel guesses cannot slip past. */
function raceSuite(open: () => Open): void {
  const opened: OpenedLoginThrottle[] = [];
  const throttle = async (limits: LoginThrottleLimits, ceiling?: { points: number; duration: number }) => {
    const o = await open()(limits, ceiling);
    opened.push(o);
    return o.throttle;
  };
  afterAll(async () => {
    await Promise.all(opened.map((o) => o.close()));
  });

  it('admits exactly LIMIT of 40 concurrent attempts on one username', async () => {
    const t = await throttle({ count: 10, windowSeconds: 900 });
    const name = account();
    const waits = await Promise.all(Array.from({ length: 40 }, (_, i) => t.attempt(name, `192.0.2.${i + 1}`)));
    expect(waits.filter((w) => w === 0)).toHaveLength(10);
    expect(waits.filter((w) => w > 0).every((w) => w <= 900)).toBe(true);
  });

  it('admits exactly the per-account ceiling of concurrent attempts', async () => {
    const t = await throttle({ count: 1000, windowSeconds: 900 }, { points: 5, duration: 3600 });
    const name = account();
    const waits = await Promise.all(Array.from({ length: 20 }, () => t.attempt(name, null)));
    expect(waits.filter((w) => w === 0)).toHaveLength(5);
  });

  it('admits exactly LIMIT concurrent attempts from one IP across usernames', async () => {
    const t = await throttle({ count: 4, windowSeconds: 900 });
    const waits = await Promise.all(Array.from({ length: 20 }, () => t.attempt(account(), '203.0.113.77')));
    expect(waits.filter((w) => w === 0)).toHaveLength(4);
  });

  it('gives a successful attempt back: the count holds failures only', async () => {
    const t = await throttle({ count: 2, windowSeconds: 900 }, { points: 3, duration: 3600 });
    const name = account();
    for (let i = 0; i < 5; i++) {
      expect(await t.attempt(name, '203.0.113.78')).toBe(0);
      await t.succeeded(name, '203.0.113.78');
    }
    expect(await t.blockedFor(name, '203.0.113.78')).toBe(0);
  });
}

describe('security: login throttle race [memory counters]', () => {
  raceSuite(() => (limits, ceiling) => openLoginThrottle(limits, 'memory:', ceiling ? { ceiling } : {}));

  it('40 parallel logins against 10/15m: the right password sent as the 30th is refused', async () => {
    const h = createAppHarness({ loginRateLimit: { count: 10, windowSeconds: 900 } });
    await h.addUser('victim', 'the-right-password', []);
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        h.login('victim', i === 29 ? 'the-right-password' : `guess-${i}`, { ip: null }).then(
          () => 'ok',
          (e: { code?: string }) => e.code,
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'invalid_credentials')).toHaveLength(10);
    expect(outcomes.filter((o) => o === 'rate_limited')).toHaveLength(30);
    expect(outcomes[29]).toBe('rate_limited');
  });
});

describeWithMysql('security: login throttle race [mysql counters]', (database) => {
  raceSuite(() => (limits, ceiling) => openLoginThrottle(limits, database().url, ceiling ? { ceiling } : {}));
});

describeWithRedis('security: login throttle race [redis counters]', (redis) => {
  raceSuite(() => (limits, ceiling) => openLoginThrottle(limits, 'memory:', { redisUrl: redis().url, redisPrefix: redis().newPrefix(), ...(ceiling ? { ceiling } : {}) }));
});
