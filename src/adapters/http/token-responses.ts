import type { Context } from 'koa';
import type { GateResult } from '../../application/authenticate-request';
import type { TokenGrant } from '../../application/refresh';
import type { TokenCookies } from './cookies';
import type { RequestTokens } from './token-source';

/** Puts reissued tokens on a response: cookies always, headers when the request used headers. */
export function applyReissue(ctx: Context, result: GateResult, tokens: RequestTokens, cookies: TokenCookies): void {
  const { access, refresh } = result.reissued;
  if (access) {
    cookies.setAccess(ctx, access.token, access.expiresIn);
    if (tokens.viaHeader) ctx.set('X-Access-Token', access.token);
  }
  if (refresh) {
    cookies.setRefresh(ctx, refresh.token, refresh.expiresIn);
    if (tokens.viaHeader) ctx.set('X-Refresh-Token', refresh.token);
  }
  if (access || refresh) ctx.set('Cache-Control', 'no-store');
}

/** The `TokenResponse` body of login and refresh, with cookies for what is new. */
export function sendGrant(ctx: Context, grant: TokenGrant, cookies: TokenCookies, viaHeader: boolean): void {
  if (grant.reissued.includes('access')) {
    cookies.setAccess(ctx, grant.accessToken, grant.expiresIn);
    if (viaHeader) ctx.set('X-Access-Token', grant.accessToken);
  }
  if (grant.reissued.includes('refresh')) {
    cookies.setRefresh(ctx, grant.refreshToken, grant.refreshExpiresIn);
    if (viaHeader) ctx.set('X-Refresh-Token', grant.refreshToken);
  }
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Pragma', 'no-cache');
  ctx.status = 200;
  ctx.body = {
    tokenType: 'Bearer',
    accessToken: grant.accessToken,
    expiresIn: grant.expiresIn,
    refreshToken: grant.refreshToken,
    refreshExpiresIn: grant.refreshExpiresIn,
    reissued: grant.reissued,
  };
}
