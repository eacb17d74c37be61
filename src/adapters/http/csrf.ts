import type { Context } from 'koa';
import { DomainError } from '../../domain/errors';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The methods the CSRF check applies to when tokens came in cookies. */
export function isUnsafeMethod(method: string | undefined): boolean {
  return UNSAFE_METHODS.has(method ?? '');
}

/**
 * CSRF check for cookie-authenticated unsafe requests (SPEC §4 `forbidden`): the `Origin`
 * must be the gateway's own or listed; without `Origin`, `Sec-Fetch-Site: cross-site` is
 * refused. Requests with neither header (non-browser clients) pass.
 */
export function assertSameOrigin(ctx: Context, allowedOrigins: readonly string[]): void {
  if (!isUnsafeMethod(ctx.method)) return;
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
