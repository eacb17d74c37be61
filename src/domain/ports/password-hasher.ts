/** One-way password hashing, off the event loop. */
export interface PasswordHasher {
  /** A self-describing hash (algorithm and parameters included). */
  hash(password: string): Promise<string>;
  /**
   * True when `password` matches; false (never throws) for a wrong password or a malformed
   * hash. When `signal` aborts before the hash has begun (the client has gone), it is never
   * computed and the call rejects with the signal's reason.
   */
  verify(hash: string, password: string, signal?: AbortSignal): Promise<boolean>;
}
