import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import type { JwtAlgorithm } from './jwt-algorithm';
import { jwkThumbprint, publicJwk, secretKeyId } from './jwk';
import { MIN_SECRET_BYTES } from './jwt-secret-file';

export interface SigningKeyOptions {
  algorithm: JwtAlgorithm;
  /** HS256: the signing secret, at least 32 bytes. */
  secret?: Buffer | null;
  /** HS256: earlier secrets, verification only (`JWT_SECRET_PREVIOUS`). */
  previousSecrets?: readonly Buffer[];
  /** RS256/ES256 keys, PEM; the public key defaults to the private key's public half. */
  privateKeyPem?: string | null;
  publicKeyPem?: string | null;
  /** RS256/ES256: earlier public keys, verification only (`JWT_PREVIOUS_PUBLIC_KEY_FILES`). */
  previousPublicKeyPems?: readonly string[];
}

/** One key that signs, and every key that verifies, by `kid` (SPEC §10). */
export interface SigningKeys {
  signKey: KeyObject;
  /** The `kid` written into every token this process signs. */
  kid: string;
  /** The current verification key first, then the previous ones; the first of a `kid` wins. */
  verifyKeys: ReadonlyMap<string, KeyObject>;
  /** The key for tokens without a `kid` (issued before kids existed): the current one only. */
  currentVerifyKey: KeyObject;
  /** Public JWKs (with `kid`, `alg`, `use`) of the current and previous keys; empty for HS256. */
  jwks: readonly Record<string, string>[];
}

function secretKey(secret: Buffer | null | undefined): KeyObject {
  if (!secret || secret.length < MIN_SECRET_BYTES) throw new Error(`HS256 needs secrets of at least ${MIN_SECRET_BYTES} bytes`);
  return createSecretKey(secret);
}

/** Turns the configured key material into KeyObjects once (never per request). */
export function signingKeys(options: SigningKeyOptions): SigningKeys {
  const { algorithm } = options;
  if (algorithm === 'HS256') {
    const signKey = secretKey(options.secret);
    const kid = secretKeyId(options.secret as Buffer);
    const verifyKeys = new Map<string, KeyObject>([[kid, signKey]]);
    for (const previous of options.previousSecrets ?? []) {
      const id = secretKeyId(previous);
      if (!verifyKeys.has(id)) verifyKeys.set(id, secretKey(previous));
    }
    return { signKey, kid, verifyKeys, currentVerifyKey: signKey, jwks: [] };
  }
  if (!options.privateKeyPem) throw new Error(`${algorithm} needs a private key`);
  const signKey = createPrivateKey(options.privateKeyPem);
  const publicKeys = [createPublicKey(options.publicKeyPem ?? signKey), ...(options.previousPublicKeyPems ?? []).map((pem) => createPublicKey(pem))];
  const verifyKeys = new Map<string, KeyObject>();
  const jwks: Record<string, string>[] = [];
  for (const key of publicKeys) {
    const jwk = publicJwk(key);
    const id = jwkThumbprint(jwk);
    if (verifyKeys.has(id)) continue;
    verifyKeys.set(id, key);
    jwks.push({ ...jwk, kid: id, alg: algorithm, use: 'sig' });
  }
  const current = publicKeys[0] as KeyObject;
  return { signKey, kid: (jwks[0] as Record<string, string>).kid as string, verifyKeys, currentVerifyKey: current, jwks };
}
