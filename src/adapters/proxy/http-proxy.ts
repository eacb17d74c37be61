import type { ServerResponse } from 'node:http';
import { settle, type Admission, type Admitted } from '../admission/admission';
import { failed, redirectAnswer, refusalAnswer, sendAnswer, securityHeaders } from '../admission/answers';
import { reissueHeaders } from '../admission/reissue-headers';
import type { RequestFacts } from '../admission/request-facts';
import type { TokenCookies } from '../http/cookies';
import { recordRequest } from '../http/request-log';
import { forward, type ProxyDeps } from './forward';

export interface HttpProxyDeps extends ProxyDeps {
  admission: Admission;
  cookies: TokenCookies;
  secureCookies: boolean;
}

/**
 * The writer of proxied HTTP (SPEC §5) on Node's response, without Koa: admission decides,
 * this forwards, redirects or refuses. Every answer after a reissue carries the reissued
 * tokens, a 403 for a missing role and a 502/504 included.
 */
export function httpProxy(deps: HttpProxyDeps): (facts: RequestFacts, res: ServerResponse) => void {
  const { admission, logger, metrics } = deps;
  const security = securityHeaders(deps.secureCookies);

  return (facts, res) => {
    const started = performance.now();
    const done = (status: number) =>
      recordRequest(logger, metrics, { group: 'proxy', hot: true, requestId: facts.requestId, method: facts.method, path: facts.canonical?.path ?? '-', status, ms: performance.now() - started });
    const answer = (a: Admitted): void => {
      const reissued = reissueHeaders(a.reissue, deps.cookies);
      const ours: [string, string][] = reissued.length === 0 ? [['x-request-id', facts.requestId]] : [['x-request-id', facts.requestId], ...reissued];
      if (a.kind === 'redirect') return done(sendAnswer(res, redirectAnswer(a.location, facts.requestId, [...security, ...ours.slice(1)])));
      if (a.kind === 'refuse') return done(sendAnswer(res, refusalAnswer(a.error, facts.requestId, [...security, ...ours.slice(1)])));
      forward({ req: facts.req, res, requestId: facts.requestId, client: facts.client, match: a.match, identity: a.identity, ours }, deps, (status, error) => {
        if (!error) return done(status);
        if (res.headersSent) return void res.destroy();
        done(sendAnswer(res, refusalAnswer(error, facts.requestId, [...security, ...ours.slice(1)])));
      });
    };
    settle(admission.proxy(facts, 'http'), answer, (e) => done(failed(res, e, facts.requestId, logger)));
  };
}
