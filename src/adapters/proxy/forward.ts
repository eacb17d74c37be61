import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { Identity } from '../../application/authenticate-request';
import type { ClientAddress } from '../http/client-address';
import { IDENTITY_HEADERS, identityHeaders } from '../http/identity-headers';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { relayedResponseHeaders, upstreamRequestHeaders, type StripSettings } from './forward-headers';
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

/** The request id and `X-Forwarded-*` lines tokengate adds upstream, in the order written. */
const [REQUEST_ID, FORWARDED_FOR, FORWARDED_PROTO, FORWARDED_HOST] = ['x-request-id', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host'] as const;

/** The names of the lines tokengate adds to every upstream request (SPEC §5), the identity's included. */
export const ADDED_HEADER_NAMES: readonly string[] = [REQUEST_ID, FORWARDED_FOR, FORWARDED_PROTO, FORWARDED_HOST, ...IDENTITY_HEADERS];

/**
 * The request headers the upstream receives for an exchange, as undici's flat `[name, value, …]`
 * list: SPEC §5's removals, then tokengate's own, each once.
 */
export function exchangeRequestHeaders(ex: Omit<Exchange, 'res' | 'ours' | 'match'>, settings: StripSettings): string[] {
  const out = upstreamRequestHeaders(ex.req.headers, settings);
  out.push(REQUEST_ID, ex.requestId, FORWARDED_FOR, ex.client.ip, FORWARDED_PROTO, ex.client.protocol, FORWARDED_HOST, ex.client.host);
  if (ex.identity) {
    const identity = identityHeaders(ex.identity);
    for (let i = 0; i < identity.length; i++) out.push(identity[i]!);
  }
  return out;
}

/**
 * Sends the request upstream and relays the answer as it arrives; `done` is called once, with
 * the upstream's status when the response has ended (or was torn down early), or with
 * `bad_gateway` / `gateway_timeout` when the upstream failed before anything was written.
 * Undici's `dispatch` with a handler of our own ({@link Relay}): no promise, no body stream
 * and no `pipe` between the upstream's socket and the client's response.
 */
export function forward(ex: Exchange, deps: ProxyDeps, done: (status: number, error?: DomainError) => void): void {
  const { req, match } = ex;
  // Gone while admission waited for storage: nothing to send the answer to.
  if (ex.res.destroyed) return done(CLIENT_CLOSED_REQUEST);
  const hasBody = req.headers['content-length'] !== undefined ? req.headers['content-length'] !== '0' : req.headers['transfer-encoding'] !== undefined;
  const { upstreamTimeoutMs } = deps.settings;
  // The origin comes only from the route; the client's path is only ever a path (SPEC §5).
  deps.dispatcher.dispatch(
    {
      origin: match.origin,
      path: match.upstreamPath,
      method: req.method as Dispatcher.HttpMethod,
      headers: exchangeRequestHeaders(ex, deps.settings),
      body: hasBody ? req : null,
      headersTimeout: upstreamTimeoutMs,
      bodyTimeout: upstreamTimeoutMs,
    },
    new Relay(ex, deps, hasBody, done),
  );
}

const noop = (): void => {};

/**
 * undici's "Content-Length mismatch" on a 204 or 304: answers that never have a body (RFC 9110
 * §6.4.1), whose `Content-Length` (a 304 may carry the representation's) it counts as a body
 * that did not come.
 */
const isBodilessLengthMismatch = (status: number, err: Error): boolean =>
  (status === 204 || status === 304) && (err as { code?: unknown }).code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH';

/** The `Content-Length` among relayed header lines (lower-case names), or -1. */
function declaredLength(headers: readonly string[]): number {
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i] === 'content-length') {
      const n = Number(headers[i + 1]);
      return Number.isSafeInteger(n) && n > 0 ? n : -1;
    }
  }
  return -1;
}

/** Logged and counted for a request whose client left before the upstream's answer began (nginx's 499). */
export const CLIENT_CLOSED_REQUEST = 499;

/**
 * One upstream answer relayed to the client: status and headers in one `writeHead`, each
 * chunk written as it comes (undici paused while the client's socket is full), the end or
 * a failure passed on, and the upstream request aborted when the client goes away, whether
 * before the upstream's answer or during it: an answer written to a gone client never
 * drains, and undici would keep that upstream connection paused for good, until every
 * connection of the pool was (docs/security.md §15).
 *
 * The head is written with the first body byte or the end, as Node would send it anyway (it
 * holds a head until then), so an upstream that fails after its head but before any byte of
 * its body gets the client a 502/504 rather than an empty reply; a 204 or 304 whose
 * `Content-Length` undici counts as a missing body is relayed as the bodiless answer it is.
 * When the client's upload has not fully arrived by then (the upstream answered early, or
 * failed), the answer closes the connection: undici has let go of the request body, so the
 * rest would never be read and the connection would hang until its keep-alive timeout.
 *
 * It implements undici 7's raw handler interface (`onConnect`, `onHeaders`, `onData`,
 * `onComplete`, `onError`), the one its clients call internally: the newer `onResponse*`
 * interface is an adapter over it that parses every header line into an object first
 * (docs/performance.md, "The fast path", item 7).
 */
class Relay implements Dispatcher.DispatchHandler {
  private readonly started = performance.now();
  /** The upstream's status once its headers arrived; 0 before. */
  private status = 0;
  /** The relayed head while it waits for the first body byte or the end; null before and once written. */
  private head: string[] | null = null;
  private finished = false;
  private abort: ((reason?: Error) => void) | null = null;
  /** Undici's, to carry on once the client's socket has drained. */
  private resume: () => void = noop;
  /** The upstream's `Content-Length` while no body byte was relayed yet; -1 once one was, or without it. */
  private whole = -1;
  /** The body came in one chunk and was relayed with the response's `end`. */
  private endedWithBody = false;

  constructor(
    private readonly ex: Exchange,
    private readonly deps: ProxyDeps,
    /** The request has a body (undici reads it from `ex.req`). */
    private readonly hasBody: boolean,
    private readonly done: (status: number, error?: DomainError) => void,
  ) {
    // A ServerResponse emits `close` once it is done, finished or not.
    ex.res.once('close', this.clientClosed);
  }

  private readonly clientClosed = (): void => {
    if (this.finished) return;
    this.deps.logger.debug({ requestId: this.ex.requestId }, 'the client went away before the proxied answer ended');
    this.finish(this.status === 0 ? CLIENT_CLOSED_REQUEST : this.status);
    this.abort?.(new Error('the client went away'));
  };

  onConnect(abort: (reason?: Error) => void): void {
    if (this.finished) return abort(new Error('the client went away'));
    this.abort = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (this.finished || statusCode < 200) return true; // aborted already; 1xx answers are not relayed
    const { ex, deps } = this;
    deps.metrics.upstreamAnswered(ex.match.route.prefix, statusCode, (performance.now() - this.started) / 1000);
    const headers = relayedResponseHeaders(rawHeaders, ex.ours, deps.settings);
    this.whole = declaredLength(headers);
    this.head = headers;
    this.status = statusCode;
    this.resume = resume;
    return true;
  }

  /** Writes the waiting head; false (the exchange then ended with a 502) when Node refuses one of its values. */
  private writeHead(head: string[]): boolean {
    const { ex } = this;
    this.head = null;
    this.closeIfUploadUnread();
    try {
      ex.res.writeHead(this.status, head);
      return true;
    } catch (e) {
      // A header value Node refuses to send: nothing was written, the client gets a 502.
      this.deps.logger.warn({ err: e, requestId: ex.requestId }, 'upstream answer not relayable');
      this.finish(0, new DomainError('bad_gateway', 'the upstream answer could not be relayed'));
      this.abort?.(new Error('the upstream answer could not be relayed'));
      return false;
    }
  }

  /**
   * The answer closes the client's connection when its upload has not fully arrived: undici
   * let go of the request body when the exchange ended, so nothing would read the rest.
   */
  private closeIfUploadUnread(): void {
    if (this.hasBody && !this.ex.req.complete) this.ex.res.shouldKeepAlive = false;
  }

  onData(chunk: Buffer): boolean {
    if (this.finished) return true;
    if (this.head !== null && !this.writeHead(this.head)) return true;
    const { res } = this.ex;
    if (chunk.length === this.whole) {
      // The whole body in one chunk: headers and body leave in one `end`, which, unlike
      // `write`, schedules no tick to uncork the socket. `onComplete` follows at once.
      this.endedWithBody = true;
      res.end(chunk);
      return true;
    }
    this.whole = -1;
    if (res.write(chunk)) return true;
    res.once('drain', this.resume);
    return false;
  }

  onComplete(): void {
    if (this.finished) return;
    if (this.head !== null && !this.writeHead(this.head)) return;
    if (!this.endedWithBody) this.ex.res.end();
    this.finish(this.status);
  }

  onError(err: Error): void {
    if (this.finished) return;
    const { ex, deps } = this;
    if (this.head !== null && isBodilessLengthMismatch(this.status, err)) return this.onComplete();
    if (this.status !== 0 && this.head === null) {
      // Part of the answer went out: the client's connection is torn down, never a clean (truncated) end.
      ex.res.destroy();
      this.finish(this.status);
      return;
    }
    deps.logger.warn({ err, requestId: ex.requestId, upstream: ex.match.origin }, 'upstream request failed');
    const error = upstreamError(err);
    // An upstream that failed after its head was counted by that head's status already.
    if (this.status === 0) deps.metrics.upstreamAnswered(ex.match.route.prefix, error.code === 'gateway_timeout' ? 504 : 502, (performance.now() - this.started) / 1000);
    this.head = null;
    this.closeIfUploadUnread();
    this.finish(0, error);
  }

  private finish(status: number, error?: DomainError): void {
    this.finished = true;
    this.done(status, error);
  }
}
