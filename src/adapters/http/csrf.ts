import type { Context } from 'koa';
import { DomainError } from '../../domain/errors';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * CSRF check for cookie-authenticated unsafe requests (SPEC §4 `forbidden`): the `Origin`
 * must be the gateway's own or listed; without `Origin`, `Sec-Fetch-Site: cross-site` is
 * refused. Requests with neither header (non-browser clients) pass.
 */
export function assertSameOrigin(ctx: Context, allowedOrigins: readonly string[]): void {
  if (!UNSAFE_METHODS.has(ctx.method)) return;
  const origin = ctx.get('origin');
  if (origin) {
    // Koa 3's `ctx.origin` echoes the request's Origin header; the gateway's own is built here.
    if (origin === `${ctx.protocol}://${ctx.host}` || allowedOrigins.includes(origin)) return;
    throw new DomainError('forbidden', 'cross-origin request refused');
  }
  if (ctx.get('sec-fetch-site').toLowerCase() === 'cross-site') {
    throw new DomainError('forbidden', 'cross-site request refused');
  }
}
