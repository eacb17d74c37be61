import type { Clock } from '../domain/ports/clock';
import type { SessionRepository } from '../domain/ports/session-repository';

/** Lifetimes the purge keeps sessions for; seconds. */
export interface PurgeSettings {
  accessTokenTtl: number;
  refreshTokenTtl: number;
  clockSkew: number;
  /** `SESSION_RETENTION`: how long revoked sessions are kept for audit. */
  sessionRetention: number;
}

/** Sessions deleted per statement: small, so that no lock is held for long. */
export const PURGE_BATCH = 500;

/**
 * Deletes sessions no token can use any more (SPEC §6), in small batches: unrevoked ones past
 * their absolute end or idle limit, and revoked ones older than `SESSION_RETENTION`. The
 * margins keep a session while any of its tokens could still be presented within
 * `CLOCK_SKEW`, and a revocation while an access token of it could still be live.
 */
export class PurgeSessions {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly clock: Clock,
    private readonly settings: PurgeSettings,
    private readonly batch: number = PURGE_BATCH,
  ) {}

  /** Returns how many sessions were deleted. */
  async execute(): Promise<number> {
    const s = this.settings;
    const now = this.clock.now();
    const ms = (seconds: number) => seconds * 1000;
    const cutoffs = {
      expiredBefore: now - ms(s.accessTokenTtl + s.clockSkew),
      idleBefore: now - ms(s.refreshTokenTtl + s.clockSkew),
      revokedBefore: now - ms(Math.max(s.sessionRetention, s.accessTokenTtl + s.clockSkew)),
    };
    let total = 0;
    for (;;) {
      const deleted = await this.sessions.purge(cutoffs, this.batch);
      total += deleted;
      if (deleted < this.batch) return total;
    }
  }
}
