import type { Container } from 'inversify';
import type { AuditLog } from './domain/ports/audit-log';
import type { Clock } from './domain/ports/clock';
import type { IdGenerator } from './domain/ports/id-generator';
import type { LoginThrottle } from './domain/ports/login-throttle';
import type { Metrics } from './domain/ports/metrics';
import type { MfaTokenSigner } from './domain/ports/mfa-token-signer';
import type { RecoveryCodes } from './domain/ports/recovery-codes';
import type { SecondFactorRepository } from './domain/ports/second-factor-repository';
import type { SecretBox } from './domain/ports/secret-box';
import type { Totp } from './domain/ports/totp';
import type { UserRepository } from './domain/ports/user-repository';
import { BeginTotpEnrolment } from './application/begin-totp-enrolment';
import { CompleteMfaLogin } from './application/complete-mfa-login';
import { ConfirmTotpEnrolment } from './application/confirm-totp-enrolment';
import { DisableTotp } from './application/disable-totp';
import { MfaChallenges } from './application/mfa-challenges';
import { SecondFactorCheck } from './application/second-factor-check';
import type { SessionStarter } from './application/session-starter';
import { TYPES } from './service-ids';

/** The second-factor use-cases (SPEC §12) over their ports, which the composition root binds. */
export function bindSecondFactorUseCases(c: Container): void {
  const T = TYPES;
  c.bind(T.Challenges).toResolvedValue((s: MfaTokenSigner, i: IdGenerator, k: Clock) => new MfaChallenges(s, i, k), [T.MfaSigner, T.Ids, T.Clock]);
  c.bind(T.FactorCheck).toResolvedValue((t: Totp, b: SecretBox, r: RecoveryCodes) => new SecondFactorCheck(t, b, r), [T.Totp, T.SecretBox, T.RecoveryCodes]);
  c.bind(T.CompleteMfaLogin).toResolvedValue(
    (u: UserRepository, f: SecondFactorRepository, s: MfaTokenSigner, ch: SecondFactorCheck, th: LoginThrottle, st: SessionStarter, k: Clock, a: AuditLog, m: Metrics) =>
      new CompleteMfaLogin(u, f, s, ch, th, st, k, a, m),
    [T.Users, T.SecondFactors, T.MfaSigner, T.FactorCheck, T.Throttle, T.Starter, T.Clock, T.Audit, T.Metrics],
  );
  c.bind(T.BeginTotp).toResolvedValue((u: UserRepository, t: Totp, f: SecondFactorRepository) => new BeginTotpEnrolment(u, t, f), [T.Users, T.Totp, T.SecondFactors]);
  c.bind(T.ConfirmTotp).toResolvedValue(
    (f: SecondFactorRepository, t: Totp, b: SecretBox, r: RecoveryCodes, k: Clock, a: AuditLog) => new ConfirmTotpEnrolment(f, t, b, r, k, a),
    [T.SecondFactors, T.Totp, T.SecretBox, T.RecoveryCodes, T.Clock, T.Audit],
  );
  c.bind(T.DisableTotp).toResolvedValue((u: UserRepository, f: SecondFactorRepository, a: AuditLog) => new DisableTotp(u, f, a), [T.Users, T.SecondFactors, T.Audit]);
}
