import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Identity } from '../../application/authenticate-request';
import type { HttpDeps } from './deps';
import type { FastHandler } from './hot-path';
import { identityHeaders } from './identity-headers';
import { requestIdFor } from './request-context';
import { recordRequest } from './request-log';
import { isUnsafeMethod } from './csrf';
import { tokensFromRequest } from './token-source';

/** A passing answer but for its request id: the body, and the headers as [name, value, …]. */
interface Answer {
  body: string;
  headers: string[];
}

/**
 * The hot path of forward-auth: `/auth/verify` with tokens that pass as they are (case 4,
 * or a valid access token alone) is answered straight on Node's response, without Koa.
 * Everything else (no or bad tokens, a reissue, a CSRF or CORS check, another path) is left
 * to the Koa application, which answers exactly as before. Deciding has no side effects
 * (`AuthenticateRequest.passWithoutStorage`), so leaving it is always safe; the answer
 * carries the same status, headers and body as the Koa route's (a test compares them).
 */
export function fastVerify(deps: HttpDeps): FastHandler {
  const { settings, gate, metrics, logger } = deps;
  const verifyPath = `${settings.authPrefix}/verify`;
  const names = { access: settings.cookie.accessName, refresh: settings.cookie.refreshName };
  const corsConfigured = settings.corsOrigins.length > 0;
  const fixedHeaders: OutgoingHttpHeaders = {
    'cache-control': 'no-store',
    'content-type': 'application/json; charset=utf-8',
    'x-content-type-options': 'nosniff',
    ...(settings.cookie.secure ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
    ...(corsConfigured ? { vary: 'Origin' } : {}),
  };

  // A cached token's identity is frozen and shared (AuthenticateRequest): its answer is made once.
  const answers = new WeakMap<Identity, Answer>();

  const passes = (req: IncomingMessage): Identity | null => {
    if (req.method === 'OPTIONS') return null;
    if (corsConfigured && req.headers.origin !== undefined) return null;
    const tokens = tokensFromRequest(req, names);
    if (tokens.viaCookie && isUnsafeMethod(req.method)) return null;
    return gate.passWithoutStorage(tokens);
  };

  /** What the answer to one identity always is: the body and every header but the request id. */
  const answerFor = (identity: Identity): Answer => {
    const shared = Object.isFrozen(identity);
    const known = shared ? answers.get(identity) : undefined;
    if (known) return known;
    const body = JSON.stringify({ sub: identity.sub, username: identity.username, roles: identity.roles, sid: identity.sid });
    const headers: string[] = [];
    const named = { ...identityHeaders(identity), ...fixedHeaders, 'content-length': Buffer.byteLength(body) };
    for (const [name, value] of Object.entries(named)) headers.push(name, String(value));
    const answer = { body, headers };
    if (shared) answers.set(identity, answer);
    return answer;
  };

  return (req: IncomingMessage, res: ServerResponse, path: string) => {
    if (path !== verifyPath) return false;
    const started = performance.now();
    const identity = passes(req);
    if (!identity) return false;
    const requestId = requestIdFor(req.headers['x-request-id'] as string | undefined);
    const answer = answerFor(identity);
    res.writeHead(200, ['x-request-id', requestId, ...answer.headers]);
    res.end(answer.body);
    recordRequest(logger, metrics, { group: 'auth', hot: true, requestId, method: req.method, path, status: 200, ms: performance.now() - started });
    return true;
  };
}
