/** The composition root's typed identifiers: one per port, use-case and setting. */
import type { ServiceIdentifier } from 'inversify';
import type { Logger } from 'pino';
import type { Config } from './config';
import type { AuditLog } from './domain/ports/audit-log';
import type { Clock } from './domain/ports/clock';
import type { IdGenerator } from './domain/ports/id-generator';
import type { LoginThrottle } from './domain/ports/login-throttle';
import type { PasswordHasher } from './domain/ports/password-hasher';
import type { RevocationList } from './domain/ports/revocation-list';
import type { SessionRepository } from './domain/ports/session-repository';
import type { SessionUserLookup } from './domain/ports/session-user-lookup';
import type { TokenSigner } from './domain/ports/token-signer';
import type { UserRepository } from './domain/ports/user-repository';
import type { MfaTokenSigner } from './domain/ports/mfa-token-signer';
import type { RecoveryCodes } from './domain/ports/recovery-codes';
import type { SecondFactorRepository } from './domain/ports/second-factor-repository';
import type { SecretBox } from './domain/ports/secret-box';
import type { Totp } from './domain/ports/totp';
import type { BeginTotpEnrolment } from './application/begin-totp-enrolment';
import type { CompleteMfaLogin } from './application/complete-mfa-login';
import type { ConfirmTotpEnrolment } from './application/confirm-totp-enrolment';
import type { DisableTotp } from './application/disable-totp';
import type { MfaChallenges } from './application/mfa-challenges';
import type { SecondFactorCheck } from './application/second-factor-check';
import type { SessionStarter } from './application/session-starter';
import type { AddUser } from './application/add-user';
import type { AuthenticateRequest } from './application/authenticate-request';
import type { ChangePassword } from './application/change-password';
import type { DisableUser } from './application/disable-user';
import type { ListSessions } from './application/list-sessions';
import type { Login } from './application/login';
import type { Logout } from './application/logout';
import type { Refresh } from './application/refresh';
import type { RefreshTokenSpender } from './application/refresh-token-spender';
import type { RevokeSession } from './application/revoke-session';
import type { SessionSettings } from './application/settings';
import type { PurgeSessions } from './application/purge-sessions';
import type { TokenIssuer } from './application/token-issuer';
import type { HttpDeps } from './adapters/http/deps';
import type { GatewayMetrics } from './adapters/metrics/gateway-metrics';
import type { Storage } from './adapters/storage/open-storage';
import type { Admission } from './adapters/admission/admission';
import type { TokenCookies } from './adapters/http/cookies';
import type { RouteTable } from './adapters/proxy/route-table';
import type { ProxyDeps } from './adapters/proxy/forward';
import type { SocketRegistry } from './adapters/proxy/socket-registry';
import type Koa from 'koa';
import type { IncomingMessage, RequestListener } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';

/** Whether a shutdown has begun (`/readyz` then answers 503). */
export interface Lifecycle {
  draining: boolean;
}

/** A typed service identifier. */
export type Token<T> = ServiceIdentifier<T> & symbol;
export const token = <T>(name: string): Token<T> => Symbol(name) as Token<T>;

export const TYPES = {
  Config: token<Config>('Config'),
  Logger: token<Logger>('Logger'),
  Storage: token<Storage>('Storage'),
  Users: token<UserRepository>('UserRepository'),
  Sessions: token<SessionRepository>('SessionRepository'),
  SessionUsers: token<SessionUserLookup>('SessionUserLookup'),
  Clock: token<Clock>('Clock'),
  Ids: token<IdGenerator>('IdGenerator'),
  Signer: token<TokenSigner & { jwks(): object | null }>('TokenSigner'),
  Hasher: token<PasswordHasher>('PasswordHasher'),
  Revocations: token<RevocationList & { start(): Promise<void>; stop(): void; onRevoked(l: (ids: string[]) => void): void }>('RevocationList'),
  Audit: token<AuditLog>('AuditLog'),
  Throttle: token<LoginThrottle>('LoginThrottle'),
  SessionSettings: token<SessionSettings>('SessionSettings'),
  Issuer: token<TokenIssuer>('TokenIssuer'),
  Spender: token<RefreshTokenSpender>('RefreshTokenSpender'),
  Gate: token<AuthenticateRequest>('AuthenticateRequest'),
  Login: token<Login>('Login'),
  Refresh: token<Refresh>('Refresh'),
  Logout: token<Logout>('Logout'),
  ListSessions: token<ListSessions>('ListSessions'),
  AddUser: token<AddUser>('AddUser'),
  DisableUser: token<DisableUser>('DisableUser'),
  ChangePassword: token<ChangePassword>('ChangePassword'),
  RevokeSession: token<RevokeSession>('RevokeSession'),
  PurgeSessions: token<PurgeSessions>('PurgeSessions'),
  SecondFactors: token<SecondFactorRepository>('SecondFactorRepository'),
  Totp: token<Totp>('Totp'),
  SecretBox: token<SecretBox>('SecretBox'),
  RecoveryCodes: token<RecoveryCodes>('RecoveryCodes'),
  MfaSigner: token<MfaTokenSigner>('MfaTokenSigner'),
  Starter: token<SessionStarter>('SessionStarter'),
  Challenges: token<MfaChallenges>('MfaChallenges'),
  FactorCheck: token<SecondFactorCheck>('SecondFactorCheck'),
  CompleteMfaLogin: token<CompleteMfaLogin>('CompleteMfaLogin'),
  BeginTotp: token<BeginTotpEnrolment>('BeginTotpEnrolment'),
  ConfirmTotp: token<ConfirmTotpEnrolment>('ConfirmTotpEnrolment'),
  DisableTotp: token<DisableTotp>('DisableTotp'),
  HttpDeps: token<HttpDeps>('HttpDeps'),
  Metrics: token<GatewayMetrics>('Metrics'),
  Routes: token<RouteTable>('RouteTable'),
  Cookies: token<TokenCookies>('TokenCookies'),
  Admission: token<Admission>('Admission'),
  Lifecycle: token<Lifecycle>('Lifecycle'),
  App: token<Koa>('KoaApp'),
  Dispatcher: token<Dispatcher>('Dispatcher'),
  ProxyDeps: token<ProxyDeps>('ProxyDeps'),
  Handler: token<RequestListener>('RequestListener'),
  Sockets: token<SocketRegistry>('SocketRegistry'),
  Upgrade: token<(req: IncomingMessage, socket: Duplex, head: Buffer) => void>('UpgradeListener'),
} as const;
