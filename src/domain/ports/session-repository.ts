import type { RevokeReason, Session, SpentToken } from '../session';

/** The refresh token a rotation makes current, and the spent tokens still in grace. */
export interface RotationNext {
  jti: string;
  issuedAt: number;
  earlierSpent?: readonly SpentToken[];
}

/** Times (ms) before which a session is of no more use (SPEC §6). */
export interface PurgeCutoffs {
  /** Unrevoked sessions whose absolute end is before this. */
  expiredBefore: number;
  /** Unrevoked sessions last used before this (their refresh tokens have expired). */
  idleBefore: number;
  /** Revoked sessions revoked before this (kept until then for audit). */
  revokedBefore: number;
}

/**
 * Sessions and their refresh-token family. Times are milliseconds since the epoch.
 * Unreachable storage throws `DomainError('service_unavailable')`.
 */
export interface SessionRepository {
  /** Stores a new session; its id is unique. */
  create(session: Session): Promise<void>;
  /** Null when unknown. */
  findById(id: string): Promise<Session | null>;
  /**
   * Atomic compare-and-set: only if the session is not revoked and its current jti is
   * `expectedJti`, makes `expectedJti` the previous one (rotated at `now`), `next` the
   * current one, stores `next.earlierSpent` (none when absent) as the session's
   * `earlierSpent`, and marks the session used at `now`. True when this call won.
   */
  rotate(id: string, expectedJti: string, next: RotationNext, now: number): Promise<boolean>;
  /** Marks the session used at `now` (no-op when unknown or revoked). */
  touch(id: string, now: number): Promise<void>;
  /** Revokes one session; true when it was not revoked before. */
  revoke(id: string, reason: RevokeReason, now: number): Promise<boolean>;
  /** Revokes every unrevoked session of the user except `exceptId`; returns the ids revoked. */
  revokeAllForUser(userId: string, reason: RevokeReason, now: number, exceptId?: string): Promise<string[]>;
  /** The user's unrevoked sessions whose absolute end is after `now`, newest first. */
  listActiveForUser(userId: string, now: number): Promise<Session[]>;
  /** Ids and times of sessions revoked at or after `since`. */
  listRevokedSince(since: number): Promise<{ id: string; revokedAt: number }[]>;
  /**
   * The position of the latest revocation. Every revocation gets the next number of one
   * sequence in commit order (a revocation cannot commit before one numbered lower has), so
   * following the sequence needs no clock and never passes a revocation that commits late.
   */
  revocationCursor(): Promise<number>;
  /** Sessions revoked after `cursor`, in sequence order, and the cursor to ask from next. */
  listRevokedAfter(cursor: number): Promise<{ ids: string[]; cursor: number }>;
  /**
   * Deletes at most `limit` sessions matching {@link PurgeCutoffs}, in one short statement (no
   * long lock); returns how many. Fewer than `limit` means none are left. A store that expires
   * sessions by itself may return 0.
   */
  purge(cutoffs: PurgeCutoffs, limit: number): Promise<number>;
  /** Resolves when storage answers; throws `service_unavailable` otherwise. */
  ping(): Promise<void>;
}
