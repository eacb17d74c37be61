import type { ServerResponse } from 'node:http';
import type { Context, Middleware, Next } from 'koa';
import type { Logger } from 'pino';
import { DomainError, isDomainError } from '../../domain/errors';
import { CLIENT_CLOSED_REQUEST } from '../proxy/forward';
import { ERROR_STATUS } from './error-status';
import { ClientGoneError } from './request-context';

/** An error as SPEC §4 has it: status, JSON body, and the headers its code needs. */
export function errorAnswer(error: DomainError): { status: number; body: { error: string; error_description: string }; headers: Record<string, string> } {
  const status = ERROR_STATUS[error.code];
  const headers: Record<string, string> = {};
  if (status === 401) headers['WWW-Authenticate'] = `Bearer error="${error.code}"`;
  if (error.details.retryAfterSeconds !== undefined) headers['Retry-After'] = String(error.details.retryAfterSeconds);
  if (error.details.allow) headers.Allow = error.details.allow.join(', ');
  return { status, body: { error: error.code, error_description: error.message }, headers };
}

/** Writes {@link errorAnswer} on a Koa context. */
export function sendError(ctx: Context, error: DomainError): void {
  const answer = errorAnswer(error);
  ctx.status = answer.status;
  ctx.body = answer.body;
  ctx.set(answer.headers);
}

/** Writes {@link errorAnswer} straight on Node's response (the paths answered without Koa). */
export function writeError(res: ServerResponse, error: DomainError): number {
  const answer = errorAnswer(error);
  const body = JSON.stringify(answer.body);
  res.writeHead(answer.status, { ...answer.headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
  return answer.status;
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
      if (e instanceof ClientGoneError) {
        // Nobody to answer: logged and counted as nginx's 499, as the relay does (proxy/forward.ts).
        ctx.res.statusCode = CLIENT_CLOSED_REQUEST;
        ctx.respond = false;
        return;
      }
      logger.error({ err: e, requestId: ctx.state.requestId }, 'unhandled error');
      sendError(ctx, new DomainError('internal_error', 'internal error'));
    }
  };
}
