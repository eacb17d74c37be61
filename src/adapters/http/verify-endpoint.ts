import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Identity } from '../../application/authenticate-request';
import { settle, type Admission, type Verified } from '../admission/admission';
import { failed, prefersMinimal, refusalAnswer, securityHeaders, sendAnswer, verifyAnswer } from '../admission/answers';
import { reissueHeaders } from '../admission/reissue-headers';
import type { RequestFacts } from '../admission/request-facts';
import type { TokenCookies } from './cookies';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { recordRequest } from './request-log';

export interface VerifyEndpointDeps {
  admission: Admission;
  cookies: TokenCookies;
  logger: Logger;
  metrics: GatewayMetrics;
  secureCookies: boolean;
  /** With `CORS_ORIGINS`, a cross-origin or preflight verify is Koa's (its CORS middleware answers it). */
  corsOrigins: readonly string[];
}

/**
 * The writer of forward-auth (`/auth/verify`, any method) on Node's response: admission's
 * verdict as SPEC §4's answer. Returns false, having written nothing, for a request whose
 * CORS headers Koa's middleware must add; Koa's route then answers through the same admission.
 */
export function verifyEndpoint(deps: VerifyEndpointDeps): (facts: RequestFacts, res: ServerResponse) => boolean {
  const { admission, logger, metrics } = deps;
  const cors = deps.corsOrigins.length > 0;
  // As Koa answers: its CORS middleware adds `Vary: Origin` to every answer under the prefix.
  const fixed: [string, string][] = [...securityHeaders(deps.secureCookies), ...(cors ? [['vary', 'Origin'] as [string, string]] : [])];
  // A cached token's identity is frozen and shared (AuthenticateRequest): its answers are made once.
  const answers = [new WeakMap<Identity, Made>(), new WeakMap<Identity, Made>()];
  const answerFor = (identity: Identity, minimal: boolean): Made => {
    const shared = Object.isFrozen(identity);
    const cache = answers[minimal ? 1 : 0] as WeakMap<Identity, Made>;
    let answer = shared ? cache.get(identity) : undefined;
    if (!answer) {
      const made = verifyAnswer(identity, minimal);
      answer = { headers: [...made.headers, ...fixed], body: made.body };
      if (shared) cache.set(identity, answer);
    }
    return answer;
  };

  return (facts, res) => {
    if (cors && (facts.method === 'OPTIONS' || facts.req.headers.origin !== undefined)) return false;
    const started = performance.now();
    const write = (v: Verified): void => {
      const ours = reissueHeaders(v.reissue, deps.cookies);
      const status =
        v.kind === 'pass'
          ? sendAnswer(res, withRequestId(answerFor(v.identity, prefersMinimal(facts.req)), facts.requestId, ours))
          : sendAnswer(res, refusalAnswer(v.error, facts.requestId, [...fixed, ...ours]));
      recordRequest(logger, metrics, { group: 'auth', hot: true, requestId: facts.requestId, method: facts.method, path: facts.canonical?.path ?? '-', status, ms: performance.now() - started });
    };
    settle(admission.verify(facts, 'forward-auth'), write, (e) => failed(res, e, facts.requestId, logger));
    return true;
  };
}

type Made = { headers: [string, string][]; body: string };

function withRequestId(answer: Made, requestId: string, ours: [string, string][]) {
  const headers: [string, string][] = [['x-request-id', requestId], ...answer.headers];
  for (const header of ours) if (header[0] !== 'cache-control') headers.push(header); // the answer says no-store already
  return { status: 200, headers, body: answer.body };
}
