import type { PurgeCutoffs, RotationNext, SessionRepository } from '../../domain/ports/session-repository';
import type { RevokeReason, Session } from '../../domain/session';
import { clampSessionFields } from './session-limits';

const byNewest = (a: Session, b: Session): number =>
  b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/**
 * In-process {@link SessionRepository}. Each method mutates without awaiting in between,
 * so compare-and-set is atomic on the single JS thread. Hands out copies only.
 */
export class MemorySessionRepository implements SessionRepository {
  private readonly sessions = new Map<string, Session>();
  /** Revocation sequence: the position of each revoked session, in revocation order. */
  private readonly revocationSeq = new Map<string, number>();
  private sequence = 0;

  async create(session: Session): Promise<void> {
    if (this.sessions.has(session.id)) throw new Error(`duplicate session id ${session.id}`);
    this.sessions.set(session.id, clampSessionFields(session));
  }

  async findById(id: string): Promise<Session | null> {
    const session = this.sessions.get(id);
    return session ? { ...session } : null;
  }

  async rotate(id: string, expectedJti: string, next: RotationNext, now: number): Promise<boolean> {
    const session = this.sessions.get(id);
    if (!session || session.revokedAt !== null || session.currentJti !== expectedJti) return false;
    this.sessions.set(id, {
      ...session,
      previousJti: expectedJti,
      currentJti: next.jti,
      currentIssuedAt: next.issuedAt,
      rotatedAt: now,
      earlierSpent: (next.earlierSpent ?? []).map((t) => ({ ...t })),
      lastUsedAt: now,
    });
    return true;
  }

  /** Never moves `lastUsedAt` backwards, as the SQL adapter. */
  async touch(id: string, now: number): Promise<void> {
    const session = this.sessions.get(id);
    if (!session || session.revokedAt !== null || session.lastUsedAt >= now) return;
    this.sessions.set(id, { ...session, lastUsedAt: now });
  }

  async revoke(id: string, reason: RevokeReason, now: number): Promise<boolean> {
    return this.revokeNow(id, reason, now);
  }

  async revokeAllForUser(userId: string, reason: RevokeReason, now: number, exceptId?: string): Promise<string[]> {
    return [...this.sessions.values()]
      .filter((s) => s.userId === userId && s.id !== exceptId)
      .map((s) => s.id)
      .filter((id) => this.revokeNow(id, reason, now));
  }

  async listActiveForUser(userId: string, now: number): Promise<Session[]> {
    return [...this.sessions.values()]
      .filter((s) => s.userId === userId && s.revokedAt === null && s.expiresAt > now)
      .sort(byNewest)
      .map((s) => ({ ...s }));
  }

  async listRevokedSince(since: number): Promise<{ id: string; revokedAt: number }[]> {
    const revoked: { id: string; revokedAt: number }[] = [];
    for (const s of this.sessions.values()) {
      if (s.revokedAt !== null && s.revokedAt >= since) revoked.push({ id: s.id, revokedAt: s.revokedAt });
    }
    return revoked.sort((a, b) => a.revokedAt - b.revokedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async purge(cutoffs: PurgeCutoffs, limit: number): Promise<number> {
    let deleted = 0;
    for (const s of this.sessions.values()) {
      if (deleted >= limit) break;
      const stale = s.revokedAt === null
        ? s.expiresAt < cutoffs.expiredBefore || s.lastUsedAt < cutoffs.idleBefore
        : s.revokedAt < cutoffs.revokedBefore;
      if (stale && this.sessions.delete(s.id)) {
        this.revocationSeq.delete(s.id);
        deleted++;
      }
    }
    return deleted;
  }

  async revocationCursor(): Promise<number> {
    return this.sequence;
  }

  async listRevokedAfter(cursor: number): Promise<{ ids: string[]; cursor: number }> {
    const ids = [...this.revocationSeq].filter(([, seq]) => seq > cursor).sort((x, y) => x[1] - y[1]).map(([id]) => id);
    return { ids, cursor: this.sequence };
  }

  async ping(): Promise<void> {}

  private revokeNow(id: string, reason: RevokeReason, now: number): boolean {
    const session = this.sessions.get(id);
    if (!session || session.revokedAt !== null) return false;
    this.sessions.set(id, { ...session, revokedAt: now, revokeReason: reason });
    this.revocationSeq.set(id, ++this.sequence);
    return true;
  }
}
