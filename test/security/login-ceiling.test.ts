import { setTimeout as sleep } from 'node:timers/promises';
import { ACCOUNT_CEILING, type LoginThrottleLimits } from '../../src/adapters/throttle/flexible-login-throttle';
import { openLoginThrottle, type OpenedLoginThrottle } from '../../src/adapters/throttle/open-login-throttle';
import { describeWithMysql } from '../support/mysql';

type Ceiling = { points: number; duration: number };
type Open = (limits: LoginThrottleLimits, ceiling?: Ceiling) => Promise<OpenedLoginThrottle>;

let sequence = 0;
const account = (): string => `account-${process.pid}-${++sequence}`;

/** The throttle as a unit, on one counter store: the window limit and the hard per-account ceiling. */
function ceilingSuite(open: () => Open): void {
  const opened: OpenedLoginThrottle[] = [];
  const throttle = async (limits: LoginThrottleLimits, ceiling?: Ceiling) => {
    const o = await open()(limits, ceiling);
    opened.push(o);
    return o.throttle;
  };
  afterAll(async () => {
    await Promise.all(opened.map((o) => o.close()));
  });

  it('defaults to a ceiling of 100 failures per hour per account, whatever LOGIN_RATE_LIMIT allows', async () => {
    expect(ACCOUNT_CEILING).toEqual({ points: 100, duration: 3600 });
    const t = await throttle({ count: 10_000, windowSeconds: 60 });
    const name = account();
    for (let i = 0; i < 99; i++) await t.recordFailure(name, null);
    expect(await t.blockedFor(name, null)).toBe(0);
    await t.recordFailure(name, null);
    const wait = await t.blockedFor(name, null);
    expect(wait).toBeGreaterThan(3500);
    expect(wait).toBeLessThanOrEqual(3600);
  });

  it('gives a withdrawn attempt (its client left before the password was checked) back, and clears no failure', async () => {
    const t = await throttle({ count: 3, windowSeconds: 60 }, { points: 4, duration: 3600 });
    const name = account();
    const ip = '203.0.113.9';
    await t.recordFailure(name, ip);
    await t.recordFailure(name, ip);
    // Three attempts in a row, each withdrawn: none counts, so none is refused.
    for (let i = 0; i < 3; i++) {
      expect(await t.attempt(name, ip)).toBe(0);
      await t.withdrawn(name, ip);
    }
    expect(await t.blockedFor(name, ip)).toBe(0);
    // The two failures still count: the third attempt is the last the window allows.
    expect(await t.attempt(name, ip)).toBe(0);
    expect(await t.attempt(name, ip)).toBeGreaterThan(0);
  });

  it('keeps an account blocked at the ceiling after the short LOGIN_RATE_LIMIT window has passed', async () => {
    const t = await throttle({ count: 2, windowSeconds: 1 }, { points: 4, duration: 3600 });
    const name = account();
    await t.recordFailure(name, null);
    await t.recordFailure(name, null);
    expect(await t.blockedFor(name, null)).toBeGreaterThanOrEqual(1);
    await sleep(1_100);
    expect(await t.blockedFor(name, null)).toBe(0);
    await t.recordFailure(name, null);
    await t.recordFailure(name, null);
    await sleep(1_100);
    expect(await t.blockedFor(name, null)).toBeGreaterThan(3000);
  });

  it('a successful login clears the window counter but never the ceiling', async () => {
    const windowed = await throttle({ count: 2, windowSeconds: 900 }, { points: 100, duration: 3600 });
    const a = account();
    await windowed.recordFailure(a, null);
    await windowed.recordFailure(a, null);
    expect(await windowed.blockedFor(a, null)).toBeGreaterThan(0);
    await windowed.reset(a);
    expect(await windowed.blockedFor(a, null)).toBe(0);

    const capped = await throttle({ count: 100, windowSeconds: 900 }, { points: 2, duration: 3600 });
    const b = account();
    await capped.recordFailure(b, null);
    await capped.recordFailure(b, null);
    await capped.reset(b);
    expect(await capped.blockedFor(b, null)).toBeGreaterThan(3000);
  });

  it('counts the ceiling per account: another account and the same IP are not blocked by it', async () => {
    const t = await throttle({ count: 100, windowSeconds: 900 }, { points: 2, duration: 3600 });
    const [a, b] = [account(), account()];
    await t.recordFailure(a, '192.0.2.10');
    await t.recordFailure(a, '192.0.2.10');
    expect(await t.blockedFor(a, '192.0.2.11')).toBeGreaterThan(0);
    expect(await t.blockedFor(b, '192.0.2.10')).toBe(0);
  });
}

describe('security: login throttle ceiling [memory counters]', () => {
  ceilingSuite(() => (limits, ceiling) => openLoginThrottle(limits, 'memory:', ceiling ? { ceiling } : {}));
});

describeWithMysql('security: login throttle ceiling [mysql counters]', (database) => {
  ceilingSuite(() => (limits, ceiling) => openLoginThrottle(limits, database().url, ceiling ? { ceiling } : {}));
});
