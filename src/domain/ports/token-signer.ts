import type { AccessClaims, RefreshClaims, TokenCheck } from '../token';

/** Mints and verifies the two token kinds. Synchronous: it sits on every request. */
export interface TokenSigner {
  /** A signed access JWT (`typ: at+jwt`) with exactly these claims plus `iss`/`aud`. */
  signAccess(claims: AccessClaims): string;
  /** A signed refresh JWT (`typ: rt+jwt`). Same claims give the same token for HS/RS. */
  signRefresh(claims: RefreshClaims): string;
  /**
   * Never throws: `expired` only for a good signature past `exp`; anything else wrong is
   * `invalid`. A token that fails `hasTokenShape` (over 8 KB, or not three base64url
   * parts) is `invalid` without any cryptographic work (SPEC §4): callers rely on this.
   */
  verifyAccess(token: string): TokenCheck<AccessClaims>;
  /** Never throws; as {@link verifyAccess} for refresh tokens. */
  verifyRefresh(token: string): TokenCheck<RefreshClaims>;
}
