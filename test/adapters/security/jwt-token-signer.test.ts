import { createPublicKey } from 'node:crypto';
import { jwkThumbprint, publicJwk, secretKeyId } from '../../../src/adapters/security/jwk';
import jwt from 'jsonwebtoken';
import { accessClaims, asym, fixedClock, forge, hmac, KEYS, makeSigner, refreshClaims, SECRET, T0, withIssAud } from './jwt-fixtures';

const header = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
const payload = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());

describe.each(['HS256', 'RS256', 'ES256'] as const)('JwtTokenSigner %s', (alg) => {
  it('round-trips access and refresh claims exactly', () => {
    const signer = makeSigner(alg);
    expect(signer.verifyAccess(signer.signAccess(accessClaims()))).toEqual({ state: 'valid', claims: accessClaims() });
    expect(signer.verifyRefresh(signer.signRefresh(refreshClaims()))).toEqual({ state: 'valid', claims: refreshClaims() });
  });

  it('writes typ, alg, iss, aud and the given iat/exp', () => {
    const token = makeSigner(alg).signAccess(accessClaims());
    expect(header(token)).toMatchObject({ alg, typ: 'at+jwt' });
    expect(payload(token)).toMatchObject({ iss: 'tokengate', aud: 'tokengate', iat: T0, exp: T0 + 900 });
    expect(header(makeSigner(alg).signRefresh(refreshClaims())).typ).toBe('rt+jwt');
  });

  it('never accepts a refresh token as an access token, nor the reverse', () => {
    const signer = makeSigner(alg);
    expect(signer.verifyAccess(signer.signRefresh(refreshClaims())).state).toBe('invalid');
    expect(signer.verifyRefresh(signer.signAccess(accessClaims())).state).toBe('invalid');
  });

  it('is expired only past exp plus the clock skew, and keeps the claims', () => {
    const clock = fixedClock();
    const signer = makeSigner(alg, clock);
    const token = signer.signAccess(accessClaims());
    clock.at = T0 + 900 + 29;
    expect(signer.verifyAccess(token).state).toBe('valid');
    clock.at = T0 + 900 + 30;
    expect(signer.verifyAccess(token)).toEqual({ state: 'expired', claims: accessClaims() });
  });

  it('uses the injected clock, not the real time', () => {
    const signer = makeSigner(alg, fixedClock(T0 - 10 * 365 * 86400));
    expect(signer.verifyAccess(signer.signAccess(accessClaims({ iat: T0 - 10 * 365 * 86400 + 1, exp: T0 - 10 * 365 * 86400 + 100 }))).state).toBe('valid');
  });

  it('accepts iat up to the skew in the future, not beyond', () => {
    const signer = makeSigner(alg, fixedClock(T0));
    expect(signer.verifyAccess(signer.signAccess(accessClaims({ iat: T0 + 30 }))).state).toBe('valid');
    expect(signer.verifyAccess(signer.signAccess(accessClaims({ iat: T0 + 31 }))).state).toBe('invalid');
  });

  it('reports expired against the skew the signer was given', () => {
    const clock = fixedClock(T0 + 905);
    const token = makeSigner(alg, clock, { clockSkewSeconds: 0 }).signRefresh(refreshClaims({ exp: T0 + 900 }));
    expect(makeSigner(alg, clock, { clockSkewSeconds: 0 }).verifyRefresh(token).state).toBe('expired');
    expect(makeSigner(alg, clock, { clockSkewSeconds: 10 }).verifyRefresh(token).state).toBe('valid');
  });

  it('rejects a token signed with another issuer or audience', () => {
    const token = makeSigner(alg).signAccess(accessClaims());
    expect(makeSigner(alg, fixedClock(), { issuer: 'other' }).verifyAccess(token).state).toBe('invalid');
    expect(makeSigner(alg, fixedClock(), { audience: 'other' }).verifyAccess(token).state).toBe('invalid');
  });

  // A service that checks tokengate's tokens itself (JWKS, or the shared secret) by `iss` and
  // `aud` but not `typ` must not take an mfaToken (a right password alone) for an access token.
  it('gives an mfaToken an audience of its own, which a check for JWT_AUDIENCE refuses', () => {
    const signer = makeSigner(alg, fixedClock(), { audience: 'https://app.example' });
    const mfa = signer.signMfa({ sub: 'u1', jti: 'm1', iat: T0, exp: T0 + 300 });
    expect(payload(mfa).aud).toBe('tokengate-mfa:https://app.example');
    expect(signer.verifyMfa(mfa)).toEqual({ state: 'valid', claims: { sub: 'u1', jti: 'm1', iat: T0, exp: T0 + 300 } });
    const key = alg === 'HS256' ? SECRET : KEYS[alg].publicKey;
    const asAService = (token: string) => () => jwt.verify(token, key, { algorithms: [alg], issuer: 'tokengate', audience: 'https://app.example', clockTimestamp: T0 });
    expect(asAService(signer.signAccess(accessClaims()))).not.toThrow();
    expect(asAService(mfa)).toThrow(/audience invalid/);
  });

  it('refuses an mfaToken written for JWT_AUDIENCE (the form before mfaTokens had their own)', () => {
    const signer = makeSigner(alg);
    const sign = alg === 'HS256' ? hmac('sha256', SECRET) : asym(alg);
    const kid = header(signer.signMfa({ sub: 'u1', jti: 'm1', iat: T0, exp: T0 + 300 })).kid;
    const old = forge({ alg, typ: 'mfa+jwt', kid }, withIssAud({ sub: 'u1', jti: 'm1', iat: T0, exp: T0 + 300, mfa: true }), sign);
    expect(signer.verifyMfa(old).state).toBe('invalid');
    const current = forge({ alg, typ: 'mfa+jwt', kid }, { iss: 'tokengate', aud: 'tokengate-mfa:tokengate', sub: 'u1', jti: 'm1', iat: T0, exp: T0 + 300, mfa: true }, sign);
    expect(signer.verifyMfa(current).state).toBe('valid');
  });
});

describe('deterministic signing', () => {
  it.each(['HS256', 'RS256'] as const)('%s: equal claims give byte-identical tokens', (alg) => {
    const a = makeSigner(alg).signRefresh(refreshClaims());
    const b = makeSigner(alg).signRefresh(refreshClaims());
    expect(a).toBe(b);
    expect(makeSigner(alg).signAccess(accessClaims())).toBe(makeSigner(alg).signAccess(accessClaims()));
  });
});

describe('jwks and kid', () => {
  it('HS256 publishes nothing and writes the kid derived from its secret (SPEC §10)', () => {
    const signer = makeSigner('HS256');
    expect(signer.jwks()).toBeNull();
    expect(header(signer.signAccess(accessClaims())).kid).toBe(secretKeyId(SECRET));
  });

  it.each([
    ['RS256', 'RSA', ['kty', 'n', 'e']],
    ['ES256', 'EC', ['kty', 'crv', 'x', 'y']],
  ] as const)('%s publishes its public key with kid, alg and use', (alg, kty, members) => {
    const signer = makeSigner(alg);
    const jwk = signer.jwks()!.keys[0] as Record<string, string>;
    expect(Object.keys(jwk).sort()).toEqual([...members, 'kid', 'alg', 'use'].sort());
    expect(jwk).toMatchObject({ kty, alg, use: 'sig' });
    expect(jwk).not.toHaveProperty('d');
    expect(header(signer.signAccess(accessClaims())).kid).toBe(jwk.kid);
    expect(createPublicKey({ key: jwk, format: 'jwk' }).asymmetricKeyType).toBe(kty.toLowerCase());
  });

  it('kid is the RFC 7638 thumbprint (the RFC example key)', () => {
    const n =
      '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw';
    const key = createPublicKey({ key: { kty: 'RSA', n, e: 'AQAB' }, format: 'jwk' });
    expect(jwkThumbprint(publicJwk(key))).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it('returns a fresh copy each time', () => {
    const signer = makeSigner('RS256');
    (signer.jwks()!.keys[0] as Record<string, string>).kid = 'changed';
    expect((signer.jwks()!.keys[0] as Record<string, string>).kid).not.toBe('changed');
  });
});

describe('construction', () => {
  it('refuses an HS256 secret shorter than 32 bytes', () => {
    expect(() => makeSigner('HS256', fixedClock(), { secret: Buffer.alloc(31, 1) })).toThrow(/32 bytes/);
  });
});
