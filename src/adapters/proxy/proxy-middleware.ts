import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClientAddress } from '../http/client-address';
import type { Context, Middleware } from 'koa';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { canonicalPath, PathRefused, type CanonicalPath } from '../admission/canonical-path';
import { DomainError, isDomainError } from '../../domain/errors';
import type { AuthenticateRequest, Identity } from '../../application/authenticate-request';
import type { TokenCookies } from '../http/cookies';
import { runGate } from '../http/gate';
import { identityHeaders } from '../http/identity-headers';
import { clientResponseHeaders, upstreamRequestHeaders } from './forward-headers';
import type { RouteMatch, RouteTable } from './route-table';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { upstreamError } from './upstream-errors';

export interface ProxySettings {
  authPrefix: string;
  corsOrigins: string[];
  forwardTokens: boolean;
  /** Milliseconds (`UPSTREAM_TIMEOUT`). */
  upstreamTimeoutMs: number;
  accessCookie: string;
  refreshCookie: string;
}

export interface ProxyDeps {
  routes: RouteTable;
  gate: AuthenticateRequest;
  cookies: TokenCookies;
  dispatcher: Dispatcher;
  settings: ProxySettings;
  logger: Logger;
  metrics: GatewayMetrics;
}

const GATEWAY_RESPONSE_HEADERS = new Set(['x-request-id', 'x-access-token', 'x-refresh-token']);

/** A browser navigation (not an XHR or fetch) that should land on the login page. */
function wantsLoginPage(ctx: Context): boolean {
  if (ctx.method !== 'GET') return false;
  if (ctx.get('x-requested-with') || ['cors', 'no-cors', 'same-origin'].includes(ctx.get('sec-fetch-mode'))) return false;
  return (ctx.get('accept') || '').toLowerCase().includes('text/html');
}

/** The reverse proxy (SPEC §5): route, run the gate unless public, forward streaming both ways. */
export function proxyMiddleware(deps: ProxyDeps): Middleware {
  const { settings } = deps;
  return async (ctx: Context) => {
    const url = canonicalOrRefuse(ctx.url);
    const match = deps.routes.match(url);
    if (!match) throw new DomainError('not_found', 'no route for this path');
    let identity: Identity | null = null;
    if (!match.route.public) {
      try {
        identity = await runGate(ctx, deps.gate, deps.cookies, settings.corsOrigins);
      } catch (e) {
        if (isDomainError(e) && e.code !== 'forbidden' && e.code !== 'service_unavailable' && wantsLoginPage(ctx)) {
          ctx.redirect(`${settings.authPrefix}/login?rd=${encodeURIComponent(url.path + url.search)}`);
          return;
        }
        throw e;
      }
      const roles = match.route.roles;
      if (roles && !roles.some((r) => identity?.roles.includes(r))) {
        throw new DomainError('forbidden', 'this route needs a role you do not have');
      }
    }
    const client = { ip: ctx.ip, protocol: ctx.protocol, host: ctx.host };
    await forward({
      req: ctx.req,
      res: ctx.res,
      requestId: String(ctx.state.requestId),
      client,
      reissued: ctx.state.reissued === true,
      answering: (status) => {
        // Koa writes nothing more: the relay owns the response from here.
        ctx.respond = false;
        ctx.status = status;
      },
    }, match, identity, deps);
  };
}

/** The canonical path of a request target, or 400 `invalid_request` (SPEC §5). */
export function canonicalOrRefuse(target: string): CanonicalPath {
  try {
    return canonicalPath(target);
  } catch (e) {
    if (e instanceof PathRefused) throw new DomainError('invalid_request', e.message);
    throw e;
  }
}

/** One proxied request, from Koa or from the fast path: what forwarding needs to know. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  client: ClientAddress;
  /** Tokens were reissued on this request: the answer must not be cached. */
  reissued: boolean;
  /** Called with the upstream's status just before its answer is relayed. */
  answering?(status: number): void;
}

/**
 * Sends the request upstream and streams the answer back; resolves with the upstream's
 * status once the response has ended. Upstream faults reject with `bad_gateway` /
 * `gateway_timeout` before anything was written.
 */
export async function forward(ex: Exchange, match: RouteMatch, identity: Identity | null, deps: ProxyDeps): Promise<number> {
  const { settings } = deps;
  const { req, res } = ex;
  const add: Record<string, string> = {
    'x-request-id': ex.requestId,
    'x-forwarded-for': ex.client.ip,
    'x-forwarded-proto': ex.client.protocol,
    'x-forwarded-host': ex.client.host,
    ...(identity ? identityHeaders(identity) : {}),
  };
  const headers = upstreamRequestHeaders(req.headers, {
    forwardTokens: settings.forwardTokens,
    accessCookie: settings.accessCookie,
    refreshCookie: settings.refreshCookie,
    add,
  });
  const hasBody = req.headers['content-length'] !== undefined ? req.headers['content-length'] !== '0' : req.headers['transfer-encoding'] !== undefined;
  let upstream: Dispatcher.ResponseData;
  const started = performance.now();
  try {
    // The origin comes only from the route; the client's path is only ever a path (SPEC §5).
    upstream = await deps.dispatcher.request({
      origin: match.route.upstream.origin,
      path: match.upstreamPath,
      method: req.method as Dispatcher.HttpMethod,
      headers,
      body: hasBody ? req : null,
      headersTimeout: settings.upstreamTimeoutMs,
      bodyTimeout: settings.upstreamTimeoutMs,
    });
  } catch (e) {
    deps.logger.warn({ err: e, requestId: ex.requestId, upstream: match.route.upstream.origin }, 'upstream request failed');
    const error = upstreamError(e);
    deps.metrics.upstreamAnswered(match.route.prefix, error.code === 'gateway_timeout' ? 504 : 502, (performance.now() - started) / 1000);
    throw error;
  }
  deps.metrics.upstreamAnswered(match.route.prefix, upstream.statusCode, (performance.now() - started) / 1000);
  const ours = res.getHeader('set-cookie');
  for (const [name, value] of Object.entries(clientResponseHeaders(upstream.headers))) {
    // The request id and reissued tokens are tokengate's: an upstream cannot replace them.
    if (value === undefined || (GATEWAY_RESPONSE_HEADERS.has(name) && res.hasHeader(name))) continue;
    res.setHeader(name, value);
  }
  if (ours !== undefined) {
    const theirs = upstream.headers['set-cookie'];
    res.setHeader('set-cookie', [...toList(ours), ...toList(theirs)]);
  }
  if (ex.reissued) res.setHeader('cache-control', 'no-store');
  ex.answering?.(upstream.statusCode);
  res.statusCode = upstream.statusCode;
  await relay(upstream.body, res, () => deps.logger.debug({ requestId: ex.requestId }, 'proxied stream ended early'));
  return upstream.statusCode;
}

/**
 * Streams the upstream body to the client with backpressure; resolves when the response has
 * ended or either side failed (then both are torn down). Lighter than `stream.pipeline`,
 * which allocates an AbortController per call on this hot path.
 */
function relay(body: Dispatcher.ResponseData['body'], res: ServerResponse, onEarlyEnd: () => void): Promise<void> {
  return new Promise<void>((resolve) => {
    let done = false;
    const finish = (early: boolean) => {
      if (done) return;
      done = true;
      if (early) {
        onEarlyEnd();
        body.destroy();
        res.destroy();
      }
      resolve();
    };
    body.once('error', () => finish(true));
    res.once('close', () => finish(!res.writableFinished));
    res.once('finish', () => finish(false));
    body.pipe(res);
  });
}

function toList(v: string | string[] | number | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [String(v)];
}
