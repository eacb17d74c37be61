/** One-way password hashing, off the event loop. */
export interface PasswordHasher {
  /** A self-describing hash (algorithm and parameters included). */
  hash(password: string): Promise<string>;
  /** True when `password` matches; false (never throws) for a wrong password or a malformed hash. */
  verify(hash: string, password: string): Promise<boolean>;
}
