/** The signing algorithms tokengate pins (SPEC §2). */
export type JwtAlgorithm = 'HS256' | 'RS256' | 'ES256';

/** The key material and claims settings of the JWT signer (SPEC §2, §10), as `readJwtSettings` parses them. */
export interface JwtSettings {
  algorithm: JwtAlgorithm;
  /** HMAC key bytes (HS256), at least 32 bytes. */
  secret: Buffer | null;
  /** HS256 secrets that verify but never sign: `JWT_SECRET_PREVIOUS`, then those `keys rotate` retired. */
  previousSecrets: Buffer[];
  /** Where the generated secret lives when `JWT_SECRET` is unset (outside production); else null. */
  generatedSecretFile: string | null;
  /** PEM text (RS256/ES256). */
  privateKeyPem: string | null;
  publicKeyPem: string | null;
  /** RS256/ES256 public keys that verify but never sign (`JWT_PREVIOUS_PUBLIC_KEY_FILES`), SPKI PEM. */
  previousPublicKeyPems: string[];
  issuer: string;
  audience: string;
}
