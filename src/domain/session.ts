/** A login session and its refresh-token family. Times are milliseconds since the epoch. */
export interface Session {
  id: string;
  userId: string;
  /** `jti` of the one refresh token that may be used now. */
  currentJti: string;
  /** When the current refresh token was issued: its `iat` (and so its `exp`) derive from it. */
  currentIssuedAt: number;
  /** `jti` of the token the last rotation spent, honoured within the grace window. */
  previousJti: string | null;
  rotatedAt: number | null;
  /**
   * Tokens spent by earlier rotations that were still inside the grace window when the last
   * rotation happened, newest first, at most {@link MAX_EARLIER_SPENT}: each is honoured until
   * its own grace window ends, so a chain of quick rotations (parallel tabs) converges.
   */
  earlierSpent: readonly SpentToken[];
  createdAt: number;
  lastUsedAt: number;
  /** Absolute end (`SESSION_MAX_LIFETIME` after creation); no activity moves it. */
  expiresAt: number;
  revokedAt: number | null;
  revokeReason: RevokeReason | null;
  userAgent: string | null;
  ip: string | null;
  /** How the login was done (RFC 8176 `amr`); absent means `["pwd"]`. */
  amr?: readonly string[];
}

/** A refresh token replaced by a rotation, and when. */
export interface SpentToken {
  jti: string;
  spentAt: number;
}

/** Bound on {@link Session.earlierSpent}: rotations faster than this many per grace window lose the oldest. */
export const MAX_EARLIER_SPENT = 8;

export type RevokeReason =
  | 'logout'
  | 'logout_others'
  | 'logout_global'
  | 'reuse_detected'
  | 'user_disabled'
  | 'password_changed'
  | 'admin';

/** How a presented refresh token relates to its stored session. */
export type RefreshUse =
  | 'current'
  | 'grace'
  | 'reused'
  | 'revoked'
  | 'lifetime_over';

/**
 * Classifies a refresh token (by `jti`) against its stored session at `now`.
 * A missing session counts as revoked: its tokens cannot be honoured.
 */
export function classifyRefreshUse(
  session: Session | null,
  jti: string,
  now: number,
  graceMs: number,
): RefreshUse {
  if (!session || session.revokedAt !== null) return 'revoked';
  if (now >= session.expiresAt) return 'lifetime_over';
  if (jti === session.currentJti) return 'current';
  if (
    jti === session.previousJti &&
    session.rotatedAt !== null &&
    now - session.rotatedAt <= graceMs
  ) {
    return 'grace';
  }
  if (session.earlierSpent.some((t) => t.jti === jti && now - t.spentAt <= graceMs)) return 'grace';
  return 'reused';
}

/**
 * What {@link Session.earlierSpent} becomes when the session rotates at `now`: the token the
 * previous rotation spent joins the list, and tokens whose grace window has ended leave it.
 */
export function earlierSpentAfterRotation(session: Session, now: number, graceMs: number): SpentToken[] {
  const spent = session.previousJti !== null && session.rotatedAt !== null
    ? [{ jti: session.previousJti, spentAt: session.rotatedAt }, ...session.earlierSpent]
    : [...session.earlierSpent];
  return spent.filter((t) => now - t.spentAt <= graceMs).slice(0, MAX_EARLIER_SPENT);
}

/** When the session ends: its absolute limit, or sooner if its refresh token goes unused. */
export function sessionEndsAt(session: Session, idleMs: number): number {
  return Math.min(session.expiresAt, session.lastUsedAt + idleMs, session.currentIssuedAt + idleMs);
}

/** True while the session can still be used at `now`. */
export function isSessionLive(session: Session, now: number, idleMs: number): boolean {
  return session.revokedAt === null && now < sessionEndsAt(session, idleMs);
}

/**
 * Lifetime of the refresh token minted for `session` at `issuedAt`, in whole seconds.
 * Deterministic, so re-minting the current token yields the same claims (grace convergence).
 */
export function refreshTokenTimes(
  session: Pick<Session, 'expiresAt'>,
  issuedAt: number,
  ttlSeconds: number,
): { iat: number; exp: number } {
  const iat = Math.floor(issuedAt / 1000);
  return { iat, exp: Math.min(iat + ttlSeconds, Math.floor(session.expiresAt / 1000)) };
}

/** Lifetime of an access token minted at `now`, capped at the session's absolute end. */
export function accessTokenTimes(
  session: Pick<Session, 'expiresAt'>,
  now: number,
  ttlSeconds: number,
): { iat: number; exp: number } {
  const iat = Math.floor(now / 1000);
  return { iat, exp: Math.min(iat + ttlSeconds, Math.floor(session.expiresAt / 1000)) };
}
