import type { Container } from 'inversify';
import type { AuditLog } from './domain/ports/audit-log';
import type { Metrics } from './domain/ports/metrics';
import type { Clock } from './domain/ports/clock';
import type { IdGenerator } from './domain/ports/id-generator';
import type { LoginThrottle } from './domain/ports/login-throttle';
import type { PasswordHasher } from './domain/ports/password-hasher';
import type { RevocationList } from './domain/ports/revocation-list';
import type { SessionRepository } from './domain/ports/session-repository';
import type { SessionUserLookup } from './domain/ports/session-user-lookup';
import type { TokenSigner } from './domain/ports/token-signer';
import type { UserRepository } from './domain/ports/user-repository';
import { AddUser } from './application/add-user';
import { AuthenticateRequest } from './application/authenticate-request';
import { ChangePassword } from './application/change-password';
import { DisableUser } from './application/disable-user';
import { ListSessions } from './application/list-sessions';
import { Login } from './application/login';
import type { MfaChallenges } from './application/mfa-challenges';
import { SessionStarter } from './application/session-starter';
import type { SecondFactorRepository } from './domain/ports/second-factor-repository';
import { bindSecondFactorUseCases } from './second-factor-bindings';
import { Logout } from './application/logout';
import { Refresh } from './application/refresh';
import { RefreshTokenSpender } from './application/refresh-token-spender';
import { RevokeSession } from './application/revoke-session';
import { PurgeSessions } from './application/purge-sessions';
import type { Config } from './config';
import type { SessionSettings } from './application/settings';
import { TokenIssuer } from './application/token-issuer';
import { TYPES } from './service-ids';

/** Binds the use-cases (plain classes, no decorators) to the ports they need. */
export function bindUseCases(c: Container): void {
  const T = TYPES;
  c.bind(T.Issuer).toResolvedValue((s: TokenSigner, i: IdGenerator, st: SessionSettings) => new TokenIssuer(s, i, st), [T.Signer, T.Ids, T.SessionSettings]);
  c.bind(T.Spender).toResolvedValue(
    (s: SessionRepository, su: SessionUserLookup, r: RevocationList, i: TokenIssuer, k: Clock, a: AuditLog, st: SessionSettings) =>
      new RefreshTokenSpender(s, su, r, i, k, a, st),
    [T.Sessions, T.SessionUsers, T.Revocations, T.Issuer, T.Clock, T.Audit, T.SessionSettings],
  );
  c.bind(T.Gate).toResolvedValue(
    (s: TokenSigner, r: RevocationList, sp: RefreshTokenSpender, i: TokenIssuer, st: SessionSettings, k: Clock, m: Metrics) => new AuthenticateRequest(s, r, sp, i, st.rotation, k, m),
    [T.Signer, T.Revocations, T.Spender, T.Issuer, T.SessionSettings, T.Clock, T.Metrics],
  );
  c.bind(T.Starter).toResolvedValue(
    (s: SessionRepository, u: UserRepository, i: TokenIssuer, ids: IdGenerator, k: Clock, a: AuditLog, st: SessionSettings, m: Metrics) =>
      new SessionStarter(s, u, i, ids, k, a, st, m),
    [T.Sessions, T.Users, T.Issuer, T.Ids, T.Clock, T.Audit, T.SessionSettings, T.Metrics],
  );
  bindSecondFactorUseCases(c);
  c.bind(T.Login).toResolvedValue(
    (u: UserRepository, h: PasswordHasher, th: LoginThrottle, s: SessionStarter, f: SecondFactorRepository, ch: MfaChallenges, a: AuditLog, m: Metrics) => new Login(u, h, th, s, f, ch, a, m),
    [T.Users, T.Hasher, T.Throttle, T.Starter, T.SecondFactors, T.Challenges, T.Audit, T.Metrics],
  );
  c.bind(T.Refresh).toResolvedValue((g: AuthenticateRequest, sp: RefreshTokenSpender, k: Clock) => new Refresh(g, sp, k), [T.Gate, T.Spender, T.Clock]);
  c.bind(T.Logout).toResolvedValue(
    (s: TokenSigner, r: SessionRepository, rl: RevocationList, k: Clock, a: AuditLog, st: SessionSettings) => new Logout(s, r, rl, k, a, st),
    [T.Signer, T.Sessions, T.Revocations, T.Clock, T.Audit, T.SessionSettings],
  );
  c.bind(T.PurgeSessions).toResolvedValue(
    (s: SessionRepository, k: Clock, cfg: Config) =>
      new PurgeSessions(s, k, { accessTokenTtl: cfg.accessTokenTtl, refreshTokenTtl: cfg.refreshTokenTtl, clockSkew: cfg.clockSkew, sessionRetention: cfg.sessionRetention }),
    [T.Sessions, T.Clock, T.Config],
  );
  c.bind(T.ListSessions).toResolvedValue((s: SessionRepository, k: Clock, st: SessionSettings) => new ListSessions(s, k, st), [T.Sessions, T.Clock, T.SessionSettings]);
  c.bind(T.AddUser).toResolvedValue((u: UserRepository, h: PasswordHasher, i: IdGenerator, k: Clock) => new AddUser(u, h, i, k), [T.Users, T.Hasher, T.Ids, T.Clock]);
  c.bind(T.DisableUser).toResolvedValue(
    (u: UserRepository, s: SessionRepository, r: RevocationList, k: Clock, a: AuditLog) => new DisableUser(u, s, r, k, a),
    [T.Users, T.Sessions, T.Revocations, T.Clock, T.Audit],
  );
  c.bind(T.ChangePassword).toResolvedValue(
    (u: UserRepository, s: SessionRepository, h: PasswordHasher, r: RevocationList, k: Clock, a: AuditLog) => new ChangePassword(u, s, h, r, k, a),
    [T.Users, T.Sessions, T.Hasher, T.Revocations, T.Clock, T.Audit],
  );
  c.bind(T.RevokeSession).toResolvedValue(
    (s: SessionRepository, r: RevocationList, k: Clock, a: AuditLog) => new RevokeSession(s, r, k, a),
    [T.Sessions, T.Revocations, T.Clock, T.Audit],
  );
}
