import type { TokenCookies } from '../http/cookies';

/** A token to hand the client, with its lifetime in seconds. */
export interface NewToken {
  token: string;
  expiresIn: number;
}

/** Tokens a gate run (or a login or refresh) issued, and whether the request carried tokens in headers. */
export interface Reissue {
  tokens: { access?: NewToken; refresh?: NewToken };
  viaHeader: boolean;
}

export const NO_REISSUE: Reissue = Object.freeze({ tokens: Object.freeze({}), viaHeader: false });

/**
 * The one serialisation of reissued tokens (SPEC §4), for every answer that follows a
 * reissue, refusals included: `Set-Cookie` always, `X-Access-Token`/`X-Refresh-Token` when
 * the request used headers, and `Cache-Control: no-store`. Empty when nothing was reissued.
 */
export function reissueHeaders(reissue: Reissue, cookies: TokenCookies): [string, string][] {
  const { access, refresh } = reissue.tokens;
  if (!access && !refresh) return [];
  const out: [string, string][] = cookies.serializeReissue(reissue.tokens).map((c): [string, string] => ['set-cookie', c]);
  if (reissue.viaHeader) {
    if (access) out.push(['x-access-token', access.token]);
    if (refresh) out.push(['x-refresh-token', refresh.token]);
  }
  out.push(['cache-control', 'no-store']);
  return out;
}
