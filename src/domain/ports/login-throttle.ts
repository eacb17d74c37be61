/** Throttles failed logins per username (window and per-account ceiling) and per client IP. */
export interface LoginThrottle {
  /**
   * Counts one attempt against every key before its password is checked, atomically per key,
   * so that parallel guesses cannot slip past the limit. Returns the seconds to wait when any
   * key is over its limit (the attempt is then given back and must be refused), else 0.
   */
  attempt(username: string, ip: string | null): Promise<number>;
  /**
   * The attempt was given up before its password was checked (its client left while the hash
   * waited): gives its count back and clears nothing. Nothing was tried, so nothing is counted.
   */
  withdrawn(username: string, ip: string | null): Promise<void>;
  /** The attempt succeeded: gives its count back and clears the username's failures. */
  succeeded(username: string, ip: string | null): Promise<void>;
  /** Counts one failure against both keys, outside a login attempt (e.g. a wrong second factor). */
  recordFailure(username: string, ip: string | null): Promise<void>;
}
