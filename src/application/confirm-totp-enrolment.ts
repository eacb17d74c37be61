import { DomainError } from '../domain/errors';
import { RECOVERY_CODE_COUNT } from '../domain/second-factor';
import type { AuditLog } from '../domain/ports/audit-log';
import type { Clock } from '../domain/ports/clock';
import type { RecoveryCodes } from '../domain/ports/recovery-codes';
import type { SecondFactorRepository } from '../domain/ports/second-factor-repository';
import type { SecretBox } from '../domain/ports/secret-box';
import type { Totp } from '../domain/ports/totp';

export interface ConfirmTotpInput {
  userId: string;
  secret: string;
  code: string;
  /** False for self-service: an existing second factor is never replaced (default true). */
  replace?: boolean;
}

/**
 * Second half of an enrolment: one right code proves the authenticator holds the secret; then
 * the sealed secret and the hashes of {@link RECOVERY_CODE_COUNT} new recovery codes replace any
 * earlier enrolment. The codes are returned once and never again.
 */
export class ConfirmTotpEnrolment {
  constructor(
    private readonly factors: SecondFactorRepository,
    private readonly totp: Totp,
    private readonly box: SecretBox,
    private readonly recovery: RecoveryCodes,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
  ) {}

  /** Throws `invalid_credentials` when the code does not match the secret now (±1 step). */
  async execute(input: ConfirmTotpInput): Promise<{ recoveryCodes: string[] }> {
    if (input.replace === false && (await this.factors.find(input.userId)) !== null) {
      throw new DomainError('invalid_request', 'a second factor is already enrolled');
    }
    const now = this.clock.now();
    const step = this.totp.matchStep(input.secret, input.code.trim(), now);
    if (step === null) throw new DomainError('invalid_credentials', 'invalid code');
    const recoveryCodes = this.recovery.generate(RECOVERY_CODE_COUNT);
    const factor = {
      userId: input.userId,
      sealedSecret: this.box.seal(input.secret),
      // The confirming code is spent: it cannot log in afterwards.
      lastStep: step,
      recoveryHashes: recoveryCodes.map((c) => this.recovery.hash(c)),
      challengesSpentThrough: 0,
      createdAt: now,
    };
    if (input.replace !== false) await this.factors.save(factor);
    // Self-service never replaces: of two confirmations racing past the check above, the
    // second must not overwrite the first's secret and recovery codes, already shown to the user.
    else if (!(await this.factors.create(factor))) throw new DomainError('invalid_request', 'a second factor is already enrolled');
    this.audit.record({ type: 'totp_enrolled', userId: input.userId });
    return { recoveryCodes };
  }
}
