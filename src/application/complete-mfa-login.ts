import { DomainError } from '../domain/errors';
import { AMR_PASSWORD_OTP } from '../domain/second-factor';
import { normalizeUsername } from '../domain/user';
import type { AuditLog } from '../domain/ports/audit-log';
import type { Clock } from '../domain/ports/clock';
import type { LoginThrottle } from '../domain/ports/login-throttle';
import { NO_METRICS, type Metrics } from '../domain/ports/metrics';
import type { MfaTokenSigner } from '../domain/ports/mfa-token-signer';
import type { SecondFactorRepository } from '../domain/ports/second-factor-repository';
import type { UserRepository } from '../domain/ports/user-repository';
import { reject } from './errors';
import type { SecondFactorCheck } from './second-factor-check';
import type { RequestContext } from './settings';
import type { LoginResult, SessionStarter } from './session-starter';

export interface MfaLoginInput {
  mfaToken: string;
  /** Six digits from the authenticator, or a recovery code. */
  code: string;
}

const badToken = (): DomainError => reject('invalid_token', 'the mfaToken is invalid, expired or already used');

/**
 * The second step of a login (SPEC §12): a valid mfaToken and an unused code → a session with
 * `amr: ["pwd","otp"]`. A wrong code may be retried with the same mfaToken until it expires;
 * each try counts toward `LOGIN_RATE_LIMIT`, and the first success spends the mfaToken.
 */
export class CompleteMfaLogin {
  constructor(
    private readonly users: UserRepository,
    private readonly factors: SecondFactorRepository,
    private readonly signer: MfaTokenSigner,
    private readonly check: SecondFactorCheck,
    private readonly throttle: LoginThrottle,
    private readonly starter: SessionStarter,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly metrics: Metrics = NO_METRICS,
  ) {}

  async execute(input: MfaLoginInput, ctx: RequestContext): Promise<LoginResult> {
    const verified = this.signer.verifyMfa(input.mfaToken);
    if (verified.state !== 'valid') throw badToken();
    const user = await this.users.findById(verified.claims.sub);
    if (!user || user.disabled) throw badToken();
    // Disabled, re-enabled or given a new password after the password step (in a later second
    // than the mfaToken's): that step no longer stands, start again.
    if (Math.floor(user.updatedAt / 1000) > verified.claims.iat) throw badToken();
    const username = normalizeUsername(user.username);
    const wait = await this.throttle.attempt(username, ctx.ip);
    if (wait > 0) {
      this.audit.record({ type: 'login_throttled', userId: user.id, username, ip: ctx.ip, requestId: ctx.requestId });
      this.metrics.loginResult('throttled');
      throw new DomainError('rate_limited', 'too many failed logins; try again later', { retryAfterSeconds: wait });
    }
    const factor = await this.factors.find(user.id);
    if (!factor) throw badToken();
    const use = this.check.match(factor, input.code, this.clock.now());
    const outcome = use ? await this.factors.spend(user.id, use, verified.claims.iat) : 'wrong_code';
    if (outcome === 'challenge_used' || outcome === 'not_enrolled') throw badToken();
    if (outcome !== 'spent') {
      this.metrics.loginResult('failure');
      this.audit.record({ type: 'login_failure', userId: user.id, username, reason: outcome, ip: ctx.ip, requestId: ctx.requestId });
      throw new DomainError('invalid_credentials', 'invalid code');
    }
    // Both attempts of this login succeeded: this code's, and the password step's, which
    // `Login` left counted until now so that a known password cannot reset the code budget.
    await this.throttle.succeeded(username, ctx.ip);
    await this.throttle.succeeded(username, ctx.ip);
    return this.starter.start(user, username, AMR_PASSWORD_OTP, ctx);
  }
}
