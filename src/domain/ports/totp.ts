/** RFC 6238 one-time passwords: SHA-1, 6 digits, 30 s steps. */
export interface Totp {
  /** A new random secret, base32 (160 bits). */
  newSecret(): string;
  /** The `otpauth://totp/...` URI an authenticator app scans. */
  uri(secret: string, account: string): string;
  /** The step `code` belongs to at `now` (ms), one step of drift either way; null when it matches none. */
  matchStep(secret: string, code: string, now: number): number | null;
}
