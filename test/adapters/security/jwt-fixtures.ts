import { createHmac, generateKeyPairSync, sign as cryptoSign, type KeyObject } from 'node:crypto';
import type { JwtAlgorithm } from '../../../src/config';
import { JwtTokenSigner, type JwtTokenSignerOptions } from '../../../src/adapters/security/jwt-token-signer';
import type { AccessClaims, RefreshClaims } from '../../../src/domain/token';

export const T0 = 1_700_000_000; // seconds
export const SECRET = Buffer.from('0123456789abcdef0123456789abcdef-test-secret');

const pem = (k: KeyObject, type: 'pkcs8' | 'spki') => k.export({ type, format: 'pem' }).toString();

function pair(alg: 'RS256' | 'ES256') {
  const { privateKey, publicKey } =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKey, privateKeyPem: pem(privateKey, 'pkcs8'), publicKeyPem: pem(publicKey, 'spki') };
}

export const KEYS = { RS256: pair('RS256'), ES256: pair('ES256') };

/** A clock the test moves: `clock.at = seconds`. */
export function fixedClock(seconds = T0) {
  const clock = { at: seconds, now: () => clock.at * 1000 };
  return clock;
}

export function makeSigner(algorithm: JwtAlgorithm, clock = fixedClock(), extra: Partial<JwtTokenSignerOptions> = {}) {
  const keys = algorithm === 'HS256' ? { secret: SECRET } : KEYS[algorithm];
  return new JwtTokenSigner({ algorithm, ...keys, issuer: 'tokengate', audience: 'tokengate', clockSkewSeconds: 30, clock, ...extra });
}

export const accessClaims = (over: Partial<AccessClaims> = {}): AccessClaims => ({
  sub: 'u1', sid: 's1', jti: 'j1', iat: T0, exp: T0 + 900, roles: ['admin'], username: 'alice', ...over,
});

export const refreshClaims = (over: Partial<RefreshClaims> = {}): RefreshClaims => ({
  sub: 'u1', sid: 's1', jti: 'r1', iat: T0, exp: T0 + 86400, ...over,
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Builds a JWT by hand, so tests can craft what jsonwebtoken would refuse to sign. */
export function forge(header: object, payload: object, signWith: (input: string) => Buffer | string): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const sig = signWith(input);
  return `${input}.${typeof sig === 'string' ? sig : sig.toString('base64url')}`;
}

export const hmac = (alg: 'sha256' | 'sha384' | 'sha512', key: Buffer | string) => (input: string) =>
  createHmac(alg, key).update(input).digest();

export const asym = (alg: 'RS256' | 'ES256', key: KeyObject = KEYS[alg].privateKey) => (input: string) =>
  cryptoSign('sha256', Buffer.from(input), alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key);

/** The payload our signer writes for these claims. */
export const withIssAud = (claims: object) => ({ iss: 'tokengate', aud: 'tokengate', ...claims });
