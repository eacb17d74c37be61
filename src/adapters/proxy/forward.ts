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
import { DomainError } from '../../domain/errors';

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
 * Sends the request upstream and streams the answer back; `done` is called once, with the
 * upstream's status when the response has ended (or was torn down early), or with
 * `bad_gateway` / `gateway_timeout` when the upstream failed before anything was written.
 * Undici's callback API and a bare `pipe`: no promise, no `stream.pipeline` on this path.
 */
export function forward(ex: Exchange, deps: ProxyDeps, done: (status: number, error?: DomainError) => void): void {
  const { settings, metrics } = deps;
  const { req, res, match } = ex;
  const hasBody = req.headers['content-length'] !== undefined ? req.headers['content-length'] !== '0' : req.headers['transfer-encoding'] !== undefined;
  const started = performance.now();
  // The origin comes only from the route; the client's path is only ever a path (SPEC §5).
  const options = {
    origin: match.route.upstream.origin,
    path: match.upstreamPath,
    method: req.method as Dispatcher.HttpMethod,
    headers: exchangeRequestHeaders(ex, settings),
    body: hasBody ? req : null,
    headersTimeout: settings.upstreamTimeoutMs,
    bodyTimeout: settings.upstreamTimeoutMs,
  };
  deps.dispatcher.request(options, (err, upstream) => {
    if (err) {
      deps.logger.warn({ err, requestId: ex.requestId, upstream: match.route.upstream.origin }, 'upstream request failed');
      const error = upstreamError(err);
      metrics.upstreamAnswered(match.route.prefix, error.code === 'gateway_timeout' ? 504 : 502, (performance.now() - started) / 1000);
      return done(0, error);
    }
    const status = upstream.statusCode;
    const body = upstream.body;
    metrics.upstreamAnswered(match.route.prefix, status, (performance.now() - started) / 1000);
    try {
      res.writeHead(status, withOurs(clientResponseHeaders(upstream.headers), ex.ours));
    } catch (e) {
      // A header value Node refuses to send: nothing was written, the client gets a 502.
      deps.logger.warn({ err: e, requestId: ex.requestId }, 'upstream answer not relayable');
      body.destroy();
      return done(0, new DomainError('bad_gateway', 'the upstream answer could not be relayed'));
    }
    body.once('error', () => res.destroy());
    // A ServerResponse emits `close` once it is done, finished or not.
    res.once('close', () => {
      if (!res.writableFinished) {
        deps.logger.debug({ requestId: ex.requestId }, 'proxied stream ended early');
        body.destroy();
      }
      done(status);
    });
    body.pipe(res);
  });
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
