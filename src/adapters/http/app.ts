import Koa, { type Context, type Next } from 'koa';
import type Router from '@koa/router';
import { DomainError } from '../../domain/errors';
import { authRouter } from './auth-routes';
import type { HttpDeps } from './deps';
import { authCors } from './cors';
import { errorMiddleware } from './error-middleware';
import { clientAddressMiddleware, requestIdMiddleware } from './request-context';
import { recordRequest } from './request-log';
import { systemRouter } from './system-routes';
import { securityHeaders } from '../admission/answers';
import { canonicalPath, type CanonicalPath } from '../admission/canonical-path';

/** 405 with `Allow` when a router knows the path under another method; else null. */
function allowedMethods(routers: Router[], ctx: Context): string[] | null {
  const allow = new Set<string>();
  for (const router of routers) {
    for (const layer of router.match(ctx.path, ctx.method).path) for (const m of layer.methods) allow.add(m);
  }
  return allow.size > 0 ? [...allow] : null;
}

/** The canonical path of a target, or null when it has none. */
function canonicalOrNull(target: string): CanonicalPath | null {
  try {
    return canonicalPath(target);
  } catch {
    return null;
  }
}

/**
 * The Koa application: tokengate's own endpoints (auth, health, metrics, JWKS). The entry
 * listener (`entry.ts`) sends it only the paths tokengate owns; proxied paths never reach it.
 */
export function buildApp(deps: HttpDeps): Koa {
  const { settings, logger } = deps;
  // No `proxy`/`maxIpsCount`: Koa's own reading of X-Forwarded-* is never used (clientAddressMiddleware).
  const app = new Koa();
  const auth = authRouter(deps);
  const system = systemRouter(deps);
  const prefix = settings.authPrefix;
  const verifyPath = `${prefix}/verify`;
  const security = securityHeaders(settings.cookie.secure);

  app.use(requestIdMiddleware());
  app.use(clientAddressMiddleware(settings.trustProxy));
  app.use(async (ctx: Context, next: Next) => {
    const started = performance.now();
    // The routes see the one canonical spelling (`/auth//me`, `/auth#x`, `/AUTH/./me`).
    const canonical = canonicalOrNull(ctx.url);
    if (canonical && ctx.path !== canonical.path) ctx.path = canonical.path;
    await next();
    for (const [name, value] of security) ctx.set(name, value);
    recordRequest(logger, deps.metrics, {
      group: 'auth',
      hot: ctx.path === verifyPath,
      requestId: String(ctx.state.requestId),
      method: ctx.method,
      path: ctx.path,
      status: ctx.status,
      ms: performance.now() - started,
    });
  });
  app.use(authCors(prefix, settings.corsOrigins));
  app.use(errorMiddleware(logger));
  app.use(system.routes());
  app.use(auth.routes());
  app.use(async (ctx: Context) => {
    const allow = allowedMethods([auth, system], ctx);
    if (allow) throw new DomainError('method_not_allowed', `use ${allow.join(', ')}`, { allow });
    throw new DomainError('not_found', 'no such resource');
  });
  app.on('error', (err: unknown) => logger.debug({ err }, 'connection error'));
  return app;
}
