/** A user's TOTP enrolment (SPEC §12). Times are milliseconds since the epoch. */
export interface SecondFactor {
  userId: string;
  /** The TOTP secret, sealed by a {@link SecretBox}: never stored in the clear. */
  sealedSecret: string;
  /** Highest TOTP step already used: a code of this step or an earlier one is a replay. */
  lastStep: number;
  /** Hashes of the recovery codes not used yet. */
  recoveryHashes: readonly string[];
  /** `iat` (seconds) of the newest mfaToken spent: older and equal ones are spent too. */
  challengesSpentThrough: number;
  createdAt: number;
}

/** How a second step was passed: a TOTP code of `step`, or the recovery code hashed `hash`. */
export type FactorUse = { kind: 'totp'; step: number } | { kind: 'recovery'; hash: string };

/** What {@link SecondFactorRepository.spend} found. */
export type SpendOutcome = 'spent' | 'not_enrolled' | 'code_used' | 'challenge_used';

/** Recovery codes made at enrolment (SPEC §12). */
export const RECOVERY_CODE_COUNT = 10;

/** The session's `amr` (RFC 8176): how its login was done. */
export const AMR_PASSWORD: readonly string[] = ['pwd'];
export const AMR_PASSWORD_OTP: readonly string[] = ['pwd', 'otp'];

/** True when a session's `amr` includes a second factor. */
export const hasSecondFactor = (amr: readonly string[] | undefined): boolean => amr?.includes('otp') ?? false;

/** Pure decision of a spend, shared by the stores that cannot do it in one statement. */
export function spendOutcome(factor: SecondFactor | null, use: FactorUse, challengeIat: number): SpendOutcome {
  if (!factor) return 'not_enrolled';
  if (challengeIat <= factor.challengesSpentThrough) return 'challenge_used';
  if (use.kind === 'totp' ? use.step <= factor.lastStep : !factor.recoveryHashes.includes(use.hash)) return 'code_used';
  return 'spent';
}

/** The enrolment after a successful {@link spendOutcome}. */
export function afterSpend(factor: SecondFactor, use: FactorUse, challengeIat: number): SecondFactor {
  return {
    ...factor,
    challengesSpentThrough: challengeIat,
    lastStep: use.kind === 'totp' ? use.step : factor.lastStep,
    recoveryHashes: use.kind === 'recovery' ? factor.recoveryHashes.filter((h) => h !== use.hash) : factor.recoveryHashes,
  };
}
