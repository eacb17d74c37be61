import { createHash, createHmac, type KeyObject } from 'node:crypto';

/** RFC 7638 members that identify a key, in the lexicographic order the thumbprint hashes them. */
const REQUIRED_MEMBERS: Record<string, readonly string[]> = {
  RSA: ['e', 'kty', 'n'],
  EC: ['crv', 'kty', 'x', 'y'],
};

/** The public JWK of a public key: only the members that define it. */
export function publicJwk(key: KeyObject): Record<string, string> {
  const jwk = key.export({ format: 'jwk' }) as Record<string, string>;
  const members = REQUIRED_MEMBERS[jwk.kty ?? ''];
  if (!members) throw new Error(`unsupported key type ${jwk.kty}`);
  return Object.fromEntries(['kty', ...members.filter((m) => m !== 'kty')].map((m) => [m, jwk[m]!]));
}

/** RFC 7638 JWK SHA-256 thumbprint, base64url: the `kid` of a public key. */
export function jwkThumbprint(jwk: Record<string, string>): string {
  const members = REQUIRED_MEMBERS[jwk.kty ?? ''] ?? [];
  const canonical = JSON.stringify(Object.fromEntries(members.map((m) => [m, jwk[m]])));
  return createHash('sha256').update(canonical).digest('base64url');
}

/**
 * The `kid` of an HS256 secret: an HMAC of a fixed label under the secret, 96 bits in
 * base64url. One-way, so it names the secret without revealing any of it; anyone able to
 * test a guessed secret against it could test it against any token's signature just as well.
 */
export function secretKeyId(secret: Buffer): string {
  return createHmac('sha256', secret).update('tokengate HS256 key id v1').digest('base64url').slice(0, 16);
}
