import type { Response } from 'supertest';
import { MAX_TOKEN_LENGTH } from '../../src/domain/token';
import { expectError, forEachStorage, itLeaksNoSecrets, JWT_SECRET, TTL, useGateway, type Tokens } from '../support/security-harness';
import { hmacJwt, payloadOf, unsigned, without, withSignature, type Json } from './support/jwt-craft';
import { rawRequest } from './support/raw-http';

const AT = { alg: 'HS256', typ: 'at+jwt' };
const RT = { alg: 'HS256', typ: 'rt+jwt' };
const sign = (header: Json, payload: Json) => hmacJwt(header, payload, JWT_SECRET);

/** Access tokens, each one defect away from a good one; all must be `invalid_token`. */
const BAD_ACCESS: [string, (p: Json, good: string) => string][] = [
  ['no exp claim', (p) => sign(AT, without(p, 'exp'))],
  ['exp as a string', (p) => sign(AT, { ...p, exp: String(p.exp) })],
  ['no typ header', (p) => sign({ alg: 'HS256' }, p)],
  ['typ JWT', (p) => sign({ alg: 'HS256', typ: 'JWT' }, p)],
  ['typ rt+jwt (a refresh token type)', (p) => sign(RT, p)],
  ['iat in the future beyond CLOCK_SKEW', (p) => sign(AT, { ...p, iat: (p.iat as number) + TTL.skew + 30, exp: (p.exp as number) + 60 })],
  ['nbf in the future beyond CLOCK_SKEW', (p) => sign(AT, { ...p, nbf: (p.iat as number) + TTL.skew + 30 })],
  ...['none', 'None', 'NONE', 'nOnE'].map((alg): [string, (p: Json, good: string) => string] => [`alg ${alg}, no signature`, (p) => unsigned({ ...AT, alg }, p)]),
  ['alg none with the genuine signature kept', (p, good) => withSignature(unsigned({ ...AT, alg: 'none' }, p), good.split('.')[2]!)],
  ['an empty signature', (_, good) => withSignature(good, '')],
  ['the signature "null"', (_, good) => withSignature(good, 'null')],
  ['an all-zero signature', (_, good) => withSignature(good, 'A'.repeat(43))],
  ['a truncated signature', (_, good) => withSignature(good, good.split('.')[2]!.slice(0, -4))],
  ['a one-character signature', (_, good) => withSignature(good, good.split('.')[2]!.slice(0, 1))],
  ['HS384 signed with the right secret', (p) => hmacJwt({ ...AT, alg: 'HS384' }, p, JWT_SECRET, 'sha384')],
  ['HS512 signed with the right secret', (p) => hmacJwt({ ...AT, alg: 'HS512' }, p, JWT_SECRET, 'sha512')],
  ['header HS512 over an HS256 signature', (p) => withSignature(unsigned({ ...AT, alg: 'HS512' }, p), sign(AT, p).split('.')[2]!)],
  ['header HS256 over an HS512 signature', (p) => withSignature(sign(AT, p), hmacJwt(AT, p, JWT_SECRET, 'sha512').split('.')[2]!)],
];

/** Refresh tokens with the same defects, on `/auth/refresh`. */
const BAD_REFRESH: [string, (p: Json) => string][] = [
  ['no exp claim', (p) => sign(RT, without(p, 'exp'))],
  ['no typ header', (p) => sign({ alg: 'HS256' }, p)],
  ['typ at+jwt (an access token type)', (p) => sign(AT, p)],
  ['iat in the future beyond CLOCK_SKEW', (p) => sign(RT, { ...p, iat: (p.iat as number) + TTL.skew + 30 })],
  ['alg NoNe', (p) => unsigned({ ...RT, alg: 'NoNe' }, p)],
  ['HS512 signed with the right secret', (p) => hmacJwt({ ...RT, alg: 'HS512' }, p, JWT_SECRET, 'sha512')],
];

/** A correctly signed access token padded with an extra claim to at least `minLength` characters (a few more at most). */
function paddedAccess(p: Json, minLength: number): string {
  let n = 0;
  let token = sign(AT, { ...p, pad: '' });
  while (token.length < minLength) {
    const missing = minLength - token.length;
    n += missing > 16 ? Math.floor((missing * 3) / 4) - 6 : 1;
    token = sign(AT, { ...p, pad: 'x'.repeat(n) });
  }
  return token;
}

forEachStorage('security: JWT verification gaps', (target) => {
  const gateway = useGateway(target);
  let t: Tokens;
  let access: Json;
  let refresh: Json;
  beforeAll(async () => {
    t = await gateway().login(await gateway().addUser());
    access = payloadOf(t.access);
    refresh = payloadOf(t.refresh);
  });
  const expectInvalid = (res: Response) => {
    expectError(res, 401, 'invalid_token');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers['x-access-token']).toBeUndefined();
  };

  it('(control) a token the test signs itself with the gateway secret and the same claims passes', async () => {
    expect((await gateway().me(sign(AT, access))).status).toBe(200);
    expect((await gateway().refresh(sign(RT, refresh))).status).toBe(200);
    t = await gateway().login(await gateway().addUser());
    [access, refresh] = [payloadOf(t.access), payloadOf(t.refresh)];
  });

  it.each(BAD_ACCESS)('refuses an access token with %s as invalid_token', async (_, forge) => {
    const gw = gateway();
    const token = forge(access, t.access);
    gw.remember(token);
    expectInvalid(await gw.me(token));
    expectInvalid(await gw.http().get('/auth/verify').set('Authorization', `Bearer ${token}`).set('X-Refresh-Token', t.refresh));
  });

  it.each(BAD_REFRESH)('refuses a refresh token with %s as invalid_token, reissuing nothing', async (_, forge) => {
    const gw = gateway();
    const token = forge(refresh);
    gw.remember(token);
    expectInvalid(await gw.refresh(token));
  });

  it(`refuses a correctly signed token over ${MAX_TOKEN_LENGTH} characters before verifying it`, async () => {
    const gw = gateway();
    const fits = paddedAccess(access, MAX_TOKEN_LENGTH - 8);
    const over = paddedAccess(access, MAX_TOKEN_LENGTH + 1);
    expect(fits.length).toBeLessThanOrEqual(MAX_TOKEN_LENGTH);
    expect(over.length).toBeGreaterThan(MAX_TOKEN_LENGTH);
    gw.remember(fits, over);
    expect((await gw.me(fits)).status).toBe(200);
    expectInvalid(await gw.me(over));
  });

  it('refuses two Authorization headers, even two copies of a valid token (raw HTTP)', async () => {
    const gw = gateway();
    const forged = sign(AT, { ...access, roles: ['admin'], exp: (access.exp as number) + 1 });
    gw.remember(forged);
    for (const pair of [[t.access, t.access], [t.access, forged], [forged, t.access]]) {
      const res = await rawRequest(gw.port, 'GET', '/auth/me', pair.map((tok) => `Authorization: Bearer ${tok}`));
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body)).toMatchObject({ error: 'invalid_token' });
      expect(res.headers['www-authenticate']).toEqual(['Bearer error="invalid_token"']);
    }
    const single = await rawRequest(gw.port, 'GET', '/auth/me', [`Authorization: Bearer ${t.access}`]);
    expect(single.status).toBe(200);
  });

  it('refuses two X-Refresh-Token headers on /auth/refresh (raw HTTP)', async () => {
    const gw = gateway();
    const res = await rawRequest(gw.port, 'POST', '/auth/refresh', [`X-Refresh-Token: ${t.refresh}`, `X-Refresh-Token: ${t.refresh}`, 'Content-Length: 0']);
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'invalid_token' });
    expect(res.headers['www-authenticate']).toEqual(['Bearer error="invalid_token"']);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  itLeaksNoSecrets(gateway);
});
