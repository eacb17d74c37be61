import cors from '@koa/cors';
import type { Context, Middleware, Next } from 'koa';

/**
 * CORS with credentials for the exact origins in `CORS_ORIGINS`, on the auth prefix only.
 * Headers are set before the route runs, so error answers (401…) carry them too.
 */
export function authCors(prefix: string, origins: readonly string[]): Middleware {
  const allowed = new Set(origins);
  const handler = cors({
    origin: (ctx: Context) => (allowed.has(ctx.get('origin')) ? ctx.get('origin') : ''),
    credentials: true,
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'X-Refresh-Token', 'X-Request-Id'],
    exposeHeaders: ['X-Access-Token', 'X-Refresh-Token', 'X-Request-Id', 'WWW-Authenticate', 'Retry-After'],
    maxAge: 600,
  });
  return (ctx: Context, next: Next) => {
    const own = ctx.path === prefix || ctx.path.startsWith(`${prefix}/`);
    return own && allowed.size > 0 ? handler(ctx, next) : next();
  };
}
