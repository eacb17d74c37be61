import type { Session } from '../domain/session';
import type { User } from '../domain/user';
import type { AuditLog } from '../domain/ports/audit-log';
import type { Clock } from '../domain/ports/clock';
import type { IdGenerator } from '../domain/ports/id-generator';
import { NO_METRICS, type Metrics } from '../domain/ports/metrics';
import type { SessionRepository } from '../domain/ports/session-repository';
import type { UserRepository } from '../domain/ports/user-repository';
import { reject } from './errors';
import type { TokenGrant } from './refresh';
import type { RequestContext, SessionSettings } from './settings';
import type { TokenIssuer } from './token-issuer';

export interface LoginResult extends TokenGrant {
  userId: string;
  sessionId: string;
}

/**
 * The end of every successful login (password, or password then second factor): a new session
 * and both tokens. A login spends tens of milliseconds verifying a password; a `user disable`
 * or password change that ran meanwhile revoked the user's sessions before this one was
 * stored. So the user is read again once the session is stored: if it is disabled, or its
 * password is no longer the one this login verified, the session is revoked and the login
 * refused. Either that read sees the change, or the change came later and its sweep finds
 * the stored session.
 */
export class SessionStarter {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly users: UserRepository,
    private readonly issuer: TokenIssuer,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly settings: SessionSettings,
    private readonly metrics: Metrics = NO_METRICS,
  ) {}

  /** `amr` (RFC 8176) records how the user proved who they are; `username` is normalized. */
  async start(user: User, username: string, amr: readonly string[], ctx: RequestContext): Promise<LoginResult> {
    const now = this.clock.now();
    const session: Session = {
      id: this.ids.next(),
      userId: user.id,
      currentJti: this.ids.next(),
      currentIssuedAt: now,
      previousJti: null,
      rotatedAt: null,
      earlierSpent: [],
      createdAt: now,
      lastUsedAt: now,
      expiresAt: now + this.settings.sessionMaxLifetime * 1000,
      revokedAt: null,
      revokeReason: null,
      userAgent: ctx.userAgent,
      ip: ctx.ip,
      amr: [...amr],
    };
    const access = this.issuer.access(session, user, now);
    const refresh = this.issuer.currentRefresh(session, now);
    await this.sessions.create(session);
    const stored = await this.users.findById(user.id);
    if (!stored || stored.disabled || stored.passwordHash !== user.passwordHash) {
      const reason = !stored || stored.disabled ? 'user_disabled' : 'password_changed';
      await this.sessions.revoke(session.id, reason, this.clock.now());
      this.metrics.loginResult('failure');
      this.audit.record({ type: 'login_failure', userId: user.id, username, reason, ip: ctx.ip, requestId: ctx.requestId });
      throw reject('invalid_credentials');
    }
    this.metrics.loginResult('success');
    this.audit.record({ type: 'login_success', userId: user.id, username, sessionId: session.id, ip: ctx.ip, requestId: ctx.requestId, reason: amr.join('+') });
    return {
      userId: user.id,
      sessionId: session.id,
      accessToken: access.token,
      expiresIn: access.expiresIn,
      refreshToken: refresh.token,
      refreshExpiresIn: refresh.expiresIn,
      reissued: ['access', 'refresh'],
    };
  }
}
