import type { Context, Middleware, Next } from 'koa';
import type { Logger } from 'pino';
import { DomainError, isDomainError } from '../../domain/errors';
import { ERROR_STATUS } from './error-status';

/** Writes an error as SPEC §4 has it: status, JSON body, and the headers its code needs. */
export function sendError(ctx: Context, error: DomainError): void {
  const status = ERROR_STATUS[error.code];
  ctx.status = status;
  ctx.body = { error: error.code, error_description: error.message };
  if (status === 401) ctx.set('WWW-Authenticate', `Bearer error="${error.code}"`);
  if (error.details.retryAfterSeconds !== undefined) ctx.set('Retry-After', String(error.details.retryAfterSeconds));
  if (error.details.allow) ctx.set('Allow', error.details.allow.join(', '));
}

/** Koa's own HTTP errors (from body reading and the router) by status. */
function fromHttpError(e: { status?: number; expose?: boolean }): DomainError | null {
  switch (e.status) {
    case 400:
      return new DomainError('invalid_request', 'the request is malformed');
    case 404:
      return new DomainError('not_found', 'no such resource');
    case 413:
      return new DomainError('payload_too_large', 'the body is too large');
    case 415:
      return new DomainError('invalid_request', 'unsupported content type');
    default:
      return null;
  }
}

/**
 * The one place errors become responses. Unknown errors are logged with the request id
 * and answered 500 with a generic body: no stack, SQL or token ever reaches the client.
 */
export function errorMiddleware(logger: Logger): Middleware {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (e) {
      const known = isDomainError(e) ? e : fromHttpError(e as { status?: number });
      if (known) {
        sendError(ctx, known);
        return;
      }
      logger.error({ err: e, requestId: ctx.state.requestId }, 'unhandled error');
      sendError(ctx, new DomainError('internal_error', 'internal error'));
    }
  };
}
