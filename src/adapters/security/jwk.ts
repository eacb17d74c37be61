import { createHash, type KeyObject } from 'node:crypto';

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
