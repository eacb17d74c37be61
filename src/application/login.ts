import { normalizeUsername, passwordProblem, usernameProblem } from '../domain/user';
import { DomainError } from '../domain/errors';
import type { Session } from '../domain/session';
import type { AuditLog } from '../domain/ports/audit-log';
import type { Clock } from '../domain/ports/clock';
import type { IdGenerator } from '../domain/ports/id-generator';
import type { LoginThrottle } from '../domain/ports/login-throttle';
import type { PasswordHasher } from '../domain/ports/password-hasher';
import type { SessionRepository } from '../domain/ports/session-repository';
import type { UserRepository } from '../domain/ports/user-repository';
import { reject } from './errors';
import { NO_METRICS, type Metrics } from '../domain/ports/metrics';
import type { TokenGrant } from './refresh';
import type { RequestContext, SessionSettings } from './settings';
import type { TokenIssuer } from './token-issuer';

export interface LoginInput {
  username: string;
  password: string;
}

export interface LoginResult extends TokenGrant {
  userId: string;
  sessionId: string;
}

/** Username + password → a new session and both tokens. */
export class Login {
  private dummyHash: Promise<string> | null = null;

  constructor(
    private readonly users: UserRepository,
    private readonly sessions: SessionRepository,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly issuer: TokenIssuer,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly settings: SessionSettings,
    private readonly metrics: Metrics = NO_METRICS,
  ) {}

  async execute(input: LoginInput, ctx: RequestContext): Promise<LoginResult> {
    const problem = usernameProblem(input.username) ?? passwordProblem(input.password);
    if (problem) throw reject('invalid_request', problem);
    const username = normalizeUsername(input.username);
    const wait = await this.throttle.attempt(username, ctx.ip);
    if (wait > 0) {
      const known = (await this.users.findByUsername(username)) !== null;
      this.audit.record({ type: 'login_throttled', ...this.named(username, known), ip: ctx.ip, requestId: ctx.requestId });
      this.metrics.loginResult('throttled');
      throw new DomainError('rate_limited', 'too many failed logins; try again later', { retryAfterSeconds: wait });
    }
    const user = await this.users.findByUsername(username);
    // Unknown users are checked against a dummy hash so timing does not tell them apart.
    const matches = await this.hasher.verify(user?.passwordHash ?? (await this.dummy()), input.password);
    // The attempt was counted before hashing; a failure simply keeps it.
    if (!user || !matches || user.disabled) {
      const reason = !user ? 'unknown_user' : user.disabled ? 'user_disabled' : 'wrong_password';
      this.metrics.loginResult('failure');
      this.audit.record({ type: 'login_failure', ...this.named(username, user !== null), userId: user?.id, reason, ip: ctx.ip, requestId: ctx.requestId });
      throw reject('invalid_credentials');
    }
    await this.throttle.succeeded(username, ctx.ip);
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
    };
    const access = this.issuer.access(session, user, now);
    const refresh = this.issuer.currentRefresh(session, now);
    await this.sessions.create(session);
    this.metrics.loginResult('success');
    this.audit.record({ type: 'login_success', userId: user.id, username, sessionId: session.id, ip: ctx.ip, requestId: ctx.requestId });
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

  /** What was typed names a user only when it is one; otherwise it may be a password (SPEC §4 audit). */
  private named(username: string, known: boolean): { username: string } | { typedUsername: string } {
    return known ? { username } : { typedUsername: username };
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= this.hasher.hash('tokengate-dummy-password');
    return this.dummyHash;
  }
}
