import { Container } from 'inversify';
import type { SessionSettings } from '../../src/application/settings';
import type { AuditLog } from '../../src/domain/ports/audit-log';
import type { Clock } from '../../src/domain/ports/clock';
import type { IdGenerator } from '../../src/domain/ports/id-generator';
import type { LoginThrottle } from '../../src/domain/ports/login-throttle';
import { NO_METRICS, type Metrics } from '../../src/domain/ports/metrics';
import type { PasswordHasher } from '../../src/domain/ports/password-hasher';
import type { RevocationList } from '../../src/domain/ports/revocation-list';
import type { SessionRepository } from '../../src/domain/ports/session-repository';
import type { SessionUserLookup } from '../../src/domain/ports/session-user-lookup';
import { ParallelSessionUserLookup } from '../../src/adapters/storage/parallel-session-user-lookup';
import type { TokenSigner } from '../../src/domain/ports/token-signer';
import type { UserRepository } from '../../src/domain/ports/user-repository';
import { randomBytes } from 'node:crypto';
import type { LoginResult } from '../../src/application/login';
import type { MfaChallenge } from '../../src/application/mfa-challenges';
import type { MfaTokenSigner } from '../../src/domain/ports/mfa-token-signer';
import type { SecondFactorRepository } from '../../src/domain/ports/second-factor-repository';
import { AesGcmSecretBox } from '../../src/adapters/security/aes-gcm-secret-box';
import { JwtTokenSigner } from '../../src/adapters/security/jwt-token-signer';
import { OtpauthTotp } from '../../src/adapters/security/otpauth-totp';
import { Sha256RecoveryCodes } from '../../src/adapters/security/sha256-recovery-codes';
import { MemorySecondFactorRepository } from '../../src/adapters/storage/memory-second-factor-repository';
import { TYPES } from '../../src/service-ids';
import { bindUseCases } from '../../src/use-case-bindings';

/** Every port the application layer needs. */
export interface Ports {
  users: UserRepository;
  sessions: SessionRepository;
  clock: Clock;
  ids: IdGenerator;
  signer: TokenSigner;
  hasher: PasswordHasher;
  revocations: RevocationList;
  audit: AuditLog;
  throttle: LoginThrottle;
  /** Default: both repositories asked at once (what memory and Redis stores get). */
  sessionUsers?: SessionUserLookup;
  /** Default: an in-memory store. */
  secondFactors?: SecondFactorRepository;
  /** Default: HS256 under a random secret, on `clock`. */
  mfaSigner?: MfaTokenSigner;
}

/** The grant of a login that needed no second step; fails the test otherwise. */
export function grantOf(result: LoginResult | MfaChallenge): LoginResult {
  if ('mfaRequired' in result) throw new Error('the login asked for a second factor');
  return result;
}

export type UseCases = ReturnType<typeof buildUseCases>;

/** The use-cases wired by the production bindings (`src/use-case-bindings.ts`) over these ports. */
export function buildUseCases(p: Ports, settings: SessionSettings) {
  const c = new Container({ defaultScope: 'Singleton' });
  c.bind(TYPES.Users).toConstantValue(p.users);
  c.bind(TYPES.Sessions).toConstantValue(p.sessions);
  c.bind(TYPES.SessionUsers).toConstantValue(p.sessionUsers ?? new ParallelSessionUserLookup(p.sessions, p.users));
  c.bind(TYPES.Clock).toConstantValue(p.clock);
  c.bind(TYPES.Ids).toConstantValue(p.ids);
  // The use-cases see these as their ports; the composition root's ids name the richer adapters.
  c.bind<TokenSigner>(TYPES.Signer).toConstantValue(p.signer);
  c.bind<RevocationList>(TYPES.Revocations).toConstantValue(p.revocations);
  c.bind<Metrics>(TYPES.Metrics).toConstantValue(NO_METRICS);
  c.bind(TYPES.Hasher).toConstantValue(p.hasher);
  c.bind(TYPES.Audit).toConstantValue(p.audit);
  c.bind(TYPES.Throttle).toConstantValue(p.throttle);
  c.bind(TYPES.SessionSettings).toConstantValue(settings);
  c.bind(TYPES.SecondFactors).toConstantValue(p.secondFactors ?? new MemorySecondFactorRepository());
  c.bind(TYPES.Totp).toConstantValue(new OtpauthTotp({ issuer: 'tokengate-test' }));
  c.bind(TYPES.SecretBox).toConstantValue(new AesGcmSecretBox({ key: randomBytes(32), missingKeyMessage: 'no key' }));
  c.bind(TYPES.RecoveryCodes).toConstantValue(new Sha256RecoveryCodes());
  const mfaSigner = p.mfaSigner ?? new JwtTokenSigner({ algorithm: 'HS256', secret: randomBytes(32), issuer: 'tokengate', audience: 'tokengate', clockSkewSeconds: 0, clock: p.clock });
  c.bind(TYPES.MfaSigner).toConstantValue(mfaSigner);
  bindUseCases(c);
  return {
    issuer: c.get(TYPES.Issuer),
    spender: c.get(TYPES.Spender),
    gate: c.get(TYPES.Gate),
    refresh: c.get(TYPES.Refresh),
    login: c.get(TYPES.Login),
    completeMfaLogin: c.get(TYPES.CompleteMfaLogin),
    beginTotp: c.get(TYPES.BeginTotp),
    confirmTotp: c.get(TYPES.ConfirmTotp),
    disableTotp: c.get(TYPES.DisableTotp),
    secondFactors: c.get(TYPES.SecondFactors),
    logout: c.get(TYPES.Logout),
    listSessions: c.get(TYPES.ListSessions),
    addUser: c.get(TYPES.AddUser),
    disableUser: c.get(TYPES.DisableUser),
    changePassword: c.get(TYPES.ChangePassword),
    revokeSession: c.get(TYPES.RevokeSession),
  };
}
