import jwt from 'jsonwebtoken';
import type { Clock } from '../../domain/ports/clock';
import type { MfaTokenSigner } from '../../domain/ports/mfa-token-signer';
import type { TokenSigner } from '../../domain/ports/token-signer';
import { hasTokenShape, type AccessClaims, type MfaClaims, type RefreshClaims, type TokenCheck } from '../../domain/token';
import { accessPayload, InvalidToken, mfaPayload, refreshPayload, toAccessClaims, toMfaClaims, toRefreshClaims, type Payload } from './jwt-claims';
import { checkHeader } from './jwt-header';
import { signingKeys, type SigningKeyOptions, type SigningKeys } from './signing-keys';

export interface JwtTokenSignerOptions extends SigningKeyOptions {
  issuer: string;
  audience: string;
  clockSkewSeconds: number;
  clock: Clock;
}

const ACCESS_TYP = 'at+jwt';
const REFRESH_TYP = 'rt+jwt';
const MFA_TYP = 'mfa+jwt';

/**
 * The `aud` of an mfaToken: never `JWT_AUDIENCE`, so that a service which checks a token
 * through JWKS by its `iss` and `aud` but not its `typ` refuses an mfaToken (a right password
 * alone) instead of taking it for an access token.
 */
export const mfaAudience = (audience: string): string => `tokengate-mfa:${audience}`;

/**
 * HS256/RS256/ES256 tokens on jsonwebtoken. One key signs, with its `kid` in every header;
 * the previous keys still verify the tokens that name them (SPEC §10). Keys are turned into
 * KeyObjects once, here.
 */
export class JwtTokenSigner implements TokenSigner, MfaTokenSigner {
  private readonly keys: SigningKeys;

  constructor(private readonly options: JwtTokenSignerOptions) {
    this.keys = signingKeys(options);
  }

  signAccess(claims: AccessClaims): string {
    return this.sign(accessPayload(claims, this.options.issuer, this.options.audience), ACCESS_TYP);
  }

  signRefresh(claims: RefreshClaims): string {
    return this.sign(refreshPayload(claims, this.options.issuer, this.options.audience), REFRESH_TYP);
  }

  verifyAccess(token: string): TokenCheck<AccessClaims> {
    return this.verify(token, ACCESS_TYP, toAccessClaims);
  }

  verifyRefresh(token: string): TokenCheck<RefreshClaims> {
    return this.verify(token, REFRESH_TYP, toRefreshClaims);
  }

  signMfa(claims: MfaClaims): string {
    return this.sign(mfaPayload(claims, this.options.issuer, mfaAudience(this.options.audience)), MFA_TYP);
  }

  verifyMfa(token: string): TokenCheck<MfaClaims> {
    return this.verify(token, MFA_TYP, toMfaClaims, mfaAudience(this.options.audience));
  }

  /** The public keys for `/.well-known/jwks.json`, current first; null for HS256 (nothing to publish). */
  jwks(): { keys: object[] } | null {
    return this.keys.jwks.length > 0 ? { keys: this.keys.jwks.map((k) => ({ ...k })) } : null;
  }

  /**
   * No `noTimestamp`: jsonwebtoken would delete our `iat`; without it, it keeps a non-zero
   * `iat` from the payload. Nothing else varies, so equal claims give byte-identical HS/RS tokens.
   */
  private sign(payload: Payload, typ: string): string {
    if (!((payload.iat as number) > 0)) throw new Error('iat must be a positive number of seconds');
    const header = { alg: this.options.algorithm, typ, kid: this.keys.kid };
    return jwt.sign(payload, this.keys.signKey, { algorithm: this.options.algorithm, header });
  }

  private verify<C extends { iat: number; exp: number }>(
    token: string,
    typ: string,
    toClaims: (p: Payload) => C,
    audience: string = this.options.audience,
  ): TokenCheck<C> {
    try {
      if (typeof token !== 'string' || !hasTokenShape(token)) throw new InvalidToken('malformed token');
      const { algorithm, issuer, clockSkewSeconds: skew } = this.options;
      const kid = checkHeader(token, { alg: algorithm, typ });
      const key = kid === null ? this.keys.currentVerifyKey : this.keys.verifyKeys.get(kid);
      if (!key) throw new InvalidToken('unknown kid');
      const now = Math.floor(this.options.clock.now() / 1000);
      // Expiry is judged below, so that only an otherwise valid token can be `expired`.
      const payload = jwt.verify(token, key, {
        algorithms: [algorithm],
        issuer,
        audience,
        clockTolerance: skew,
        clockTimestamp: now,
        ignoreExpiration: true,
      });
      if (typeof payload !== 'object' || payload === null) throw new InvalidToken('payload is not an object');
      const claims = toClaims(payload as Payload);
      if (claims.iat > now + skew) throw new InvalidToken('issued in the future');
      return { state: now >= claims.exp + skew ? 'expired' : 'valid', claims };
    } catch (e) {
      return { state: 'invalid', reason: e instanceof Error ? e.message : 'unverifiable token' };
    }
  }
}
