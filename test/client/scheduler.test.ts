import { RefreshScheduler, marginMs, retryOf, type Attempt, type Timers } from '../../client/src/scheduler';

/** The browser client's refresh scheduling, on Jest's fake clock (SPEC §11). */
describe('RefreshScheduler', () => {
  const timers: Timers = { now: () => Date.now(), set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as NodeJS.Timeout) };
  /** A gateway whose answers to `/auth/refresh` the test scripts: a status and its Retry-After. */
  let answers: { status: number; retryAfter?: string; seconds?: number }[];
  let calls: number[];
  let scheduler: RefreshScheduler;
  const start = Date.UTC(2026, 0, 1);

  const run = async (): Promise<Attempt> => {
    calls.push(Date.now() - start);
    const answer = answers.shift() ?? { status: 200, seconds: 120 };
    return retryOf(answer.status, answer.retryAfter ?? null) ?? (answer.status === 200 ? { seconds: answer.seconds ?? 120 } : 'end');
  };
  /** Moves the fake clock and lets the refresh promises settle. */
  const advance = async (ms: number) => {
    await jest.advanceTimersByTimeAsync(ms);
  };

  beforeEach(() => {
    jest.useFakeTimers({ now: start });
    answers = [];
    calls = [];
    scheduler = new RefreshScheduler(timers, run);
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('refreshes a minute before expiry, or a quarter of the lifetime before when that is shorter', async () => {
    expect([marginMs(900_000), marginMs(2_000)]).toEqual([60_000, 500]);
    scheduler.arm(900);
    await advance(839_999);
    expect(calls).toEqual([]);
    expect(scheduler.due()).toBe(false);
    await advance(1);
    expect(calls).toEqual([840_000]);
  });

  it('re-arms from each new token: a 2 s token is refreshed every 1.5 s, never later', async () => {
    answers = [{ status: 200, seconds: 2 }, { status: 200, seconds: 2 }, { status: 200, seconds: 2 }];
    scheduler.arm(2);
    await advance(4_600);
    expect(calls).toEqual([1_500, 3_000, 4_500]);
  });

  it('is due for a request once the margin is reached (a timer held back in a background tab)', () => {
    scheduler.arm(2);
    jest.setSystemTime(start + 1_600);
    expect(scheduler.due()).toBe(true);
  });

  it('joins concurrent refreshes into one', async () => {
    await Promise.all([scheduler.refresh(), scheduler.refresh(), scheduler.refresh()]);
    expect(calls).toHaveLength(1);
  });

  it('backs off while the gateway answers 503: 1 s, 2 s, 4 s, and requests do not pile on', async () => {
    answers = [{ status: 503 }, { status: 503 }, { status: 503 }, { status: 200, seconds: 120 }];
    scheduler.arm(2);
    await advance(1_500);
    expect(calls).toEqual([1_500]);
    expect(scheduler.due()).toBe(false);
    await advance(7_000);
    expect(calls).toEqual([1_500, 2_500, 4_500, 8_500]);
    await advance(89_999);
    expect(calls).toHaveLength(4);
    await advance(1);
    expect(calls).toEqual([1_500, 2_500, 4_500, 8_500, 98_500]);
  });

  it("waits a 503's Retry-After seconds", async () => {
    answers = [{ status: 503, retryAfter: '5' }];
    scheduler.arm(2);
    await advance(6_499);
    expect(calls).toEqual([1_500]);
    await advance(1);
    expect(calls).toEqual([1_500, 6_500]);
  });

  it('stops when the session is over (a 401 to the refresh)', async () => {
    answers = [{ status: 401 }];
    scheduler.arm(2);
    await advance(1_500);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('leaves no timer behind after logout, even with a refresh in flight', async () => {
    scheduler.arm(2);
    scheduler.stop();
    expect(jest.getTimerCount()).toBe(0);

    let finish: (a: Attempt) => void = () => undefined;
    const slow = new RefreshScheduler(timers, () => new Promise<Attempt>((resolve) => (finish = resolve)));
    slow.arm(2);
    await advance(1_500);
    slow.stop();
    finish({ seconds: 2 });
    await advance(10_000);
    expect(jest.getTimerCount()).toBe(0);
    expect(slow.due()).toBe(false);
  });
});
