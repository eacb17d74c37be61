import { Container } from 'inversify';
import type Koa from 'koa';
import pino, { type Logger } from 'pino';
import { DomainError, isDomainError } from './domain/errors';
import type { Config } from './config';
import { rotationPolicy } from './domain/rotation-policy';
import type { Clock } from './domain/ports/clock';
import type { LoginThrottle } from './domain/ports/login-throttle';
import type { SessionRepository } from './domain/ports/session-repository';
import { TYPES } from './service-ids';
import { bindUseCases } from './use-case-bindings';
import { bindGateway } from './gateway-bindings';
import { bindSecondFactorPorts, checkTotpKey } from './second-factor-ports';
import { processIo } from './adapters/cli/cli-io';
import { runAdminCommand, USAGE, UsageError, type AdminDeps } from './adapters/cli/commands';
import { ensureDemoUser, logDemoUser, logStartup } from './adapters/cli/first-run';
import { runKeysCommand } from './adapters/cli/keys-command';
import { answerClientError } from './adapters/http/client-error';
import { connectListener } from './adapters/http/entry';
import { GatewayMetrics } from './adapters/metrics/gateway-metrics';
import { metricsListener } from './adapters/metrics/metrics-listener';
import { resolveUpstreams } from './adapters/proxy/upstreams';
import { loadRoutesFile, RouteTable } from './adapters/proxy/route-table';
import { availableParallelism } from 'node:os';
import http, { type IncomingMessage, type RequestListener } from 'node:http';
import type { Duplex } from 'node:stream';
import { PinoAuditLog, usernameHashKeyFrom } from './adapters/logging/pino-audit-log';
import { createLogger } from './adapters/logging/pino-logger';
import { PollingRevocationList } from './adapters/revocation/polling-revocation-list';
import { Argon2PasswordHasher } from './adapters/security/argon2-password-hasher';
import { JwtTokenSigner } from './adapters/security/jwt-token-signer';
import { CachingTokenSigner } from './adapters/security/caching-token-signer';
import { openStorage, type Storage } from './adapters/storage/open-storage';
import { startSessionPurger } from './adapters/storage/session-purger';
import { knexLog } from './adapters/storage/knex-log';
import { RandomIdGenerator } from './adapters/system/random-id-generator';
import { SystemClock } from './adapters/system/system-clock';
import { FlexibleLoginThrottle } from './adapters/throttle/flexible-login-throttle';
import { openLoginThrottle } from './adapters/throttle/open-login-throttle';

export { TYPES };

export interface ComposeOptions {
  logger?: Logger;
  /** Process metrics (CPU, memory, event loop) besides tokengate's own; off in tests. */
  defaultMetrics?: boolean;
  /** Send logs to stderr (the CLI keeps stdout for its output). */
  logToStderr?: boolean;
  clock?: Clock;
  /** The login throttle; compose() passes counters shared through MySQL when storage is MySQL. */
  throttle?: LoginThrottle;
  /** Where proxied requests go; compose() passes the resolved upstreams (none: every proxied path is 404). */
  routes?: RouteTable;
}

/** The caller's logger, else one made from config (on stderr when the CLI keeps stdout). */
const loggerOf = (config: Config, options: ComposeOptions): Logger =>
  options.logger ?? createLogger(config, options.logToStderr ? pino.destination(2) : undefined);

/** Binds every port to its adapter from validated config. Nothing runs until a `get`. */
export function createContainer(config: Config, storage: Storage, options: ComposeOptions = {}): Container {
  const c = new Container({ defaultScope: 'Singleton' });
  const T = TYPES;
  c.bind(T.Config).toConstantValue(config);
  c.bind(T.Logger).toConstantValue(loggerOf(config, options));
  c.bind(T.Storage).toConstantValue(storage);
  c.bind(T.Users).toConstantValue(storage.users);
  c.bind(T.Sessions).toConstantValue(storage.sessions);
  c.bind(T.SessionUsers).toConstantValue(storage.sessionUsers);
  c.bind(T.Clock).toConstantValue(options.clock ?? new SystemClock());
  c.bind(T.Ids).toResolvedValue(() => new RandomIdGenerator());
  // Leave a core to the event loops: hashing on every core starves proxied traffic (docs/performance.md).
  c.bind(T.Hasher).toResolvedValue(
    () => new Argon2PasswordHasher({ concurrency: Math.max(1, Math.floor((availableParallelism() - 1) / config.workers)) }),
  );
  c.bind(T.Audit).toResolvedValue((logger: Logger) => new PinoAuditLog(logger, { usernameHashKey: usernameHashKeyFrom(config.jwt.secret ?? config.jwt.privateKeyPem) }), [T.Logger]);
  c.bind(T.Throttle).toResolvedValue(() => options.throttle ?? new FlexibleLoginThrottle(config.loginRateLimit));
  c.bind(T.Signer).toResolvedValue(
    (clock: Clock) =>
      new CachingTokenSigner(new JwtTokenSigner({ ...config.jwt, clockSkewSeconds: config.clockSkew, clock }), {
        maxEntries: config.tokenCacheSize,
        clock,
      }),
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
  c.bind(T.Metrics).toResolvedValue(() => new GatewayMetrics(options.defaultMetrics ?? true));
  bindSecondFactorPorts(c, config, storage.secondFactors);
  bindUseCases(c);
  c.bind(T.Routes).toConstantValue(options.routes ?? new RouteTable([], null));
  bindGateway(c, config);
  return c;
}

/** A running composition: the container, the Koa app, and how to release everything. */
export interface Composition {
  container: Container;
  config: Config;
  storage: Storage;
  app: Koa;
  /** The HTTP server's `request` listener: the proxy and forward-auth writers, Koa for the rest. */
  handler: RequestListener;
  /** Where proxied requests go, for the startup log. */
  upstream: string;
  /** A new HTTP server with every listener attached (request, upgrade, clientError) and tokengate's timeouts. */
  server(): http.Server;
  /** The `METRICS_PORT` server's request listener (`/metrics` only). */
  metricsHandler: RequestListener;
  /** The HTTP server's `upgrade` listener (WebSockets through the proxy). */
  upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  /** Starts a shutdown: `/readyz` answers 503 from now on and WebSockets close with 1001. */
  drain(): void;
  close(): Promise<void>;
}

/** config → storage (migrated) → container → app, with the revocation list polling. */
export async function compose(config: Config, options: ComposeOptions = {}): Promise<Composition> {
  const routes = config.routesFile ? loadRoutesFile(config.routesFile) : [];
  // Made first, so that the storage drivers log through it too.
  const logger = loggerOf(config, options);
  const driverLog = knexLog(logger);
  // A store that cannot be opened or migrated stops the start with a line naming its settings.
  // A domain error (`service_unavailable`) keeps its code and details; only its message grows.
  const named = (e: unknown): never => {
    const settings = config.sessionStoreUrl ? 'DATABASE_URL/SESSION_STORE_URL' : 'DATABASE_URL';
    const message = `${settings}: the store cannot be opened: ${e instanceof Error ? e.message : String(e)}`;
    throw isDomainError(e) ? new DomainError(e.code, message, e.details) : new Error(message);
  };
  const storage = await openStorage(config.databaseUrl, {
    driverLog,
    dataDir: config.dataDir,
    onWarning: (message) => logger.warn(message),
    poolMax: config.databasePoolMax,
    sessionStoreUrl: config.sessionStoreUrl ?? undefined,
    sessionStore: { revocationRetentionMs: Math.max(86_400_000, 2 * (config.accessTokenTtl + config.clockSkew) * 1000) },
  }).catch(named);
  await storage.migrate().catch(async (e: unknown) => {
    await storage.close().catch(() => {});
    return named(e);
  });
  const counters = await openLoginThrottle(config.loginRateLimit, config.databaseUrl, { redisUrl: config.sessionStoreUrl ?? undefined, driverLog });
  const upstreams = await resolveUpstreams(config, routes);
  const container = createContainer(config, storage, { ...options, logger, throttle: counters.throttle, routes: upstreams.routes });
  await checkTotpKey(container).catch(async (e: unknown) => {
    await Promise.allSettled([counters.close(), upstreams.close(), storage.close()]);
    throw e;
  });
  const revocations = container.get(TYPES.Revocations);
  await revocations.start();
  const stopPurger = startSessionPurger(() => container.get(TYPES.PurgeSessions).execute(), {
    intervalMs: config.sessionPurgeInterval * 1000,
    onPurged: (count) => count > 0 && logger.info({ count }, 'purged stale sessions'),
    onError: (err) => logger.warn({ err }, 'session purge failed; retrying at the next interval'),
  });
  const registry = container.get(TYPES.Sockets);
  revocations.onRevoked((ids) => registry.closeSessions(ids));
  const signer = container.get(TYPES.Signer);
  if (signer instanceof CachingTokenSigner) revocations.onRevoked((ids) => signer.forgetSessions(ids));
  const handler = container.get(TYPES.Handler);
  const upgrade = container.get(TYPES.Upgrade);
  const dispatcher = container.get(TYPES.Dispatcher);
  return {
    container,
    config,
    storage,
    app: container.get(TYPES.App),
    handler,
    upstream: upstreams.description,
    upgrade,
    server: () => {
      // Host is checked by the admission, which answers SPEC §4's 400 (Node's own check writes a bare one).
      const server = http.createServer({ requireHostHeader: false }, handler);
      server.on('upgrade', upgrade);
      server.on('clientError', answerClientError);
      server.on('connect', connectListener(handler));
      server.headersTimeout = 30_000;
      server.requestTimeout = 300_000;
      server.keepAliveTimeout = 65_000;
      return server;
    },
    metricsHandler: metricsListener(container.get(TYPES.Metrics)),
    drain: () => {
      container.get(TYPES.Lifecycle).draining = true;
      registry.closeAll();
    },
    close: async () => {
      revocations.stop();
      stopPurger();
      await dispatcher.close();
      await upstreams.close();
      await counters.close();
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
    purgeSessions: container.get(TYPES.PurgeSessions),
    users: container.get(TYPES.Users),
    beginTotp: container.get(TYPES.BeginTotp),
    confirmTotp: container.get(TYPES.ConfirmTotp),
    disableTotp: container.get(TYPES.DisableTotp),
  };
}

/** First run (SPEC §9): a demo user outside production when there is none; its password or null. */
/** The demo user of a first run; `logger` is where its password will be shown. */
export function seedDemoUser(comp: Composition, logger: Logger): Promise<string | null> {
  const c = comp.container;
  return ensureDemoUser(c.get(TYPES.Users), c.get(TYPES.AddUser), comp.config.production, logger);
}

export { logDemoUser, logStartup, runAdminCommand, runKeysCommand, processIo, USAGE, UsageError, createLogger };
export { runWorkers } from './adapters/cluster/run-workers';
