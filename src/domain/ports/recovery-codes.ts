/** One-time recovery codes: made at random, stored only hashed. */
export interface RecoveryCodes {
  /** `count` new random codes, as shown to the user. */
  generate(count: number): string[];
  /** The stored form of a code as typed (spaces, dashes and case ignored). */
  hash(code: string): string;
}
