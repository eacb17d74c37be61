import type { IncomingMessage } from 'node:http';
import type { Context } from 'koa';
import { DomainError } from '../../domain/errors';
import { clientOf } from './request-context';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The methods the CSRF check applies to when tokens came in cookies. */
export function isUnsafeMethod(method: string | undefined): boolean {
  return UNSAFE_METHODS.has(method ?? '');
}

/**
 * The one CSRF rule (SPEC §4 `forbidden`), for every transport: the `Origin` (`null`
 * included) must be the gateway's own (`ownOrigin`, `protocol://host` as the client reached
 * it) or listed; without `Origin`, `Sec-Fetch-Site: cross-site` is refused. Requests with
 * neither header (non-browser clients) pass. The caller decides when it applies (unsafe
 * methods and WebSocket handshakes with cookie-borne tokens).
 */
export function crossSiteRefusal(req: IncomingMessage, ownOrigin: string, allowedOrigins: readonly string[]): DomainError | null {
  const origin = req.headers.origin;
  if (origin) {
    if (origin === ownOrigin || allowedOrigins.includes(origin)) return null;
    return new DomainError('forbidden', 'cross-origin request refused');
  }
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site.toLowerCase() === 'cross-site') return new DomainError('forbidden', 'cross-site request refused');
  return null;
}

/** {@link crossSiteRefusal} for an unsafe request on a Koa context; throws `forbidden`. */
export function assertSameOrigin(ctx: Context, allowedOrigins: readonly string[]): void {
  if (!isUnsafeMethod(ctx.method)) return;
  // The gateway's own origin as the proxied path builds it (Koa 3's `ctx.origin` echoes the request's Origin).
  const { protocol, host } = clientOf(ctx);
  const refused = crossSiteRefusal(ctx.req, `${protocol}://${host}`, allowedOrigins);
  if (refused) throw refused;
}
