import type { IncomingMessage } from 'node:http';
import { DomainError, isDomainError } from '../../domain/errors';
import type { Identity } from '../../application/authenticate-request';
import { clientAddress } from '../http/client-address';
import { writeError } from '../http/error-middleware';
import type { FastHandler } from '../http/hot-path';
import { isUnsafeMethod } from '../http/csrf';
import { requestIdFor } from '../http/request-context';
import { recordRequest } from '../http/request-log';
import { tokensFromRequest } from '../http/token-source';
import { forward, type ProxyDeps } from './proxy-middleware';
import type { RouteMatch } from './route-table';
import { canonicalPath, type CanonicalPath } from '../admission/canonical-path';

export interface FastProxyOptions {
  /** Canonical keys tokengate answers itself (auth prefix, health, metrics, JWKS): never proxied here. */
  ownsPath(key: string): boolean;
  /** `TRUST_PROXY`, for `X-Forwarded-For/-Proto/-Host` as Koa reads them. */
  trustProxy: number;
}

/**
 * The hot path of the reverse proxy: a request on a public route, or one whose tokens pass
 * as they are (case 4, or a valid access token alone) and whose route's roles it has, is
 * forwarded without Koa. Anything else — no or bad tokens, a reissue, the CSRF check of a
 * cookie-borne unsafe request, a path no route matches — is left to the Koa application
 * (login redirects, reissue cookies, error answers). Deciding has no side effects, so
 * leaving it is always safe; forwarding itself is the same function Koa's path calls.
 */
export function fastProxy(deps: ProxyDeps, options: FastProxyOptions): FastHandler {
  const { settings, logger, metrics } = deps;
  const names = { access: settings.accessCookie, refresh: settings.refreshCookie };

  /** The route and identity when this request may go fast; `forbidden` when it lacks a role. */
  const decide = (req: IncomingMessage): { match: RouteMatch; identity: Identity | null; refused?: DomainError } | null => {
    let url: CanonicalPath;
    try {
      url = canonicalPath(req.url as string);
    } catch {
      return null; // Koa refuses it
    }
    if (options.ownsPath(url.key)) return null;
    const match = deps.routes.match(url);
    if (!match) return null;
    if (match.route.public) return { match, identity: null };
    const tokens = tokensFromRequest(req, names);
    if (tokens.viaCookie && isUnsafeMethod(req.method)) return null;
    const identity = deps.gate.passWithoutStorage(tokens);
    if (!identity) return null;
    const roles = match.route.roles;
    if (roles && !roles.some((r) => identity.roles.includes(r))) {
      return { match, identity, refused: new DomainError('forbidden', 'this route needs a role you do not have') };
    }
    return { match, identity };
  };

  return (req, res, path) => {
    const started = performance.now();
    const decided = decide(req);
    if (!decided) return false;
    const requestId = requestIdFor(req.headers['x-request-id'] as string | undefined);
    res.setHeader('x-request-id', requestId);
    let status = 0;
    const done = () => recordRequest(logger, metrics, { group: 'proxy', hot: true, requestId, method: req.method, path, status, ms: performance.now() - started });
    if (decided.refused) {
      status = writeError(res, decided.refused);
      done();
      return true;
    }
    const exchange = { req, res, requestId, client: clientAddress(req, options.trustProxy), reissued: false, answering: (s: number) => (status = s) };
    forward(exchange, decided.match, decided.identity, deps)
      .catch((e: unknown) => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        if (!isDomainError(e)) logger.error({ err: e, requestId }, 'unhandled error');
        status = writeError(res, isDomainError(e) ? e : new DomainError('internal_error', 'internal error'));
      })
      .finally(done);
    return true;
  };
}
