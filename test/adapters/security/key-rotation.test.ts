import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { secretKeyId } from '../../../src/adapters/security/jwk';
import { accessClaims, forge, hmac, KEYS, makeSigner, refreshClaims, withIssAud } from './jwt-fixtures';

const header = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;
const A = Buffer.from('secret-A-0123456789abcdef0123456789abcdef');
const B = Buffer.from('secret-B-0123456789abcdef0123456789abcdef');
const hs = (secret: Buffer, previousSecrets: Buffer[] = []) => makeSigner('HS256', undefined, { secret, previousSecrets });

describe('HS256 rotation (SPEC §10)', () => {
  it('tokens signed under A verify once B is current and A previous; B signs, with its own kid', () => {
    const underA = { access: hs(A).signAccess(accessClaims()), refresh: hs(A).signRefresh(refreshClaims()) };
    const rotated = hs(B, [A]);
    expect(rotated.verifyAccess(underA.access)).toEqual({ state: 'valid', claims: accessClaims() });
    expect(rotated.verifyRefresh(underA.refresh)).toEqual({ state: 'valid', claims: refreshClaims() });
    expect(header(underA.access).kid).toBe(secretKeyId(A));
    expect(header(rotated.signAccess(accessClaims())).kid).toBe(secretKeyId(B));
    expect(hs(A).verifyAccess(rotated.signAccess(accessClaims())).state).toBe('invalid');
  });

  it('once A is dropped, its tokens are invalid, expired ones too (never a reissue)', () => {
    const underA = hs(A).signAccess(accessClaims());
    expect(hs(B).verifyAccess(underA)).toMatchObject({ state: 'invalid', reason: 'unknown kid' });
    const expiredUnderA = hs(A).signRefresh(refreshClaims({ exp: 1 }));
    expect(hs(B, [A]).verifyRefresh(expiredUnderA).state).toBe('expired');
    expect(hs(B).verifyRefresh(expiredUnderA).state).toBe('invalid');
  });

  it('an unknown kid is invalid even when the signature is good under a known key', () => {
    const payload = withIssAud(accessClaims());
    for (const kid of ['unknown', secretKeyId(randomBytes(32)), '', 42, null]) {
      expect(hs(B, [A]).verifyAccess(forge({ alg: 'HS256', typ: 'at+jwt', kid }, payload, hmac('sha256', B))).state).toBe('invalid');
    }
  });

  it('a token whose kid names A but is signed with B is invalid (the kid picks the key, the key must match)', () => {
    const forged = forge({ alg: 'HS256', typ: 'at+jwt', kid: secretKeyId(A) }, withIssAud(accessClaims()), hmac('sha256', B));
    expect(hs(B, [A]).verifyAccess(forged).state).toBe('invalid');
  });

  it('a token without kid (issued before kids existed) is checked against the current secret only', () => {
    const payload = withIssAud(accessClaims());
    expect(hs(B, [A]).verifyAccess(forge({ alg: 'HS256', typ: 'at+jwt' }, payload, hmac('sha256', B))).state).toBe('valid');
    expect(hs(B, [A]).verifyAccess(forge({ alg: 'HS256', typ: 'at+jwt' }, payload, hmac('sha256', A))).state).toBe('invalid');
  });

  it('a kid never carries the secret: no 6-character piece of it in any common encoding, and it is not reversible to it', () => {
    for (const secret of [A, B, randomBytes(48), Buffer.from('x'.repeat(40))]) {
      const kid = secretKeyId(secret);
      expect(kid).toMatch(/^[A-Za-z0-9_-]{16}$/);
      for (const encoding of ['utf8', 'base64', 'base64url', 'hex'] as const) {
        const text = secret.toString(encoding);
        for (let i = 0; i + 6 <= kid.length; i++) expect(text).not.toContain(kid.slice(i, i + 6));
      }
      expect(secretKeyId(Buffer.from(secret))).toBe(kid);
    }
    expect(secretKeyId(A)).not.toBe(secretKeyId(B));
  });

  it('refuses a short previous secret like a short current one', () => {
    expect(() => hs(B, [Buffer.alloc(31, 1)])).toThrow(/32 bytes/);
  });
});

describe.each(['RS256', 'ES256'] as const)('%s rotation (SPEC §10)', (alg) => {
  const fresh = () => {
    const { privateKey, publicKey } =
      alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
  };
  const old = KEYS[alg];
  const next = fresh();

  it('verifies tokens of the previous key, signs with the new one, and publishes both in the JWKS, current first', () => {
    const before = makeSigner(alg);
    const rotated = makeSigner(alg, undefined, { ...next, previousPublicKeyPems: [old.publicKeyPem] });
    const underOld = before.signAccess(accessClaims());
    expect(rotated.verifyAccess(underOld)).toEqual({ state: 'valid', claims: accessClaims() });
    const kids = (rotated.jwks()!.keys as { kid: string }[]).map((k) => k.kid);
    expect(kids).toHaveLength(2);
    expect(kids[1]).toBe(header(underOld).kid);
    expect(header(rotated.signAccess(accessClaims())).kid).toBe(kids[0]);
    expect(rotated.jwks()!.keys).toEqual([expect.objectContaining({ alg, use: 'sig' }), expect.objectContaining({ alg, use: 'sig' })]);
  });

  it('without the previous key, the old tokens are invalid', () => {
    const underOld = makeSigner(alg).signAccess(accessClaims());
    expect(makeSigner(alg, undefined, next).verifyAccess(underOld).state).toBe('invalid');
  });
});
