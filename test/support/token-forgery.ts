import { JwtTokenSigner } from '../../src/adapters/security/jwt-token-signer';
import type { Clock } from '../../src/domain/ports/clock';
import type { AccessClaims, RefreshClaims } from '../../src/domain/token';

/** A key the gateway does not know. */
const WRONG_SECRET = Buffer.from('not-the-tokengate-key-but-just-as-long-0123456789');

type Json = Record<string, unknown>;

const part = (token: string, i: number): string => token.split('.')[i] ?? '';
const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export function decodeHeader(token: string): Json {
  return JSON.parse(Buffer.from(part(token, 0), 'base64url').toString('utf8')) as Json;
}

/** The claims a token carries, read without verification. */
export function decodePayload(token: string): Json {
  return JSON.parse(Buffer.from(part(token, 1), 'base64url').toString('utf8')) as Json;
}

export const jtiOf = (token: string): string => decodePayload(token).jti as string;

/** The same token, claims and all, signed with a key the gateway does not hold. */
export function forgeWithWrongKey(token: string, clock: Clock): string {
  const forger = new JwtTokenSigner({
    algorithm: 'HS256',
    secret: WRONG_SECRET,
    issuer: 'tokengate',
    audience: 'tokengate',
    clockSkewSeconds: 30,
    clock,
  });
  const p = decodePayload(token);
  const typ = decodeHeader(token).typ;
  return typ === 'at+jwt'
    ? forger.signAccess(p as unknown as AccessClaims)
    : forger.signRefresh(p as unknown as RefreshClaims);
}

/** Claims edited, original signature kept. */
export function tamperPayload(token: string, changes: Json): string {
  return [part(token, 0), encode({ ...decodePayload(token), ...changes }), part(token, 2)].join('.');
}

/** One signature character changed, away from the last one (whose low bits may be padding). */
export function tamperSignature(token: string): string {
  const sig = part(token, 2);
  const i = Math.floor(sig.length / 2);
  const swapped = sig[i] === 'A' ? 'B' : 'A';
  return [part(token, 0), part(token, 1), sig.slice(0, i) + swapped + sig.slice(i + 1)].join('.');
}

/** Re-signed with `alg: none` and an empty signature. */
export function algNone(token: string): string {
  return [encode({ ...decodeHeader(token), alg: 'none' }), part(token, 1), ''].join('.');
}

/** Re-headed with another `alg`, original signature kept (algorithm confusion). */
export function withAlg(token: string, alg: string): string {
  return [encode({ ...decodeHeader(token), alg }), part(token, 1), part(token, 2)].join('.');
}
