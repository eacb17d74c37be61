import Router from '@koa/router';
import { DomainError } from '../../domain/errors';
import type { HttpDeps } from './deps';

/** The paths {@link systemRouter} answers (never proxied). */
export const SYSTEM_PATHS: readonly string[] = ['/healthz', '/readyz', '/metrics', '/.well-known/jwks.json'];

/** `/healthz`, `/readyz`, `/metrics` and `/.well-known/jwks.json`. */
export function systemRouter(deps: HttpDeps): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    await deps.readiness();
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: 'ready' };
  });
  // With METRICS_PORT the public port has no such route at all: 404 for every method, as for
  // any unknown path of tokengate's (the path stays in SYSTEM_PATHS, so it is never proxied).
  if (!deps.settings.metricsElsewhere) {
    router.get('/metrics', async (ctx) => {
      ctx.type = deps.metrics.contentType;
      ctx.set('Cache-Control', 'no-store');
      ctx.body = await deps.metrics.text();
    });
  }
  router.get('/.well-known/jwks.json', (ctx) => {
    const jwks = deps.jwks();
    if (!jwks) throw new DomainError('not_found', 'no public keys: tokens are signed with a shared secret (HS256)');
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = jwks;
  });
  return router;
}
