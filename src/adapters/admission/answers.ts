import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { Identity } from '../../application/authenticate-request';
import { DomainError } from '../../domain/errors';
import { errorAnswer } from '../http/error-middleware';
import { identityHeaders } from '../http/identity-headers';
import { writeRawResponse } from '../proxy/raw-response';

/** A whole answer tokengate itself writes (not the upstream's): what every writer sends. */
export interface Answer {
  status: number;
  /** Lower-case names; `set-cookie` may repeat. */
  headers: [string, string][];
  body: string;
}

const JSON_TYPE: [string, string] = ['content-type', 'application/json; charset=utf-8'];

/** The security headers of tokengate's own answers (the Koa endpoints and the admission writers). */
export function securityHeaders(secureCookies: boolean): [string, string][] {
  const out: [string, string][] = [['x-content-type-options', 'nosniff']];
  if (secureCookies) out.push(['strict-transport-security', 'max-age=31536000; includeSubDomains']);
  return out;
}

/** SPEC §4's error answer (status, JSON body, `WWW-Authenticate`/`Retry-After`/`Allow`), plus `extra` headers. */
export function refusalAnswer(error: DomainError, requestId: string, extra: readonly [string, string][]): Answer {
  const shape = errorAnswer(error);
  const headers: [string, string][] = [['x-request-id', requestId], JSON_TYPE, ...extra];
  for (const [name, value] of Object.entries(shape.headers)) headers.push([name.toLowerCase(), value]);
  return { status: shape.status, headers, body: JSON.stringify(shape.body) };
}

/** A browser navigation sent to the login page (SPEC §5). */
export function redirectAnswer(location: string, requestId: string, extra: readonly [string, string][]): Answer {
  return {
    status: 302,
    headers: [['x-request-id', requestId], ['location', location], ['content-type', 'text/plain; charset=utf-8'], ...extra],
    body: `Redirecting to ${location}.`,
  };
}

/**
 * RFC 7240 `Prefer: return=minimal`: the caller wants the status and headers only. Forward-auth
 * proxies should send it: nginx's `auth_request` never reads the answer's body, and after a
 * body it cannot keep the connection to tokengate alive.
 */
export function prefersMinimal(req: IncomingMessage): boolean {
  const prefer = req.headers.prefer;
  return prefer !== undefined && /(?:^|[,;\s])return\s*=\s*"?minimal"?(?:$|[,;\s])/i.test(String(prefer));
}

/**
 * `/auth/verify`'s passing answer but for its request id: identity headers and the JSON body
 * (SPEC §4), or no body when the caller {@link prefersMinimal}.
 */
export function verifyAnswer(identity: Identity, minimal = false): { headers: [string, string][]; body: string } {
  const identityLines = identityHeaders(identity);
  const headers: [string, string][] = [];
  for (let i = 0; i + 1 < identityLines.length; i += 2) headers.push([identityLines[i]!, identityLines[i + 1]!]);
  headers.push(['cache-control', 'no-store']);
  if (minimal) {
    headers.push(['preference-applied', 'return=minimal']);
    return { headers, body: '' };
  }
  headers.push(JSON_TYPE);
  return { headers, body: JSON.stringify({ sub: identity.sub, username: identity.username, roles: identity.roles, sid: identity.sid }) };
}

/** Writes an answer on Node's response in one `writeHead`. */
export function sendAnswer(res: ServerResponse, answer: Answer): number {
  const flat: string[] = [];
  for (const [name, value] of answer.headers) flat.push(name, value);
  flat.push('content-length', String(Buffer.byteLength(answer.body)));
  res.writeHead(answer.status, flat);
  res.end(answer.body);
  return answer.status;
}

/**
 * After an unexpected failure in a writer: logged with the request id, then a generic 500 when
 * nothing was written yet, else the connection is cut (the status is then 0).
 */
export function failed(res: ServerResponse, error: unknown, requestId: string, logger: Logger): number {
  logger.error({ err: error, requestId }, 'unhandled error');
  if (res.headersSent) {
    res.destroy();
    return 0;
  }
  return sendAnswer(res, refusalAnswer(new DomainError('internal_error', 'internal error'), requestId, []));
}

/** Writes an answer on an upgrade's raw socket, then closes it. */
export function sendAnswerOnSocket(socket: Duplex, answer: Answer): number {
  writeRawResponse(socket, answer.status, answer.headers, answer.body);
  socket.end();
  setTimeout(() => socket.destroy(), 1000).unref();
  return answer.status;
}
