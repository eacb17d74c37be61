import type { Context } from 'koa';
import type { TokenGrant } from '../../application/refresh';
import { reissueHeaders } from '../admission/reissue-headers';
import type { TokenCookies } from './cookies';

/** Puts `[name, value]` headers on a Koa response; `Set-Cookie` lines add up. */
export function setHeaders(ctx: Context, headers: readonly [string, string][]): void {
  for (const [name, value] of headers) {
    if (name === 'set-cookie') ctx.append('Set-Cookie', value);
    else ctx.set(name, value);
  }
}

/** The `TokenResponse` body of login and refresh, with cookies (and headers) for what is new. */
export function sendGrant(ctx: Context, grant: TokenGrant, cookies: TokenCookies, viaHeader: boolean): void {
  const tokens = {
    ...(grant.reissued.includes('access') ? { access: { token: grant.accessToken, expiresIn: grant.expiresIn } } : {}),
    ...(grant.reissued.includes('refresh') ? { refresh: { token: grant.refreshToken, expiresIn: grant.refreshExpiresIn } } : {}),
  };
  setHeaders(ctx, reissueHeaders({ tokens, viaHeader }, cookies));
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
