import type { PresentedTokens } from '../../src/application/authenticate-request';
import type { AppHarness } from './app-harness';
import { forgeWithWrongKey, jtiOf } from './token-forgery';

/** The states a client can present a token in (`revoked` is a server-side verdict). */
export type Presented = 'valid' | 'expired' | 'missing' | 'invalid';
export const PRESENTED: readonly Presented[] = ['valid', 'expired', 'missing', 'invalid'];

export const ALICE = { username: 'alice', password: 'correct horse battery staple', roles: ['reader'] } as const;

export interface Arranged {
  tokens: PresentedTokens;
  userId: string;
  sessionId: string;
  /** The login's tokens, whatever was presented. */
  loginAccess: string;
  loginRefresh: string;
  /** `jti` of the session's refresh token at arrangement time. */
  refreshJti: string;
}

/**
 * Logs alice in, then moves the clock and picks tokens so that each is in the asked state:
 * `expired` = genuine but past `exp` + CLOCK_SKEW; `invalid` = the genuine claims signed
 * with a wrong key. A `valid` access token beside an expired refresh token is minted by the
 * real issuer after the clock moved (as case 2 would have handed it out).
 */
export async function arrangeTokens(h: AppHarness, access: Presented, refresh: Presented): Promise<Arranged> {
  const user = await h.addUser(ALICE.username, ALICE.password, [...ALICE.roles]);
  const login = await h.login(ALICE.username, ALICE.password);
  const { accessTokenTtl, refreshTokenTtl, clockSkew } = h.settings;
  if (refresh === 'expired') h.advanceSeconds(refreshTokenTtl + clockSkew + 1);
  else if (access === 'expired') h.advanceSeconds(accessTokenTtl + clockSkew + 1);
  const fresh = h.clock.now() === (await h.session(login.sessionId)).createdAt
    ? login.accessToken
    : await h.mintAccess(login.sessionId);
  const tokens: PresentedTokens = {
    accessToken: pick(access, { valid: fresh, expired: login.accessToken, invalid: forgeWithWrongKey(fresh, h.clock) }),
    refreshToken: pick(refresh, {
      valid: login.refreshToken,
      expired: login.refreshToken,
      invalid: forgeWithWrongKey(login.refreshToken, h.clock),
    }),
  };
  return {
    tokens,
    userId: user.id,
    sessionId: login.sessionId,
    loginAccess: login.accessToken,
    loginRefresh: login.refreshToken,
    refreshJti: jtiOf(login.refreshToken),
  };
}

function pick(state: Presented, tokens: Record<Exclude<Presented, 'missing'>, string>): string | null {
  return state === 'missing' ? null : tokens[state];
}
