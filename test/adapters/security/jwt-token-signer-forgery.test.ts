import { generateKeyPairSync } from 'node:crypto';
import { asym, accessClaims, forge, hmac, KEYS, makeSigner, refreshClaims, SECRET, T0, withIssAud } from './jwt-fixtures';

type Alg = 'HS256' | 'RS256' | 'ES256';
const ownKey = (alg: Alg) => (alg === 'HS256' ? hmac('sha256', SECRET) : asym(alg));

/** A token signed with the signer's own key: only the mutation under test makes it wrong. */
function craft(alg: Alg, mutate: { header?: object; payload?: object; drop?: string[] } = {}) {
  const signer = makeSigner(alg);
  const kid = (signer.jwks()?.keys[0] as { kid?: string } | undefined)?.kid;
  const header = { alg, typ: 'at+jwt', ...(kid ? { kid } : {}), ...mutate.header };
  const payload: Record<string, unknown> = { ...withIssAud(accessClaims()), ...mutate.payload };
  for (const name of mutate.drop ?? []) delete payload[name];
  return { signer, token: forge(header, payload, ownKey(alg)) };
}

describe.each(['HS256', 'RS256', 'ES256'] as const)('%s rejects as invalid', (alg) => {
  it('(control) a hand-made token with the right key and shape is valid', () => {
    const { signer, token } = craft(alg);
    expect(signer.verifyAccess(token)).toEqual({ state: 'valid', claims: accessClaims() });
  });

  it.each<[string, Parameters<typeof craft>[1]]>([
    ['wrong typ', { header: { typ: 'JWT' } }],
    ['no typ', { header: { typ: undefined } }],
    ['a jwk header', { header: { jwk: { kty: 'oct', k: 'AAAA' } } }],
    ['a jku header', { header: { jku: 'https://evil.example/jwks.json' } }],
    ['an x5u header', { header: { x5u: 'https://evil.example/cert.pem' } }],
    ['an x5c header', { header: { x5c: ['MIIB'] } }],
    ['a crit header', { header: { crit: ['exp'] } }],
    ['a foreign kid', { header: { kid: 'someone-else' } }],
    ['a wrong issuer', { payload: { iss: 'evil' } }],
    ['a wrong audience', { payload: { aud: 'evil' } }],
    ['no issuer', { drop: ['iss'] }],
    ['no audience', { drop: ['aud'] }],
    ['no exp', { drop: ['exp'] }],
    ['no iat', { drop: ['iat'] }],
    ['a string exp', { payload: { exp: String(T0 + 900) } }],
    ['an empty sub', { payload: { sub: '' } }],
    ['no sid', { drop: ['sid'] }],
    ['a numeric jti', { payload: { jti: 7 } }],
    ['roles not an array', { payload: { roles: 'admin' } }],
    ['roles with a non-string', { payload: { roles: ['admin', 1] } }],
    ['no username', { drop: ['username'] }],
    ['nbf beyond the skew', { payload: { nbf: T0 + 31 } }],
    ['a non-numeric nbf', { payload: { nbf: 'soon' } }],
    ['iat beyond the skew', { payload: { iat: T0 + 31 } }],
  ])('a token with %s', (_name, mutation) => {
    const { signer, token } = craft(alg, mutation);
    expect(signer.verifyAccess(token).state).toBe('invalid');
  });

  it('honours nbf within the skew', () => {
    const { signer, token } = craft(alg, { payload: { nbf: T0 + 30 } });
    expect(signer.verifyAccess(token).state).toBe('valid');
  });

  it.each(['none', 'None', 'NONE', 'nOnE'])('alg %s, signed or not', (none) => {
    const { signer, token } = craft(alg, { header: { alg: none } });
    const [h, p] = token.split('.');
    expect(signer.verifyAccess(`${h}.${p}.`).state).toBe('invalid');
    expect(signer.verifyAccess(token).state).toBe('invalid');
  });

  it('a tampered payload', () => {
    const { signer, token } = craft(alg);
    const [h, , s] = token.split('.');
    const evil = Buffer.from(JSON.stringify(withIssAud(accessClaims({ roles: ['root'] })))).toString('base64url');
    expect(signer.verifyAccess(`${h}.${evil}.${s}`).state).toBe('invalid');
  });

  it('a bad signature, even when also expired (never "expired")', () => {
    const { signer, token } = craft(alg, { payload: { exp: T0 - 3600 } });
    const flipped = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    expect(signer.verifyAccess(token).state).toBe('expired');
    expect(signer.verifyAccess(flipped).state).toBe('invalid');
  });

  it('an expired token of the other type', () => {
    const { signer, token } = craft(alg, { header: { typ: 'rt+jwt' }, payload: { exp: T0 - 3600 } });
    expect(signer.verifyRefresh(token).state).toBe('expired');
    expect(signer.verifyAccess(token).state).toBe('invalid');
  });

  it.each([
    ['empty', ''],
    ['one part', 'abc'],
    ['garbage parts', 'a.b.c'],
    ['header not JSON', `${Buffer.from('nope').toString('base64url')}.e30.c2ln`],
    ['header an array', `${Buffer.from('[]').toString('base64url')}.e30.c2ln`],
    ['over 8 KB', `${'a'.repeat(8200)}.b.c`],
  ])('a malformed token (%s)', (_name, token) => {
    expect(makeSigner(alg).verifyAccess(token).state).toBe('invalid');
    expect(makeSigner(alg).verifyRefresh(token).state).toBe('invalid');
  });

  it('non-string input, without throwing', () => {
    const signer = makeSigner(alg);
    for (const bad of [undefined, null, 42, {}] as unknown as string[]) {
      expect(signer.verifyAccess(bad).state).toBe('invalid');
    }
  });
});

describe('algorithm and key confusion', () => {
  it.each([
    ['HS384', 'sha384'],
    ['HS512', 'sha512'],
  ] as const)('HS256 refuses %s with the same secret', (alg, hash) => {
    const { signer, token } = craft('HS256', { header: { alg } });
    const [h, p] = token.split('.');
    expect(signer.verifyAccess(forge(JSON.parse(Buffer.from(h!, 'base64url').toString()), JSON.parse(Buffer.from(p!, 'base64url').toString()), hmac(hash, SECRET))).state).toBe('invalid');
  });

  it.each(['RS256', 'ES256'] as const)('%s refuses HS256 signed with its own public key as the HMAC secret', (alg) => {
    const signer = makeSigner(alg);
    const kid = (signer.jwks()!.keys[0] as { kid: string }).kid;
    const payload = withIssAud(accessClaims());
    for (const header of [{ alg: 'HS256', typ: 'at+jwt' }, { alg: 'HS256', typ: 'at+jwt', kid }]) {
      expect(signer.verifyAccess(forge(header, payload, hmac('sha256', KEYS[alg].publicKeyPem))).state).toBe('invalid');
    }
  });

  it('HS256 refuses RS256 and ES256 tokens', () => {
    const signer = makeSigner('HS256');
    expect(signer.verifyAccess(makeSigner('RS256').signAccess(accessClaims())).state).toBe('invalid');
    expect(signer.verifyRefresh(makeSigner('ES256').signRefresh(refreshClaims())).state).toBe('invalid');
  });

  it('RS256 refuses ES256 tokens and tokens of another RSA key', () => {
    const signer = makeSigner('RS256');
    expect(signer.verifyAccess(makeSigner('ES256').signAccess(accessClaims())).state).toBe('invalid');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const other = makeSigner('RS256', undefined, { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKeyPem: null });
    expect(signer.verifyAccess(other.signAccess(accessClaims())).state).toBe('invalid');
    const { token } = craft('RS256');
    const unkeyed = token.split('.').slice(0, 2).join('.');
    expect(signer.verifyAccess(forge(JSON.parse(Buffer.from(unkeyed.split('.')[0]!, 'base64url').toString()), withIssAud(accessClaims()), asym('RS256', privateKey))).state).toBe('invalid');
  });

  it('HS256 refuses any kid, and a token signed with another secret', () => {
    const { signer, token } = craft('HS256', { header: { kid: 'k1' } });
    expect(signer.verifyAccess(token).state).toBe('invalid');
    expect(signer.verifyAccess(makeSigner('HS256', undefined, { secret: Buffer.alloc(32, 7) }).signAccess(accessClaims())).state).toBe('invalid');
  });

  it('an asymmetric token without kid still verifies by signature', () => {
    const { signer, token } = craft('RS256', { header: { kid: undefined } });
    expect(signer.verifyAccess(token).state).toBe('valid');
  });
});
