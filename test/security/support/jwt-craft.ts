import { createHmac, sign, type KeyObject } from 'node:crypto';

/** Hand-built JWTs: what an attacker can make, byte for byte, without jsonwebtoken's opinions. */
export type Json = Record<string, unknown>;

export const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export function headerOf(token: string): Json {
  return JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as Json;
}

export function payloadOf(token: string): Json {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Json;
}

/** `header.payload` signed with HMAC (`sha256` for HS256, `sha384`, `sha512`) under `key`. */
export function hmacJwt(header: Json, payload: Json, key: string | Buffer, hash: 'sha256' | 'sha384' | 'sha512' = 'sha256'): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac(hash, key).update(input).digest('base64url')}`;
}

/** `header.payload` signed RS256 with `privateKey`. */
export function rsaJwt(header: Json, payload: Json, privateKey: KeyObject): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

/** The same token with its signature part replaced. */
export function withSignature(token: string, signature: string): string {
  const [h, p] = token.split('.');
  return `${h}.${p}.${signature}`;
}

/** `header.payload` with no signature at all, as `alg: none` tokens are. */
export function unsigned(header: Json, payload: Json, signature = ''): string {
  return `${b64(header)}.${b64(payload)}.${signature}`;
}

/** The payload without the named claims. */
export function without(payload: Json, ...names: string[]): Json {
  return Object.fromEntries(Object.entries(payload).filter(([k]) => !names.includes(k)));
}
