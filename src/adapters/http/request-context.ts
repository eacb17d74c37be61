import { randomUUID } from 'node:crypto';
import type { Context, Middleware, Next } from 'koa';
import type { RequestContext } from '../../application/settings';
import { clientAddress, type ClientAddress } from './client-address';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** The client's `X-Request-Id` when well-formed (1–128 of `[A-Za-z0-9._-]`), else a new one. */
export function requestIdFor(given: string | undefined): string {
  return given !== undefined && REQUEST_ID.test(given) ? given : randomUUID();
}

/** Keeps a well-formed client `X-Request-Id`, else makes one; echoes it on every response. */
export function requestIdMiddleware(): Middleware {
  return async (ctx: Context, next: Next) => {
    const id = requestIdFor(ctx.get('x-request-id'));
    ctx.state.requestId = id;
    ctx.set('X-Request-Id', id);
    await next();
  };
}

/**
 * Lets {@link clientOf} read the client's address, protocol and host with {@link clientAddress},
 * the fast path's own reading: Koa's `ctx.ip`, `ctx.protocol` and `ctx.host` are not used, so
 * the two paths cannot drift apart under `TRUST_PROXY`. Read on first use only: most of Koa's
 * requests (health, pages, the gate's own endpoints, which read it in the admission) never ask.
 */
export function clientAddressMiddleware(trustProxy: number): Middleware {
  return (ctx: Context, next: Next) => {
    ctx.state.trustProxy = trustProxy;
    return next();
  };
}

/** The client's address, protocol and host for this request, read once. */
export function clientOf(ctx: Context): ClientAddress {
  const read = ctx.state.client as ClientAddress | undefined;
  if (read) return read;
  const trustProxy = ctx.state.trustProxy as number | undefined;
  if (trustProxy === undefined) throw new Error('clientAddressMiddleware is not installed');
  const client = clientAddress(ctx.req, trustProxy);
  ctx.state.client = client;
  return client;
}

/** The reason a {@link clientGoneSignal} aborts with. */
export class ClientGoneError extends Error {
  override readonly name = 'ClientGoneError';
  constructor() {
    super('the client closed the connection before its answer');
  }
}

/**
 * Aborts, with a {@link ClientGoneError}, when the connection closes before the response has
 * been written: a login queued behind others then never has its password hashed for nobody.
 */
export function clientGoneSignal(ctx: Context): AbortSignal {
  const controller = new AbortController();
  ctx.res.once('close', () => {
    if (!ctx.res.writableFinished) controller.abort(new ClientGoneError());
  });
  return controller.signal;
}

/** What the use-cases may know about the request; the IP is {@link clientOf}'s, under `TRUST_PROXY`. */
export function requestContext(ctx: Context): RequestContext {
  const ua = ctx.get('user-agent');
  return {
    ip: clientOf(ctx).ip || null,
    userAgent: ua ? ua.slice(0, 512) : null,
    requestId: String(ctx.state.requestId),
  };
}
