import { Container, type ServiceIdentifier } from 'inversify';
import type Koa from 'koa';
import pino, { type Logger } from 'pino';
import type { Config } from './config';
import { rotationPolicy } from './domain/rotation-policy';
import type { AuditLog } from './domain/ports/audit-log';
import type { Clock } from './domain/ports/clock';
import type { IdGenerator } from './domain/ports/id-generator';
import type { LoginThrottle } from './domain/ports/login-throttle';
import type { PasswordHasher } from './domain/ports/password-hasher';
import type { RevocationList } from './domain/ports/revocation-list';
import type { SessionRepository } from './domain/ports/session-repository';
import type { TokenSigner } from './domain/ports/token-signer';
import type { UserRepository } from './domain/ports/user-repository';
import { AddUser } from './application/add-user';
import { AuthenticateRequest } from './application/authenticate-request';
import { ChangePassword } from './application/change-password';
import { DisableUser } from './application/disable-user';
import { ListSessions } from './application/list-sessions';
import { Login } from './application/login';
import { Logout } from './application/logout';
import { Refresh } from './application/refresh';
import { RefreshTokenSpender } from './application/refresh-token-spender';
import { RevokeSession } from './application/revoke-session';
import type { SessionSettings } from './application/settings';
import { TokenIssuer } from './application/token-issuer';
import { processIo } from './adapters/cli/cli-io';
import { runAdminCommand, USAGE, UsageError, type AdminDeps } from './adapters/cli/commands';
import { ensureDemoUser, logStartup } from './adapters/cli/first-run';
import { buildApp } from './adapters/http/app';
import type { HttpDeps } from './adapters/http/deps';
import { PinoAuditLog } from './adapters/logging/pino-audit-log';
import { createLogger } from './adapters/logging/pino-logger';
import { PollingRevocationList } from './adapters/revocation/polling-revocation-list';
import { Argon2PasswordHasher } from './adapters/security/argon2-password-hasher';
import { JwtTokenSigner } from './adapters/security/jwt-token-signer';
import { openStorage, type Storage } from './adapters/storage/open-storage';
import { RandomIdGenerator } from './adapters/system/random-id-generator';
import { SystemClock } from './adapters/system/system-clock';
import { FlexibleLoginThrottle } from './adapters/throttle/flexible-login-throttle';

/** A typed service identifier. */
type Token<T> = ServiceIdentifier<T> & symbol;
const token = <T>(name: string): Token<T> => Symbol(name) as Token<T>;

export const TYPES = {
  Config: token<Config>('Config'),
  Logger: token<Logger>('Logger'),
  Storage: token<Storage>('Storage'),
  Users: token<UserRepository>('UserRepository'),
  Sessions: token<SessionRepository>('SessionRepository'),
  Clock: token<Clock>('Clock'),
  Ids: token<IdGenerator>('IdGenerator'),
  Signer: token<JwtTokenSigner>('TokenSigner'),
  Hasher: token<PasswordHasher>('PasswordHasher'),
  Revocations: token<PollingRevocationList>('RevocationList'),
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
  HttpDeps: token<HttpDeps>('HttpDeps'),
} as const;

export interface ComposeOptions {
  logger?: Logger;
  /** Send logs to stderr (the CLI keeps stdout for its output). */
  logToStderr?: boolean;
  clock?: Clock;
}

/** Binds every port to its adapter from validated config. Nothing runs until a `get`. */
export function createContainer(config: Config, storage: Storage, options: ComposeOptions = {}): Container {
  const c = new Container({ defaultScope: 'Singleton' });
  const T = TYPES;
  c.bind(T.Config).toConstantValue(config);
  c.bind(T.Logger).toConstantValue(options.logger ?? createLogger(config, options.logToStderr ? pino.destination(2) : undefined));
  c.bind(T.Storage).toConstantValue(storage);
  c.bind(T.Users).toConstantValue(storage.users);
  c.bind(T.Sessions).toConstantValue(storage.sessions);
  c.bind(T.Clock).toConstantValue(options.clock ?? new SystemClock());
  c.bind(T.Ids).toResolvedValue(() => new RandomIdGenerator());
  c.bind(T.Hasher).toResolvedValue(() => new Argon2PasswordHasher());
  c.bind(T.Audit).toResolvedValue((logger: Logger) => new PinoAuditLog(logger), [T.Logger]);
  c.bind(T.Throttle).toResolvedValue(() => new FlexibleLoginThrottle(config.loginRateLimit));
  c.bind(T.Signer).toResolvedValue(
    (clock: Clock) =>
      new JwtTokenSigner({ ...config.jwt, clockSkewSeconds: config.clockSkew, clock }),
    [T.Clock],
  );
  c.bind(T.Revocations).toResolvedValue(
    (sessions: SessionRepository, clock: Clock, logger: Logger) =>
      new PollingRevocationList(sessions, clock, {
        intervalMs: config.revocationTtl * 1000,
        retainMs: (config.accessTokenTtl + config.clockSkew) * 1000,
        onError: (err) => logger.warn({ err }, 'revocation refresh failed; keeping the last known list'),
      }),
    [T.Sessions, T.Clock, T.Logger],
  );
  c.bind(T.SessionSettings).toConstantValue({
    accessTokenTtl: config.accessTokenTtl,
    refreshTokenTtl: config.refreshTokenTtl,
    sessionMaxLifetime: config.sessionMaxLifetime,
    refreshReuseGrace: config.refreshReuseGrace,
    rotation: rotationPolicy(config.refreshRotation),
  });
  bindUseCases(c);
  c.bind(T.HttpDeps).toResolvedValue(
    (login: Login, refresh: Refresh, logout: Logout, gate: AuthenticateRequest, listSessions: ListSessions, signer: JwtTokenSigner, sessions: SessionRepository, logger: Logger): HttpDeps => ({
      settings: {
        authPrefix: config.authPrefix,
        cookie: config.cookie,
        bodyLimit: config.bodyLimit,
        trustProxy: config.trustProxy,
        corsOrigins: config.corsOrigins,
      },
      login, refresh, logout, gate, listSessions, logger,
      readiness: () => sessions.ping(),
      jwks: () => signer.jwks(),
    }),
    [T.Login, T.Refresh, T.Logout, T.Gate, T.ListSessions, T.Signer, T.Sessions, T.Logger],
  );
  return c;
}

function bindUseCases(c: Container): void {
  const T = TYPES;
  c.bind(T.Issuer).toResolvedValue((s: TokenSigner, i: IdGenerator, st: SessionSettings) => new TokenIssuer(s, i, st), [T.Signer, T.Ids, T.SessionSettings]);
  c.bind(T.Spender).toResolvedValue(
    (s: SessionRepository, u: UserRepository, r: RevocationList, i: TokenIssuer, k: Clock, a: AuditLog, st: SessionSettings) => new RefreshTokenSpender(s, u, r, i, k, a, st),
    [T.Sessions, T.Users, T.Revocations, T.Issuer, T.Clock, T.Audit, T.SessionSettings],
  );
  c.bind(T.Gate).toResolvedValue(
    (s: TokenSigner, r: RevocationList, sp: RefreshTokenSpender, i: TokenIssuer, st: SessionSettings, k: Clock) => new AuthenticateRequest(s, r, sp, i, st.rotation, k),
    [T.Signer, T.Revocations, T.Spender, T.Issuer, T.SessionSettings, T.Clock],
  );
  c.bind(T.Login).toResolvedValue(
    (u: UserRepository, s: SessionRepository, h: PasswordHasher, th: LoginThrottle, i: TokenIssuer, ids: IdGenerator, k: Clock, a: AuditLog, st: SessionSettings) => new Login(u, s, h, th, i, ids, k, a, st),
    [T.Users, T.Sessions, T.Hasher, T.Throttle, T.Issuer, T.Ids, T.Clock, T.Audit, T.SessionSettings],
  );
  c.bind(T.Refresh).toResolvedValue((g: AuthenticateRequest, k: Clock) => new Refresh(g, k), [T.Gate, T.Clock]);
  c.bind(T.Logout).toResolvedValue(
    (s: TokenSigner, r: SessionRepository, rl: RevocationList, k: Clock, a: AuditLog) => new Logout(s, r, rl, k, a),
    [T.Signer, T.Sessions, T.Revocations, T.Clock, T.Audit],
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

/** A running composition: the container, the Koa app, and how to release everything. */
export interface Composition {
  container: Container;
  config: Config;
  storage: Storage;
  app: Koa;
  close(): Promise<void>;
}

/** config → storage (migrated) → container → app, with the revocation list polling. */
export async function compose(config: Config, options: ComposeOptions = {}): Promise<Composition> {
  const storage = await openStorage(config.databaseUrl, { dataDir: config.dataDir });
  await storage.migrate();
  const container = createContainer(config, storage, options);
  const revocations = container.get(TYPES.Revocations);
  await revocations.start();
  const app = buildApp(container.get(TYPES.HttpDeps));
  return {
    container,
    config,
    storage,
    app,
    close: async () => {
      revocations.stop();
      await storage.close();
    },
  };
}

/** The use-cases the admin CLI runs. */
export function adminDeps(container: Container): AdminDeps {
  return {
    addUser: container.get(TYPES.AddUser),
    disableUser: container.get(TYPES.DisableUser),
    changePassword: container.get(TYPES.ChangePassword),
    revokeSession: container.get(TYPES.RevokeSession),
    listSessions: container.get(TYPES.ListSessions),
    users: container.get(TYPES.Users),
  };
}

/** First run (SPEC §9): a demo user outside production when there is none; its password or null. */
export function seedDemoUser(comp: Composition): Promise<string | null> {
  const c = comp.container;
  return ensureDemoUser(c.get(TYPES.Users), c.get(TYPES.AddUser), comp.config.production);
}

export { logStartup, runAdminCommand, processIo, USAGE, UsageError };
