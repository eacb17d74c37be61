import type { Clock } from '../domain/ports/clock';
import { reject } from './errors';
import type { AuthenticateRequest, PresentedTokens } from './authenticate-request';
import type { RefreshTokenSpender } from './refresh-token-spender';
import type { RequestContext } from './settings';

/** What `/auth/refresh` and `/auth/login` answer (SPEC §4 `TokenResponse`). */
export interface TokenGrant {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
  reissued: ('access' | 'refresh')[];
}

/**
 * `/auth/refresh`: the decision table applied to the tokens given; a refresh token is
 * required. Unlike a plain request, case 4 here still checks the refresh token against its
 * stored session (SPEC §3: spent tokens are caught on `/auth/refresh`), without rotating it.
 */
export class Refresh {
  constructor(
    private readonly gate: AuthenticateRequest,
    private readonly spender: RefreshTokenSpender,
    private readonly clock: Clock,
  ) {}

  /**
   * With `renew`, case 4 reissues the access token too: the decision table is applied again
   * to the refresh token alone (case 2: stored-session check, rotation by the policy), once
   * the pair has passed every rule that a pair must (signatures, same session, revocation).
   */
  async execute(tokens: PresentedTokens, ctx: RequestContext, options: { renew?: boolean } = {}): Promise<TokenGrant> {
    const refreshToken = tokens.refreshToken;
    if (refreshToken === null) throw reject('invalid_request', 'a refresh token is required');
    let result = await this.gate.execute(tokens, ctx);
    if (result.outcome === 'pass' && options.renew) {
      tokens = { accessToken: null, refreshToken };
      result = await this.gate.execute(tokens, ctx);
    } else if (result.outcome === 'pass' && result.presentedRefresh) {
      const spent = await this.spender.spend(result.presentedRefresh, false, ctx);
      if (spent.refresh) {
        result.reissued.refresh = spent.refresh;
        result.refreshExp = spent.refresh.exp;
      }
    }
    const nowSeconds = Math.floor(this.clock.now() / 1000);
    const { access, refresh } = result.reissued;
    return {
      accessToken: access?.token ?? (tokens.accessToken as string),
      expiresIn: Math.max(0, result.identity.exp - nowSeconds),
      refreshToken: refresh?.token ?? refreshToken,
      refreshExpiresIn: Math.max(0, (result.refreshExp ?? nowSeconds) - nowSeconds),
      reissued: [...(access ? ['access' as const] : []), ...(refresh ? ['refresh' as const] : [])],
    };
  }
}
