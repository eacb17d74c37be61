import type { Context } from 'koa';
import type { Identity } from '../../application/authenticate-request';
import type { Admission } from '../admission/admission';
import { reissueHeaders } from '../admission/reissue-headers';
import type { TokenCookies } from './cookies';
import { setHeaders } from './token-responses';

/**
 * Authenticates a request to one of tokengate's own endpoints through the one admission
 * (CSRF for cookie-borne tokens, then SPEC §3), puts any reissued tokens on the response,
 * and throws the refusal for the error middleware.
 */
export async function runGate(ctx: Context, admission: Admission, cookies: TokenCookies, purpose: 'forward-auth' | 'own' = 'own'): Promise<Identity> {
  const verdict = await admission.verify(admission.read(ctx.req, String(ctx.state.requestId)), purpose);
  setHeaders(ctx, reissueHeaders(verdict.reissue, cookies));
  if (verdict.kind === 'refuse') throw verdict.error;
  return verdict.identity;
}
