import type Router from '@koa/router';
import { OPENAPI_DEFAULT_PREFIX, OPENAPI_DOCUMENT } from './openapi';

/** `/auth` as a whole path segment, in path keys and in texts alike. */
const DEFAULT_PREFIX = new RegExp(`${OPENAPI_DEFAULT_PREFIX.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?![A-Za-z0-9._~-])`, 'g');

/** The OpenAPI document with its `/auth` paths (and the texts naming them) moved under `prefix`. */
export function openApiForPrefix(prefix: string): Record<string, unknown> {
  if (prefix === OPENAPI_DEFAULT_PREFIX) return OPENAPI_DOCUMENT;
  return JSON.parse(JSON.stringify(OPENAPI_DOCUMENT).replace(DEFAULT_PREFIX, () => prefix)) as Record<string, unknown>;
}

/**
 * Mounts `GET {prefix}/openapi.json`. `router` is either the auth router (whose own prefix
 * is `prefix`) or a router without a prefix.
 */
export function mountOpenApi(router: Router, prefix: string): void {
  const body = JSON.stringify(openApiForPrefix(prefix));
  const path = router.opts.prefix === prefix ? '/openapi.json' : `${prefix}/openapi.json`;
  router.get(path, (ctx) => {
    ctx.type = 'application/json; charset=utf-8';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = body;
  });
}
