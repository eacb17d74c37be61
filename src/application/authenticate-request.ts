import { AMR_PASSWORD } from '../domain/second-factor';
import { decideTokenCase } from '../domain/token-case';
import { type AccessClaims, type RefreshClaims, type TokenCheck, type TokenState } from '../domain/token';
import type { RevocationList } from '../domain/ports/revocation-list';
import type { TokenSigner } from '../domain/ports/token-signer';
import type { RotationPolicy } from '../domain/rotation-policy';
import type { RefreshTokenSpender } from './refresh-token-spender';
import type { RequestContext } from './settings';
import type { IssuedToken, TokenIssuer } from './token-issuer';
import type { Clock } from '../domain/ports/clock';
import { reject } from './errors';
import { isDomainError } from '../domain/errors';
import { NO_METRICS, type Metrics } from '../domain/ports/metrics';

/** The tokens a request carried; null when absent. */
export interface PresentedTokens {
  accessToken: string | null;
  refreshToken: string | null;
}

/**
 * Who the caller is, once the gate let them through. `exp` of the access token in force.
 * May be frozen and shared by every request with the same cached token: never modify one.
 */
export interface Identity {
  readonly sub: string;
  readonly username: string;
  readonly roles: readonly string[];
  readonly sid: string;
  readonly exp: number;
  /** How the session's login was done (RFC 8176): `["pwd"]` or `["pwd","otp"]`. */
  readonly amr: readonly string[];
}

export interface GateResult {
  identity: Identity;
  outcome: 'pass' | 'reissue_access' | 'reissue_refresh';
  /** The tokens that are new; the caller sends them back (cookies, headers). */
  reissued: { access?: IssuedToken; refresh?: IssuedToken };
  graceHit: boolean;
  /** `exp` of the refresh token the client holds after this request, when it sent or got one. */
  refreshExp: number | null;
  /** Claims of the refresh token presented (valid or expired), when there was one. */
  presentedRefresh: RefreshClaims | null;
}

type Checked<C> = { state: TokenState; claims: C | null };
type Verdict = { access: Checked<AccessClaims>; refresh: Checked<RefreshClaims>; outcome: ReturnType<typeof decideTokenCase> };

/** The per-request gate (SPEC §3), shared by the proxy, `/auth/verify` and `/auth/refresh`. */
export class AuthenticateRequest {
  constructor(
    private readonly signer: TokenSigner,
    private readonly revocations: RevocationList,
    private readonly spender: RefreshTokenSpender,
    private readonly issuer: TokenIssuer,
    private readonly rotation: RotationPolicy,
    private readonly clock: Clock,
    private readonly metrics: Metrics = NO_METRICS,
  ) {}

  async execute(tokens: PresentedTokens, ctx: RequestContext): Promise<GateResult> {
    try {
      const result = await this.apply(this.verdict(tokens), ctx);
      this.metrics.gateOutcome(result.outcome, result.graceHit);
      return result;
    } catch (e) {
      if (isDomainError(e)) this.metrics.gateOutcome(e.code, false);
      throw e;
    }
  }

  /**
   * The identity when the tokens pass with nothing to reissue and no storage to consult
   * (case 4, or a valid access token alone), counted as a pass; null for every other case,
   * which {@link execute} then decides. Synchronous and free of side effects otherwise, so
   * a caller may try it first and fall back to `execute` (the admission's fast branch).
   */
  passWithoutStorage(tokens: PresentedTokens): Identity | null {
    if (tokens.accessToken === null) return null;
    const v = this.verdict(tokens);
    if (v.outcome !== 'pass') return null;
    this.metrics.gateOutcome('pass', false);
    return identityOf(v.access.claims as AccessClaims);
  }

  /** The one reading of a request's tokens: each token's state and the decision table's outcome. */
  private verdict(tokens: PresentedTokens): Verdict {
    const access = this.check(tokens.accessToken, (t) => this.signer.verifyAccess(t));
    const refresh = this.check(tokens.refreshToken, (t) => this.signer.verifyRefresh(t));
    const sameSession =
      !access.claims || !refresh.claims ||
      (access.claims.sid === refresh.claims.sid && access.claims.sub === refresh.claims.sub);
    return { access, refresh, outcome: decideTokenCase({ access: access.state, refresh: refresh.state, sameSession }) };
  }

  private async apply(v: Verdict, ctx: RequestContext): Promise<GateResult> {
    const access = v.access.claims;
    const refresh = v.refresh.claims;
    switch (v.outcome) {
      case 'pass':
        return { identity: identityOf(access as AccessClaims), outcome: 'pass', reissued: {}, graceHit: false, refreshExp: refresh?.exp ?? null, presentedRefresh: refresh };
      case 'reissue_access':
        return this.reissueAccess(refresh as RefreshClaims, ctx);
      case 'reissue_refresh':
        return this.reissueRefresh(access as AccessClaims, refresh as RefreshClaims, ctx);
      default:
        throw reject(v.outcome);
    }
  }

  private async reissueAccess(claims: RefreshClaims, ctx: RequestContext): Promise<GateResult> {
    const spent = await this.spender.spend(claims, this.rotation.rotatesOn('reissue_access'), ctx);
    const access = this.issuer.access(spent.session, spent.user, this.clock.now());
    const identity: Identity = {
      sub: spent.user.id,
      username: spent.user.username,
      roles: [...spent.user.roles],
      sid: spent.session.id,
      exp: access.exp,
      amr: [...(spent.session.amr ?? AMR_PASSWORD)],
    };
    const reissued = spent.refresh ? { access, refresh: spent.refresh } : { access };
    return { identity, outcome: 'reissue_access', reissued, graceHit: spent.graceHit, refreshExp: spent.refresh?.exp ?? claims.exp, presentedRefresh: claims };
  }

  private async reissueRefresh(access: AccessClaims, claims: RefreshClaims, ctx: RequestContext): Promise<GateResult> {
    const spent = await this.spender.spend(claims, this.rotation.rotatesOn('reissue_refresh'), ctx);
    const reissued = spent.refresh ? { refresh: spent.refresh } : {};
    return { identity: identityOf(access), outcome: 'reissue_refresh', reissued, graceHit: spent.graceHit, refreshExp: spent.refresh?.exp ?? claims.exp, presentedRefresh: claims };
  }

  private check<C extends { sid: string }>(token: string | null, verify: (t: string) => TokenCheck<C>): Checked<C> {
    if (token === null) return { state: 'missing', claims: null };
    // The signer refuses an oversized or ill-shaped token before any cryptographic work
    // (the TokenSigner contract), and a cache in front of it answers a known token first.
    const result = verify(token);
    if (result.state === 'invalid') return { state: 'invalid', claims: null };
    if (this.revocations.isRevoked(result.claims.sid)) return { state: 'revoked', claims: result.claims };
    return result;
  }
}

/** Identities of shared (frozen) claims, made once: a token cache hands out the same claims on every hit. */
const sharedIdentities = new WeakMap<AccessClaims, Identity>();

function identityOf(c: AccessClaims): Identity {
  const shared = sharedIdentities.get(c);
  if (shared) return shared;
  if (!Object.isFrozen(c)) return { sub: c.sub, username: c.username, roles: [...c.roles], sid: c.sid, exp: c.exp, amr: [...(c.amr ?? AMR_PASSWORD)] };
  const identity = Object.freeze({ sub: c.sub, username: c.username, roles: Object.freeze([...c.roles]), sid: c.sid, exp: c.exp, amr: Object.freeze([...(c.amr ?? AMR_PASSWORD)]) });
  sharedIdentities.set(c, identity);
  return identity;
}
