import { normalizeUsername, passwordProblem, usernameProblem } from '../domain/user';
import { DomainError } from '../domain/errors';
import { AMR_PASSWORD } from '../domain/second-factor';
import type { AuditLog } from '../domain/ports/audit-log';
import type { LoginThrottle } from '../domain/ports/login-throttle';
import type { PasswordHasher } from '../domain/ports/password-hasher';
import type { SecondFactorRepository } from '../domain/ports/second-factor-repository';
import type { UserRepository } from '../domain/ports/user-repository';
import { reject } from './errors';
import { NO_METRICS, type Metrics } from '../domain/ports/metrics';
import type { MfaChallenge, MfaChallenges } from './mfa-challenges';
import type { RequestContext } from './settings';
import type { LoginResult, SessionStarter } from './session-starter';

export type { LoginResult } from './session-starter';

export interface LoginInput {
  username: string;
  password: string;
}

/** Username + password → a new session and both tokens, or the second step for an enrolled user. */
export class Login {
  private dummyHash: Promise<string> | null = null;

  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly starter: SessionStarter,
    private readonly factors: SecondFactorRepository,
    private readonly challenges: MfaChallenges,
    private readonly audit: AuditLog,
    private readonly metrics: Metrics = NO_METRICS,
  ) {}

  async execute(input: LoginInput, ctx: RequestContext): Promise<LoginResult | MfaChallenge> {
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
    const matches = await this.verify(user?.passwordHash ?? (await this.dummy()), input.password, username, ctx);
    // The attempt was counted before hashing; a failure simply keeps it.
    if (!user || !matches || user.disabled) {
      const reason = !user ? 'unknown_user' : user.disabled ? 'user_disabled' : 'wrong_password';
      this.metrics.loginResult('failure');
      this.audit.record({ type: 'login_failure', ...this.named(username, user !== null), userId: user?.id, reason, ip: ctx.ip, requestId: ctx.requestId });
      throw reject('invalid_credentials');
    }
    // Only now, after a right password, is the enrolment looked up: a wrong one reveals nothing.
    if ((await this.factors.find(user.id)) !== null) {
      // The attempt stays counted until the second step passes: a known password must not reset the code budget.
      this.audit.record({ type: 'mfa_challenge', userId: user.id, username, ip: ctx.ip, requestId: ctx.requestId });
      return this.challenges.issue(user);
    }
    await this.throttle.succeeded(username, ctx.ip);
    return this.starter.start(user, username, AMR_PASSWORD, ctx);
  }

  /**
   * A client gone while its hash waits for a slot gives the slot up: the password is never
   * checked, so the attempt is withdrawn (counted neither as a failure nor as a success).
   */
  private async verify(hash: string, password: string, username: string, ctx: RequestContext): Promise<boolean> {
    try {
      return await this.hasher.verify(hash, password, ctx.signal);
    } catch (err) {
      if (ctx.signal?.aborted && err === ctx.signal.reason) await this.throttle.withdrawn(username, ctx.ip);
      throw err;
    }
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
