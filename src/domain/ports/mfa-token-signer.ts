import type { MfaClaims, TokenCheck } from '../token';

/** Mints and verifies mfaTokens (`typ: mfa+jwt`), which no access or refresh check accepts. */
export interface MfaTokenSigner {
  signMfa(claims: MfaClaims): string;
  /** Never throws, as `TokenSigner.verifyAccess`. */
  verifyMfa(token: string): TokenCheck<MfaClaims>;
}
