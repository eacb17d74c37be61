import jwt from 'jsonwebtoken';

/** Reading and forging JWTs by hand, for the hostile-input tests. Nothing here verifies. */
const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export function jwtHeader(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

export function jwtPayload(token: string): Record<string, unknown> & { sid: string; sub: string; jti: string; exp: number } {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as ReturnType<typeof jwtPayload>;
}

/** `alg: none` with the token's own claims; `signature` may be empty or junk. */
export function algNone(token: string, signature = ''): string {
  const header = { ...jwtHeader(token), alg: 'none' };
  return `${b64(header)}.${token.split('.')[1]}.${signature}`;
}

/** The token with a changed payload and its original signature. */
export function tampered(token: string, changes: Record<string, unknown>): string {
  const [h, , s] = token.split('.');
  return `${h}.${b64({ ...jwtPayload(token), ...changes })}.${s}`;
}

/** The token's header and claims signed again with `secret` (HS256 unless `algorithm`). */
export function resigned(
  token: string,
  secret: string,
  options: { algorithm?: jwt.Algorithm; changes?: Record<string, unknown>; header?: Record<string, unknown> } = {},
): string {
  const algorithm = options.algorithm ?? 'HS256';
  const header = { ...jwtHeader(token), ...options.header, alg: algorithm } as jwt.JwtHeader;
  return jwt.sign({ ...jwtPayload(token), ...options.changes }, secret, { algorithm, header });
}

/** Three base64url parts, `bytes` long in total: well-formed on the outside, garbage inside. */
export function hugeToken(bytes: number): string {
  const part = 'A'.repeat(Math.floor((bytes - 2) / 3));
  return `${part}.${part}.${part}`;
}
