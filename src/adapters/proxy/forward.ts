import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { Identity } from '../../application/authenticate-request';
import type { ClientAddress } from '../http/client-address';
import { identityHeaders } from '../http/identity-headers';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { clientResponseHeaders, upstreamRequestHeaders, type StripSettings } from './forward-headers';
import type { RouteMatch } from './route-table';
import { upstreamError } from './upstream-errors';

export interface ProxySettings extends StripSettings {
  /** Milliseconds (`UPSTREAM_TIMEOUT`). */
  upstreamTimeoutMs: number;
}

export interface ProxyDeps {
  dispatcher: Dispatcher;
  settings: ProxySettings;
  logger: Logger;
  metrics: GatewayMetrics;
}

/** One admitted request, as forwarding needs it. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  client: ClientAddress;
  match: RouteMatch;
  identity: Identity | null;
  /** tokengate's headers on the answer (request id, reissued tokens): they win over the upstream's. */
  ours: readonly [string, string][];
}

/** The request headers the upstream receives for an exchange: SPEC §5's removals, then tokengate's own. */
export function exchangeRequestHeaders(ex: Omit<Exchange, 'res' | 'ours' | 'match'>, settings: StripSettings, extra?: Record<string, string>): Record<string, string | string[]> {
  return upstreamRequestHeaders(ex.req.headers, settings, {
    'x-request-id': ex.requestId,
    'x-forwarded-for': ex.client.ip,
    'x-forwarded-proto': ex.client.protocol,
    'x-forwarded-host': ex.client.host,
    ...(ex.identity ? identityHeaders(ex.identity) : {}),
    ...extra,
  });
}

/**
 * Sends the request upstream and streams the answer back; resolves with the upstream's
 * status once the response has ended. Upstream faults reject with `bad_gateway` /
 * `gateway_timeout` before anything was written.
 */
export async function forward(ex: Exchange, deps: ProxyDeps): Promise<number> {
  const { settings } = deps;
  const { req, res, match } = ex;
  const hasBody = req.headers['content-length'] !== undefined ? req.headers['content-length'] !== '0' : req.headers['transfer-encoding'] !== undefined;
  let upstream: Dispatcher.ResponseData;
  const started = performance.now();
  try {
    // The origin comes only from the route; the client's path is only ever a path (SPEC §5).
    upstream = await deps.dispatcher.request({
      origin: match.route.upstream.origin,
      path: match.upstreamPath,
      method: req.method as Dispatcher.HttpMethod,
      headers: exchangeRequestHeaders(ex, settings),
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
  res.writeHead(upstream.statusCode, withOurs(clientResponseHeaders(upstream.headers), ex.ours));
  await relay(upstream.body, res, () => deps.logger.debug({ requestId: ex.requestId }, 'proxied stream ended early'));
  return upstream.statusCode;
}

/** The upstream's headers with tokengate's laid over them: ours replace theirs, `Set-Cookie` lines add up (ours first). */
export function withOurs(theirs: OutgoingHttpHeaders, ours: readonly [string, string][]): OutgoingHttpHeaders {
  const cookies: string[] = [];
  for (const [name, value] of ours) {
    if (name === 'set-cookie') cookies.push(value);
    else theirs[name] = value;
  }
  if (cookies.length > 0) {
    const upstreamCookies = theirs['set-cookie'];
    theirs['set-cookie'] = upstreamCookies === undefined ? cookies : cookies.concat(upstreamCookies as string | string[]);
  }
  return theirs;
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
