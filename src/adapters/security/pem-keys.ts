import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

export type AsymmetricAlgorithm = 'RS256' | 'ES256';

const MIN_RSA_BITS = 2048;

/** Reads a PEM private key and checks it suits `algorithm`; returns it as PKCS#8 PEM. */
export function readPrivateKeyPem(file: string, algorithm: AsymmetricAlgorithm): string {
  const key = parseKey(file, createPrivateKey, 'private');
  checkKeyType(key, algorithm);
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Reads a PEM public key (a private key is accepted and reduced to its public half); returns SPKI PEM. */
export function readPublicKeyPem(file: string, algorithm: AsymmetricAlgorithm): string {
  const key = parseKey(file, createPublicKey, 'public');
  checkKeyType(key, algorithm);
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

/** True when the public key is the private key's own half. */
export function isKeyPair(privateKeyPem: string, publicKeyPem: string): boolean {
  const derived = createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'der' });
  const given = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return derived.equals(given);
}

function parseKey(file: string, parse: (pem: string) => KeyObject, kind: string): KeyObject {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read "${file}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return parse(text);
  } catch {
    throw new Error(`"${file}" is not an unencrypted PEM ${kind} key`);
  }
}

function checkKeyType(key: KeyObject, algorithm: AsymmetricAlgorithm): void {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (algorithm === 'RS256') {
    if (type !== 'rsa') throw new Error(`RS256 needs an RSA key, got ${describe(key)}`);
    if ((details.modulusLength ?? 0) < MIN_RSA_BITS) {
      throw new Error(`RS256 needs an RSA key of at least ${MIN_RSA_BITS} bits, got ${details.modulusLength} bits`);
    }
  } else if (type !== 'ec' || details.namedCurve !== 'prime256v1') {
    throw new Error(`ES256 needs an EC P-256 key, got ${describe(key)}`);
  }
}

function describe(key: KeyObject): string {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return `key type ${key.asymmetricKeyType ?? 'unknown'}${curve ? ` on ${curve}` : ''}`;
}
