/**
 * Which sessions are revoked, as this instance knows it: updated at once for revocations
 * made here, and within `REVOCATION_TTL` for those made by other instances.
 */
export interface RevocationList {
  /** Synchronous and storage-free: it runs on every request. */
  isRevoked(sessionId: string): boolean;
  /** Records revocations made or learnt by this instance, `at` in milliseconds on its own clock. */
  add(sessionIds: readonly string[], at: number): void;
}
