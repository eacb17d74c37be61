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
import { canonicalPath, type CanonicalPath } from '../admission/canonical-path';

/** 405 with `Allow` when a router knows the path under another method; else null. */
function allowedMethods(routers: Router[], ctx: Context): string[] | null {
  const allow = new Set<string>();
  for (const router of routers) {
    for (const layer of router.match(ctx.path, ctx.method).path) for (const m of layer.methods) allow.add(m);
  }
  return allow.size > 0 ? [...allow] : null;
}

/** Whether tokengate answers a canonical key itself (auth endpoints, health, metrics, JWKS) rather than proxying it. */
export function ownsPathFor(prefix: string): (key: string) => boolean {
  const system = new Set(SYSTEM_PATHS);
  const own = prefix.toLowerCase();
  return (key) => key === own || key.startsWith(`${own}/`) || system.has(key);
}

/** The canonical path of a target, or null when it has none (the proxy then refuses it). */
function canonicalOrNull(target: string): CanonicalPath | null {
  try {
    return canonicalPath(target);
  } catch {
    return null;
  }
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
    const canonical = canonicalOrNull(ctx.url);
    // A path with no canonical form is still ours when it is spelled under our prefix (404 there, 400 elsewhere).
    const own = ownsPath(canonical ? canonical.key : ctx.path.toLowerCase());
    // Tokengate's own routes see the one canonical spelling (`/auth//me`, `/auth#x`).
    if (own && canonical && ctx.path !== canonical.path) ctx.path = canonical.path;
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
