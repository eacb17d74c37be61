import type { Container } from 'inversify';
import type Koa from 'koa';
import type { Logger } from 'pino';
import type { IncomingMessage, RequestListener } from 'node:http';
import type { Duplex } from 'node:stream';
import { Agent, type Dispatcher } from 'undici';
import type { Config } from './config';
import { DomainError } from './domain/errors';
import type { SessionRepository } from './domain/ports/session-repository';
import type { UserRepository } from './domain/ports/user-repository';
import type { AuthenticateRequest } from './application/authenticate-request';
import type { ListSessions } from './application/list-sessions';
import type { CompleteMfaLogin } from './application/complete-mfa-login';
import type { BeginTotpEnrolment } from './application/begin-totp-enrolment';
import type { ConfirmTotpEnrolment } from './application/confirm-totp-enrolment';
import type { Totp } from './domain/ports/totp';
import type { Login } from './application/login';
import type { Logout } from './application/logout';
import type { Refresh } from './application/refresh';
import { Admission } from './adapters/admission/admission';
import { canonicalPath } from './adapters/admission/canonical-path';
import { buildApp } from './adapters/http/app';
import { TokenCookies } from './adapters/http/cookies';
import type { HttpDeps } from './adapters/http/deps';
import { gatewayListener } from './adapters/http/entry';
import { SYSTEM_PATHS } from './adapters/http/system-routes';
import { verifyEndpoint } from './adapters/http/verify-endpoint';
import type { GatewayMetrics } from './adapters/metrics/gateway-metrics';
import { ADDED_HEADER_NAMES, type ProxyDeps } from './adapters/proxy/forward';
import { headerKey } from './adapters/proxy/forward-headers';
import { httpProxy } from './adapters/proxy/http-proxy';
import type { RouteTable } from './adapters/proxy/route-table';
import { SocketRegistry } from './adapters/proxy/socket-registry';
import { enterKnownHeaderNames } from './adapters/proxy/undici-known-names';
import { websocketUpgradeHandler } from './adapters/proxy/websocket-proxy';
import type { CachingTokenSigner } from './adapters/security/caching-token-signer';
import { TYPES, type Lifecycle } from './service-ids';

/**
 * Binds the request path (docs/architecture.md): cookies, the one admission, Koa for
 * tokengate's own endpoints, the proxy, WebSocket and forward-auth writers, and the entry
 * listener. Each setting bag is made here from `config`, once.
 */
export function bindGateway(c: Container, config: Config): void {
  const T = TYPES;
  const secureCookies = config.cookie.secure;
  c.bind(T.Lifecycle).toConstantValue({ draining: false });
  c.bind(T.Cookies).toResolvedValue(() => new TokenCookies(config.cookie));
  c.bind(T.Admission).toResolvedValue(
    (routes: RouteTable, gate: AuthenticateRequest, logger: Logger) =>
      new Admission(
        {
          routes,
          gate,
          logger,
          settings: {
            authPrefix: config.authPrefix,
            corsOrigins: config.corsOrigins,
            mfaRequiredRoles: config.mfaRequiredRoles,
            trustProxy: config.trustProxy,
            cookieNames: { access: config.cookie.accessName, refresh: config.cookie.refreshName },
          },
        },
        SYSTEM_PATHS,
      ),
    [T.Routes, T.Gate, T.Logger],
  );
  c.bind(T.HttpDeps).toResolvedValue(
    (login: Login, refresh: Refresh, logout: Logout, gate: AuthenticateRequest, listSessions: ListSessions, signer: CachingTokenSigner, sessions: SessionRepository, logger: Logger, metrics: GatewayMetrics, users: UserRepository, admission: Admission, cookies: TokenCookies, life: Lifecycle, completeMfaLogin: CompleteMfaLogin, beginTotp: BeginTotpEnrolment, confirmTotp: ConfirmTotpEnrolment, totp: Totp): HttpDeps => ({
      settings: {
        authPrefix: config.authPrefix,
        cookie: config.cookie,
        bodyLimit: config.bodyLimit,
        trustProxy: config.trustProxy,
        corsOrigins: config.corsOrigins,
        metricsElsewhere: config.metrics !== null,
      },
      login, completeMfaLogin, beginTotp, confirmTotp, totpUri: (secret, account) => totp.uri(secret, account), refresh, logout, gate, listSessions, logger, metrics, admission, cookies,
      readiness: async () => {
        if (life.draining) throw new DomainError('service_unavailable', 'shutting down', { retryAfterSeconds: 5 });
        await Promise.all([sessions.ping(), users.count()]);
      },
      jwks: () => signer.jwks(),
    }),
    [T.Login, T.Refresh, T.Logout, T.Gate, T.ListSessions, T.Signer, T.Sessions, T.Logger, T.Metrics, T.Users, T.Admission, T.Cookies, T.Lifecycle, T.CompleteMfaLogin, T.BeginTotp, T.ConfirmTotp, T.Totp],
  );
  c.bind(T.App).toResolvedValue((deps: HttpDeps) => buildApp(deps), [T.HttpDeps]);
  c.bind(T.Dispatcher).toResolvedValue(() => {
    enterKnownHeaderNames(ADDED_HEADER_NAMES);
    return new Agent({ keepAliveTimeout: 30_000, connections: 256 });
  });
  c.bind(T.ProxyDeps).toResolvedValue(
    (dispatcher: Dispatcher, logger: Logger, metrics: GatewayMetrics): ProxyDeps => ({
      dispatcher,
      logger,
      metrics,
      settings: {
        forwardTokens: config.forwardTokens,
        accessCookie: config.cookie.accessName,
        refreshCookie: config.cookie.refreshName,
        stripHeaders: new Set(config.stripHeaders.map(headerKey)),
        upstreamTimeoutMs: config.upstreamTimeout * 1000,
      },
    }),
    [T.Dispatcher, T.Logger, T.Metrics],
  );
  c.bind(T.Handler).toResolvedValue(
    (deps: HttpDeps, proxy: ProxyDeps, app: Koa): RequestListener =>
      gatewayListener({
        admission: deps.admission,
        verifyKey: canonicalPath(`${config.authPrefix}/verify`).key,
        verify: verifyEndpoint({ ...deps, secureCookies, corsOrigins: config.corsOrigins }),
        proxy: httpProxy({ ...proxy, admission: deps.admission, cookies: deps.cookies, secureCookies }),
        koa: app.callback(),
      }),
    [T.HttpDeps, T.ProxyDeps, T.App],
  );
  c.bind(T.Sockets).toResolvedValue(() => new SocketRegistry());
  c.bind(T.Upgrade).toResolvedValue(
    (deps: HttpDeps, proxy: ProxyDeps, registry: SocketRegistry, handler: RequestListener) => {
      const upgrade = websocketUpgradeHandler({ ...proxy, admission: deps.admission, cookies: deps.cookies, registry, secureCookies, plainHttp: handler });
      return (req: IncomingMessage, socket: Duplex, head: Buffer) => void upgrade(req, socket, head);
    },
    [T.HttpDeps, T.ProxyDeps, T.Sockets, T.Handler],
  );
}
