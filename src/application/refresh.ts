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

  async execute(tokens: PresentedTokens, ctx: RequestContext): Promise<TokenGrant> {
    if (tokens.refreshToken === null) throw reject('invalid_request', 'a refresh token is required');
    const result = await this.gate.execute(tokens, ctx);
    if (result.outcome === 'pass' && result.presentedRefresh) {
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
      refreshToken: refresh?.token ?? tokens.refreshToken,
      refreshExpiresIn: Math.max(0, (result.refreshExp ?? nowSeconds) - nowSeconds),
      reissued: [...(access ? ['access' as const] : []), ...(refresh ? ['refresh' as const] : [])],
    };
  }
}
