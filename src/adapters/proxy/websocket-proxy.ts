import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { DomainError, isDomainError } from '../../domain/errors';
import type { AuthenticateRequest, GateResult } from '../../application/authenticate-request';
import type { TokenCookies } from '../http/cookies';
import { ERROR_STATUS } from '../http/error-status';
import { identityHeaders } from '../http/identity-headers';
import { tokensFromRequest } from '../http/token-source';
import { upstreamRequestHeaders } from './forward-headers';
import type { ProxySettings } from './proxy-middleware';
import { writeRawResponse } from './raw-response';
import type { RouteTable } from './route-table';
import { canonicalPath, PathRefused, type CanonicalPath } from '../admission/canonical-path';
import type { SocketRegistry } from './socket-registry';

export interface WebSocketProxyDeps {
  routes: RouteTable;
  gate: AuthenticateRequest;
  cookies: TokenCookies;
  registry: SocketRegistry;
  settings: ProxySettings;
  logger: Logger;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Answers an upgrade with an error in SPEC §4's shape, then closes the socket. */
function refuse(socket: Duplex, error: DomainError, requestId: string): void {
  const status = ERROR_STATUS[error.code];
  const headers: [string, string][] = [['Content-Type', 'application/json'], ['X-Request-Id', requestId]];
  if (status === 401) headers.push(['WWW-Authenticate', `Bearer error="${error.code}"`]);
  writeRawResponse(socket, status, headers, JSON.stringify({ error: error.code, error_description: error.message }));
  socket.destroy();
}

/** A cookie-borne WebSocket handshake from a foreign page is cross-site WebSocket hijacking. */
function foreignOrigin(req: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (!origin) return false;
  if (allowed.includes(origin)) return false;
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true;
  }
}

/**
 * The `upgrade` handler: the same route table and decision table as plain requests, then
 * a byte pipe to the upstream. Connections are tracked by session so revocation closes them.
 */
export function websocketUpgradeHandler(deps: WebSocketProxyDeps) {
  const { settings } = deps;
  return async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    socket.on('error', () => socket.destroy());
    const given = String(req.headers['x-request-id'] ?? '');
    const requestId = REQUEST_ID.test(given) ? given : randomUUID();
    let url: CanonicalPath;
    try {
      url = canonicalPath(req.url ?? '/');
    } catch (e) {
      if (e instanceof PathRefused) return refuse(socket, new DomainError('invalid_request', e.message), requestId);
      throw e;
    }
    const match = deps.routes.match(url);
    if (!match) return refuse(socket, notFound(), requestId);
    let result: GateResult | null = null;
    if (!match.route.public) {
      const tokens = tokensFromRequest(req, deps.cookies.names);
      if (tokens.viaCookie && foreignOrigin(req, settings.corsOrigins)) return refuse(socket, forbidden('cross-origin WebSocket refused'), requestId);
      try {
        result = await deps.gate.execute(tokens, { ip: req.socket.remoteAddress ?? null, userAgent: req.headers['user-agent'] ?? null, requestId });
      } catch (e) {
        if (isDomainError(e)) return refuse(socket, e, requestId);
        deps.logger.error({ err: e, requestId }, 'websocket authentication failed');
        return refuse(socket, internal(), requestId);
      }
      const roles = match.route.roles;
      if (roles && !roles.some((r) => result?.identity.roles.includes(r))) return refuse(socket, forbidden('this route needs a role you do not have'), requestId);
    }
    const headers = upstreamRequestHeaders(req.headers, {
      forwardTokens: settings.forwardTokens,
      accessCookie: settings.accessCookie,
      refreshCookie: settings.refreshCookie,
      add: {
        'x-request-id': requestId,
        'x-forwarded-for': req.socket.remoteAddress ?? '',
        'x-forwarded-proto': 'http',
        'x-forwarded-host': req.headers.host ?? '',
        ...(result ? identityHeaders(result.identity) : {}),
        connection: 'Upgrade',
        upgrade: String(req.headers.upgrade ?? 'websocket'),
      },
    });
    // The origin comes only from the route; the client's path is only ever a path (SPEC §5).
    const upstream = match.route.upstream;
    const client = upstream.protocol === 'https:' ? https : http;
    const upstreamReq = client.request({
      protocol: upstream.protocol,
      hostname: upstream.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: upstream.port || undefined,
      path: match.upstreamPath,
      method: req.method,
      headers,
      timeout: settings.upstreamTimeoutMs,
    });
    upstreamReq.on('timeout', () => upstreamReq.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    upstreamReq.on('error', (e) => {
      deps.logger.warn({ err: e, requestId }, 'websocket upstream failed');
      if (!socket.destroyed) refuse(socket, badGateway(), requestId);
    });
    upstreamReq.on('response', (res) => {
      const pairs: [string, string][] = [];
      for (let i = 0; i < res.rawHeaders.length; i += 2) pairs.push([res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string]);
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        writeRawResponse(socket, res.statusCode ?? 502, pairs.filter(([n]) => !/^(content-length|connection|transfer-encoding)$/i.test(n)), Buffer.concat(chunks).toString());
        socket.destroy();
      });
    });
    upstreamReq.on('upgrade', (res, upstreamSocket, upstreamHead) => {
      upstreamReq.setTimeout(0);
      const pairs: [string, string][] = [];
      for (let i = 0; i < res.rawHeaders.length; i += 2) pairs.push([res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string]);
      pairs.push(['X-Request-Id', requestId], ...reissueCookies(result, deps.cookies));
      writeRawResponse(socket, 101, pairs);
      if (upstreamHead.length) socket.write(upstreamHead);
      if (head.length) upstreamSocket.write(head);
      upstreamSocket.on('error', () => socket.destroy());
      upstreamSocket.pipe(socket).pipe(upstreamSocket);
      socket.once('close', () => upstreamSocket.destroy());
      upstreamSocket.once('close', () => socket.destroy());
      deps.registry.track(result?.identity.sid ?? null, socket, upstreamSocket);
    });
    upstreamReq.end();
  };
}

function reissueCookies(result: GateResult | null, cookies: TokenCookies): [string, string][] {
  if (!result) return [];
  return cookies.serializeReissue(result.reissued).map((c) => ['Set-Cookie', c] as [string, string]);
}

const notFound = () => new DomainError('not_found', 'no route for this path');
const forbidden = (m: string) => new DomainError('forbidden', m);
const badGateway = () => new DomainError('bad_gateway', 'the upstream could not be reached');
const internal = () => new DomainError('internal_error', 'internal error');
