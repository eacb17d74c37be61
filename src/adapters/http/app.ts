import Koa, { type Context, type Next } from 'koa';
import type Router from '@koa/router';
import { DomainError } from '../../domain/errors';
import { authRouter } from './auth-routes';
import type { HttpDeps } from './deps';
import { authCors } from './cors';
import { errorMiddleware } from './error-middleware';
import { requestIdMiddleware } from './request-context';
import { recordRequest } from './request-log';
import { SYSTEM_PATHS, systemRouter } from './system-routes';

/** 405 with `Allow` when a router knows the path under another method; else null. */
function allowedMethods(routers: Router[], ctx: Context): string[] | null {
  const allow = new Set<string>();
  for (const router of routers) {
    for (const layer of router.match(ctx.path, ctx.method).path) for (const m of layer.methods) allow.add(m);
  }
  return allow.size > 0 ? [...allow] : null;
}

/** Whether tokengate answers a path itself (auth endpoints, health, metrics, JWKS) rather than proxying it. */
export function ownsPathFor(prefix: string): (path: string) => boolean {
  const system = new Set(SYSTEM_PATHS);
  return (path) => path === prefix || path.startsWith(`${prefix}/`) || system.has(path);
}

/** The Koa application: auth endpoints, health, and the fallback (the reverse proxy). */
export function buildApp(deps: HttpDeps): Koa {
  const { settings, logger } = deps;
  const app = new Koa({ proxy: settings.trustProxy > 0, maxIpsCount: settings.trustProxy });
  const auth = authRouter(deps);
  const system = systemRouter(deps);
  const prefix = settings.authPrefix;
  const verifyPath = `${prefix}/verify`;
  const ownsPath = ownsPathFor(prefix);

  app.use(requestIdMiddleware());
  app.use(async (ctx: Context, next: Next) => {
    const started = performance.now();
    const own = ownsPath(ctx.path);
    ctx.state.ownPath = own;
    await next();
    if (own) {
      ctx.set('X-Content-Type-Options', 'nosniff');
      if (settings.cookie.secure) ctx.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    }
    recordRequest(logger, deps.metrics, {
      group: own ? 'auth' : 'proxy',
      hot: !own || ctx.path === verifyPath,
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
  app.use(async (ctx: Context, next: Next) => {
    const own = ctx.state.ownPath === true;
    if (!own && deps.fallback) return deps.fallback(ctx, next);
    const allow = own ? allowedMethods([auth, system], ctx) : null;
    if (allow) throw new DomainError('method_not_allowed', `use ${allow.join(', ')}`, { allow });
    throw new DomainError('not_found', 'no such resource');
  });
  app.on('error', (err: unknown) => logger.debug({ err }, 'connection error'));
  return app;
}
