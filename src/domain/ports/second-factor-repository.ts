import type { FactorUse, SecondFactor, SpendOutcome } from '../second-factor';

/** TOTP enrolments, one per user. Unreachable storage throws `service_unavailable`. */
export interface SecondFactorRepository {
  /** Null when the user has not enrolled. */
  find(userId: string): Promise<SecondFactor | null>;
  /** Any one enrolment (to check the encryption key at start), null when nobody enrolled. */
  any(): Promise<SecondFactor | null>;
  /** Creates or replaces the user's enrolment. */
  save(factor: SecondFactor): Promise<void>;
  /**
   * Creates the user's enrolment unless one exists, atomically: of two concurrent creations for
   * one user exactly one returns true, and the other leaves the winner's untouched (false).
   */
  create(factor: SecondFactor): Promise<boolean>;
  /** False when the user had no enrolment. */
  remove(userId: string): Promise<boolean>;
  /**
   * Atomically spends a code and an mfaToken issued at `challengeIat` (seconds): `spent` only
   * when the token is newer than the last one spent and the TOTP step is newer than the last
   * one used (or the recovery code is unused); then both are recorded (the recovery code removed).
   */
  spend(userId: string, use: FactorUse, challengeIat: number): Promise<SpendOutcome>;
}
