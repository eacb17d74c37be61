/** Throttles failed logins per username and per client IP. */
export interface LoginThrottle {
  /** Seconds to wait when either key is over its limit, else 0. Never consumes. */
  blockedFor(username: string, ip: string | null): Promise<number>;
  /** Counts one failure against both keys. */
  recordFailure(username: string, ip: string | null): Promise<void>;
  /** Clears the username's failures (after a successful login). */
  reset(username: string): Promise<void>;
}
