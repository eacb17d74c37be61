import { classifyRefreshUse, earlierSpentAfterRotation, type Session } from '../domain/session';
import { DomainError } from '../domain/errors';
import type { RefreshClaims } from '../domain/token';
import type { User } from '../domain/user';
import type { AuditLog } from '../domain/ports/audit-log';
import type { Clock } from '../domain/ports/clock';
import type { RevocationList } from '../domain/ports/revocation-list';
import type { SessionRepository } from '../domain/ports/session-repository';
import type { SessionUserLookup } from '../domain/ports/session-user-lookup';
import type { RequestContext, SessionSettings } from './settings';
import { reject } from './errors';
import type { IssuedToken, TokenIssuer } from './token-issuer';

export interface SpentRefresh {
  session: Session;
  user: User;
  /** The refresh token the client must keep from now on, when it changed. */
  refresh: IssuedToken | null;
  graceHit: boolean;
}

/** Rotation races lost in a row before giving up; each loss means another request won. */
const MAX_ATTEMPTS = 3;

/**
 * Checks a refresh token against its stored session and, when the policy says so, rotates
 * it atomically. Shared by cases 2 and 3 and by `/auth/refresh`.
 */
export class RefreshTokenSpender {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly sessionUsers: SessionUserLookup,
    private readonly revocations: RevocationList,
    private readonly issuer: TokenIssuer,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly settings: SessionSettings,
  ) {}

  async spend(claims: RefreshClaims, rotate: boolean, ctx: RequestContext): Promise<SpentRefresh> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const now = this.clock.now();
      const { session, user } = await this.sessionUsers.find(claims.sid, claims.sub);
      if (session && session.userId !== claims.sub) throw reject('invalid_token');
      const use = classifyRefreshUse(session, claims.jti, now, this.settings.refreshReuseGrace * 1000);
      if (use === 'revoked') {
        // Recorded at this process's clock: the revoker's may be far behind (SPEC §6).
        if (session?.revokedAt != null) this.revocations.add([session.id], now);
        throw reject('token_revoked');
      }
      if (use === 'lifetime_over') throw reject('login_required', 'the session reached its maximum lifetime');
      const live = session as Session;
      if (use === 'reused') return this.reused(live, now, ctx);
      if (!user || user.disabled) {
        await this.revoke(live, now);
        throw reject('token_revoked');
      }
      if (use === 'grace') {
        await this.sessions.touch(live.id, now);
        this.audit.record({ type: 'grace_hit', userId: user.id, sessionId: live.id, ip: ctx.ip, requestId: ctx.requestId });
        return { session: live, user, refresh: this.issuer.currentRefresh(live, now), graceHit: true };
      }
      if (!rotate) {
        await this.sessions.touch(live.id, now);
        return { session: live, user, refresh: null, graceHit: false };
      }
      const jti = this.issuer.newTokenId();
      const next = this.issuer.refresh(live, jti, now, now);
      const earlierSpent = earlierSpentAfterRotation(live, now, this.settings.refreshReuseGrace * 1000);
      if (await this.sessions.rotate(live.id, claims.jti, { jti, issuedAt: now, earlierSpent }, now)) {
        this.audit.record({ type: 'refresh', userId: user.id, sessionId: live.id, ip: ctx.ip, requestId: ctx.requestId });
        const rotated: Session = { ...live, previousJti: claims.jti, rotatedAt: now, earlierSpent, currentJti: jti, currentIssuedAt: now, lastUsedAt: now };
        return { session: rotated, user, refresh: next, graceHit: false };
      }
    }
    throw new DomainError('service_unavailable', 'too many concurrent refreshes; retry', { retryAfterSeconds: 1 });
  }

  /**
   * A spent token after the grace window: someone holds a stolen copy. The session (the
   * whole token family, SPEC §3) is revoked, and so are the user's other sessions, since the
   * theft says the user's credentials or device are compromised (issue 4, RFC 9700 §4.14).
   */
  private async reused(session: Session, now: number, ctx: RequestContext): Promise<never> {
    const revoked = await this.sessions.revokeAllForUser(session.userId, 'reuse_detected', now);
    this.revocations.add([session.id, ...revoked], now);
    this.audit.record({
      type: 'reuse_detected',
      userId: session.userId,
      sessionId: session.id,
      count: revoked.length,
      ip: ctx.ip,
      requestId: ctx.requestId,
    });
    throw reject('token_reused');
  }

  private async revoke(session: Session, now: number): Promise<void> {
    if (await this.sessions.revoke(session.id, 'user_disabled', now)) {
      this.revocations.add([session.id], now);
    }
  }
}
