import type { FactorUse, SecondFactor } from '../domain/second-factor';
import type { RecoveryCodes } from '../domain/ports/recovery-codes';
import type { SecretBox } from '../domain/ports/secret-box';
import type { Totp } from '../domain/ports/totp';

const SIX_DIGITS = /^\d{6}$/;

/** What a typed code is for an enrolment: a TOTP step, a recovery code, or nothing (null). */
export class SecondFactorCheck {
  constructor(
    private readonly totp: Totp,
    private readonly box: SecretBox,
    private readonly recovery: RecoveryCodes,
  ) {}

  /** `now` in ms. Whether the code is still unused is the repository's `spend` to decide. */
  match(factor: SecondFactor, code: string, now: number): FactorUse | null {
    const typed = code.trim();
    if (SIX_DIGITS.test(typed)) {
      const step = this.totp.matchStep(this.box.open(factor.sealedSecret), typed, now);
      return step === null ? null : { kind: 'totp', step };
    }
    const hash = this.recovery.hash(typed);
    return factor.recoveryHashes.includes(hash) ? { kind: 'recovery', hash } : null;
  }
}
