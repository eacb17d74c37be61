/** Encryption at rest of TOTP secrets (`TOTP_ENCRYPTION_KEY`). */
export interface SecretBox {
  /** Throws when no key is configured where one is required. */
  seal(plain: string): string;
  /** Throws when the key does not open `sealed` (wrong key, tampered text). */
  open(sealed: string): string;
}
