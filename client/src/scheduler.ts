/** The clock and timers the scheduler runs on: the page's, or a fake one in tests. */
export interface Timers {
  /** Milliseconds since the epoch. */
  now(): number;
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/**
 * What one refresh attempt came to: a token valid for `seconds` from now, a passing failure
 * (503, 429, network) to retry after `retry` seconds (undefined: the scheduler's back-off),
 * `'end'` (the session is over) or `'skip'` (another tab refreshed meanwhile).
 */
export type Attempt = { seconds: number } | { retry: number | undefined } | 'end' | 'skip';

/** Refresh this long before expiry: a minute, or a quarter of the token's life when shorter. */
export const marginMs = (lifetimeMs: number): number => Math.min(60_000, lifetimeMs / 4);

/** Back-off after `failures` passing failures in a row: 1 s, 2 s, 4 s… up to 30 s. */
export const backoffMs = (failures: number): number => Math.min(30_000, 1000 * 2 ** failures);

/**
 * A refresh answer that is a passing failure (5xx such as 503, or 429) is retried, after its
 * `Retry-After` seconds when it gives them; null for any other answer.
 */
export function retryOf(status: number, retryAfter: string | null): Attempt | null {
  if (status < 500 && status !== 429) return null;
  const seconds = Number(retryAfter);
  return { retry: retryAfter && seconds >= 0 ? seconds : undefined };
}

/**
 * One timer that refreshes the access token before it expires, one refresh in flight at a
 * time, a back-off while the gateway is unavailable, and nothing left running after `stop()`.
 */
export class RefreshScheduler {
  private handle: unknown = null;
  private refreshAt = Infinity;
  private failures = 0;
  private flight: Promise<void> | null = null;
  /** Bumped by `stop()`: a flight from before it settles nothing. */
  private epoch = 0;

  constructor(
    private readonly timers: Timers,
    private readonly run: () => Promise<Attempt>,
  ) {}

  /** A token valid for `seconds` from now is in use: refresh at its margin. */
  arm(seconds: number): void {
    this.failures = 0;
    const ms = Math.max(0, seconds * 1000);
    this.at(this.timers.now() + ms - marginMs(ms));
  }

  /** Whether a request should wait for a refresh first: one is due and no back-off runs. */
  due(): boolean {
    return this.failures === 0 && this.timers.now() >= this.refreshAt;
  }

  /** Refreshes now, or joins the refresh in flight; never rejects. */
  refresh(): Promise<void> {
    const epoch = this.epoch;
    const settle = (a: Attempt): void => {
      if (epoch === this.epoch) this.settle(a);
    };
    this.flight ??= this.run()
      .then(settle, () => settle({ retry: undefined }))
      .finally(() => {
        this.flight = null;
      });
    return this.flight;
  }

  /** Stops for good (until the next `arm`): no timer, and a flight in progress settles nothing. */
  stop(): void {
    this.epoch++;
    this.at(Infinity);
  }

  private settle(attempt: Attempt): void {
    if (attempt === 'end') this.stop();
    else if (attempt === 'skip') return;
    else if ('seconds' in attempt) this.arm(attempt.seconds);
    else {
      const wait = attempt.retry !== undefined ? attempt.retry * 1000 : backoffMs(this.failures);
      this.failures++;
      this.at(this.timers.now() + wait);
    }
  }

  private at(time: number): void {
    if (this.handle !== null) this.timers.clear(this.handle);
    this.handle = null;
    this.refreshAt = time;
    if (time === Infinity) {
      this.failures = 0;
      return;
    }
    this.handle = this.timers.set(() => {
      this.handle = null;
      void this.refresh();
    }, Math.max(0, time - this.timers.now()));
  }
}
