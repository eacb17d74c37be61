import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { DomainError } from '../../domain/errors';
import { settle, type Admission, type Admitted } from '../admission/admission';
import { refusalAnswer, securityHeaders, sendAnswerOnSocket } from '../admission/answers';
import { reissueHeaders } from '../admission/reissue-headers';
import type { RequestFacts } from '../admission/request-facts';
import type { TokenCookies } from '../http/cookies';
import { recordRequest } from '../http/request-log';
import { CLIENT_CLOSED_REQUEST, exchangeRequestHeaders, type ProxyDeps } from './forward';
import { headerObject, relayedResponseHeaders, relayedUpgradeHeaders } from './forward-headers';
import { writeRawResponse } from './raw-response';
import type { SocketRegistry } from './socket-registry';
import { upstreamError } from './upstream-errors';

export interface WebSocketProxyDeps extends ProxyDeps {
  admission: Admission;
  cookies: TokenCookies;
  registry: SocketRegistry;
  secureCookies: boolean;
  /** The server's `request` listener: what an upgrade other than WebSocket is answered by. */
  plainHttp: (req: IncomingMessage, res: ServerResponse) => void;
}

/** Only `Upgrade: websocket` (any letter case) is tunnelled (SPEC §5). */
const isWebSocket = (req: IncomingMessage): boolean => (req.headers.upgrade ?? '').trim().toLowerCase() === 'websocket';

const pairsOf = (raw: readonly string[]): [string, string][] => {
  const out: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i] as string, raw[i + 1] as string]);
  return out;
};

/**
 * The server's `upgrade` listener, a writer of admission's result on a raw socket: a 101
 * tunnel to the route's upstream, or a refusal. Reissued tokens ride on every answer (101,
 * 403, 502/504, the upstream's own non-101 answer, which is streamed). Connections are
 * tracked by session so revocation closes them. Other upgrades (`h2c`…) are answered as the
 * plain HTTP request they also are, their `Upgrade` dropped as hop-by-hop.
 */
export function websocketUpgradeHandler(deps: WebSocketProxyDeps) {
  const { admission, settings, logger, metrics } = deps;
  const security = securityHeaders(deps.secureCookies);

  const refuse = (socket: Duplex, facts: RequestFacts, error: DomainError, ours: [string, string][]): number =>
    sendAnswerOnSocket(socket, refusalAnswer(error, facts.requestId, [...security, ...ours]));

  const tunnel = (a: Admitted & { kind: 'forward' }, socket: Duplex, head: Buffer, done: (status: number) => void): void => {
    const { facts, match } = a;
    // Gone while admission waited for storage: nothing to open a tunnel for.
    if (socket.destroyed) return done(CLIENT_CLOSED_REQUEST);
    const ours = reissueHeaders(a.reissue, deps.cookies);
    const headers = headerObject([...exchangeRequestHeaders({ req: facts.req, requestId: facts.requestId, client: facts.client, identity: a.identity }, settings), 'connection', 'Upgrade', 'upgrade', 'websocket']);
    // The origin comes only from the route; the client's path is only ever a path (SPEC §5).
    const upstream = match.route.upstream;
    const started = performance.now();
    const upstreamReq = (upstream.protocol === 'https:' ? https : http).request({
      protocol: upstream.protocol,
      hostname: upstream.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: upstream.port || undefined,
      path: match.upstreamPath,
      method: facts.method,
      headers,
      timeout: settings.upstreamTimeoutMs,
    });
    const answered = (status: number) => metrics.upstreamAnswered(match.route.prefix, status, (performance.now() - started) / 1000);
    // A client gone before the upstream answers (or while a declined answer streams) takes the
    // upstream request with it, rather than holding it until the answer or `UPSTREAM_TIMEOUT`
    // (docs/security.md §15). The server keeps sockets half-open, so a client's FIN is an
    // `end`, not a `close`; a WebSocket client never half-closes a handshake.
    const gone = (): void => {
      upstreamReq.destroy();
      socket.destroy();
    };
    socket.once('end', gone);
    socket.once('close', gone);
    upstreamReq.on('timeout', () => upstreamReq.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    upstreamReq.on('error', (e) => {
      if (socket.destroyed) return done(CLIENT_CLOSED_REQUEST);
      logger.warn({ err: e, requestId: facts.requestId }, 'websocket upstream failed');
      const error = upstreamError(e);
      answered(error.code === 'gateway_timeout' ? 504 : 502);
      if (!socket.destroyed) done(refuse(socket, facts, error, ours));
    });
    upstreamReq.on('response', (res) => {
      // The upstream declined the upgrade: its answer is relayed as it streams, then the connection closes.
      const status = res.statusCode ?? 502;
      answered(status);
      const head = pairsOf(relayedResponseHeaders(res.rawHeaders, [['x-request-id', facts.requestId], ...ours], settings));
      writeRawResponse(socket, status, [...head, ['connection', 'close']], '', { streamed: true });
      res.pipe(socket);
      res.once('error', () => socket.destroy());
      done(status);
    });
    upstreamReq.on('upgrade', (res, upstreamSocket, upstreamHead) => {
      // From here on the tunnel's own listeners and pipes carry a close or a half-close.
      socket.off('end', gone);
      socket.off('close', gone);
      upstreamReq.setTimeout(0);
      answered(101);
      const own: [string, string][] = [['x-request-id', facts.requestId], ...ours];
      writeRawResponse(socket, 101, [...pairsOf(relayedUpgradeHeaders(res.rawHeaders, own, settings)), ...own]);
      if (upstreamHead.length) socket.write(upstreamHead);
      if (head.length) upstreamSocket.write(head);
      upstreamSocket.on('error', () => socket.destroy());
      upstreamSocket.pipe(socket).pipe(upstreamSocket);
      socket.once('close', () => upstreamSocket.destroy());
      upstreamSocket.once('close', () => socket.destroy());
      deps.registry.track(a.identity?.sid ?? null, socket, upstreamSocket);
      done(101);
    });
    upstreamReq.end();
  };

  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    if (!isWebSocket(req)) return asPlainHttp(req, socket, deps);
    const facts = admission.read(req);
    const started = performance.now();
    const done = (status: number) =>
      recordRequest(logger, metrics, { group: 'proxy', hot: false, requestId: facts.requestId, method: facts.method, path: facts.canonical?.path ?? '-', status, ms: performance.now() - started });
    if (admission.owns(facts)) return done(refuse(socket, facts, new DomainError('not_found', 'tokengate endpoints take no WebSocket'), []));
    const answer = (a: Admitted): void => {
      if (a.kind === 'forward') return tunnel(a, socket, head, done);
      if (a.kind === 'refuse') return done(refuse(socket, facts, a.error, reissueHeaders(a.reissue, deps.cookies)));
      done(refuse(socket, facts, new DomainError('login_required', 'log in first'), []));
    };
    settle(admission.proxy(facts, 'websocket'), answer, (e) => {
      logger.error({ err: e, requestId: facts.requestId }, 'unhandled error');
      done(socket.destroyed ? 0 : refuse(socket, facts, new DomainError('internal_error', 'internal error'), []));
    });
  };
}

/** An `Upgrade` other than WebSocket: the request is answered as plain HTTP on the same socket, then closed. */
function asPlainHttp(req: IncomingMessage, socket: Duplex, deps: WebSocketProxyDeps): void {
  const bodied = (req.headers['content-length'] ?? '0') !== '0' || req.headers['transfer-encoding'] !== undefined;
  if (bodied) {
    // Node stops parsing at an upgrade's head: a body here would have to be re-framed by hand.
    const facts = deps.admission.read(req);
    sendAnswerOnSocket(socket, refusalAnswer(new DomainError('invalid_request', 'only Upgrade: websocket is supported on a request with a body'), facts.requestId, []));
    return;
  }
  const res = new http.ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Socket);
  res.once('finish', () => {
    res.detachSocket(socket as Socket);
    socket.end();
  });
  deps.plainHttp(req, res);
}
