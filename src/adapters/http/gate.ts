import type { Context } from 'koa';
import type { AuthenticateRequest, Identity } from '../../application/authenticate-request';
import type { TokenCookies } from './cookies';
import { assertSameOrigin } from './csrf';
import { requestContext } from './request-context';
import { readTokens } from './token-source';
import { applyReissue } from './token-responses';

/**
 * Runs the decision table for a request (CSRF check first for cookie-borne tokens, so a
 * forged request never rotates anything) and puts any reissued tokens on the response.
 */
export async function runGate(
  ctx: Context,
  gate: AuthenticateRequest,
  cookies: TokenCookies,
  corsOrigins: readonly string[],
): Promise<Identity> {
  const tokens = readTokens(ctx, cookies);
  if (tokens.viaCookie) assertSameOrigin(ctx, corsOrigins);
  const result = await gate.execute(tokens, requestContext(ctx));
  applyReissue(ctx, result, tokens, cookies);
  ctx.state.reissued = result.reissued.access !== undefined || result.reissued.refresh !== undefined;
  return result.identity;
}
