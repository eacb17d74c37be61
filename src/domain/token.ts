/** The two token kinds; never interchangeable. */
export type TokenKind = 'access' | 'refresh';

/** Every state a presented token can be in (SPEC §3). */
export type TokenState = 'valid' | 'expired' | 'missing' | 'invalid' | 'revoked';

/** Claims of an access token. Times are seconds since the epoch, as in JWT. */
export interface AccessClaims {
  sub: string;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
  roles: string[];
  /** The display username, so the gate needs no storage query to name the caller. */
  username: string;
  /** How the session was established (RFC 8176): `["pwd"]` or `["pwd","otp"]`; absent on older tokens. */
  amr?: string[];
}

/** Claims of an mfaToken: the password was right, the second step is pending. Seconds. */
export interface MfaClaims {
  sub: string;
  jti: string;
  iat: number;
  exp: number;
}

/** Claims of a refresh token. Times are seconds since the epoch. */
export interface RefreshClaims {
  sub: string;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
}

/** Result of a cryptographic check: `expired` means a good signature past `exp`. */
export type TokenCheck<C> =
  | { state: 'valid' | 'expired'; claims: C }
  | { state: 'invalid'; reason: string };

/** Largest token accepted for verification (SPEC §4). */
export const MAX_TOKEN_LENGTH = 8192;

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Cheap pre-check run before any verification: size and three base64url parts. */
export function hasTokenShape(token: string): boolean {
  return token.length <= MAX_TOKEN_LENGTH && JWT_SHAPE.test(token);
}
