import type { PurgeCutoffs, SessionRepository } from '../../src/domain/ports/session-repository';
import type { RevokeReason, Session } from '../../src/domain/session';

/**
 * A {@link SessionRepository} that answers after 0–`maxTicks` event-loop turns, as a
 * database would, so concurrent callers interleave between reads and compare-and-sets.
 * Each call still runs atomically in the wrapped repository.
 */
export class LatentSessionRepository implements SessionRepository {
  private seed = 1;

  constructor(
    private readonly inner: SessionRepository,
    private readonly maxTicks = 3,
  ) {}

  create(session: Session) { return this.later(() => this.inner.create(session)); }
  findById(id: string) { return this.later(() => this.inner.findById(id)); }
  rotate(id: string, expectedJti: string, next: { jti: string; issuedAt: number }, now: number) {
    return this.later(() => this.inner.rotate(id, expectedJti, next, now));
  }
  touch(id: string, now: number) { return this.later(() => this.inner.touch(id, now)); }
  revoke(id: string, reason: RevokeReason, now: number) { return this.later(() => this.inner.revoke(id, reason, now)); }
  revokeAllForUser(userId: string, reason: RevokeReason, now: number, exceptId?: string) {
    return this.later(() => this.inner.revokeAllForUser(userId, reason, now, exceptId));
  }
  listActiveForUser(userId: string, now: number) { return this.later(() => this.inner.listActiveForUser(userId, now)); }
  listRevokedSince(since: number) { return this.later(() => this.inner.listRevokedSince(since)); }
  revocationCursor() { return this.later(() => this.inner.revocationCursor()); }
  listRevokedAfter(cursor: number) { return this.later(() => this.inner.listRevokedAfter(cursor)); }
  purge(cutoffs: PurgeCutoffs, limit: number) { return this.later(() => this.inner.purge(cutoffs, limit)); }
  ping() { return this.later(() => this.inner.ping()); }

  /** Deterministic pseudo-random delay (a tiny LCG), so a failure replays identically. */
  private async later<T>(op: () => Promise<T>): Promise<T> {
    this.seed = (this.seed * 1103515245 + 12345) % 2147483648;
    for (let i = this.seed % (this.maxTicks + 1); i > 0; i--) await new Promise((r) => setImmediate(r));
    return op();
  }
}
