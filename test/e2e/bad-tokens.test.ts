import type { Response, Test } from 'supertest';
import { cookieHeader, setCookies } from '../support/e2e-cookies';
import { expectNoLeak } from '../support/e2e-logs';
import { algNone, hugeToken, resigned, tampered } from '../support/e2e-jwt';
import { expectError, forEachStorage, itKeepsSecretsOutOfLogs, JWT_SECRET, TTL, useGateway, type Gateway, type Tokens } from '../support/e2e-harness';

type Forge = (t: Tokens) => string;

/** Access tokens that must be `invalid_token`: never verified into an identity, never a reissue. */
const BAD_ACCESS: [string, Forge][] = [
  ['garbage text', () => 'garbage'],
  ['two parts', () => 'abc.def'],
  ['four parts', (t) => `${t.access}.xyz`],
  ['three junk parts', () => 'aaaa.bbbb.cccc'],
  ['non-base64url characters', () => 'a+b.c/d.e=f'],
  ['empty parts', () => '..'],
  ['a 9 KB token', () => hugeToken(9 * 1024)],
  ['alg none, no signature', (t) => algNone(t.access)],
  ['alg none, junk signature', (t) => algNone(t.access, 'AAAA')],
  ['a tampered payload (roles)', (t) => tampered(t.access, { roles: ['admin'] })],
  ['a tampered payload (sub)', (t) => tampered(t.access, { sub: 'someone-else' })],
  ['a stripped signature', (t) => t.access.split('.').slice(0, 2).join('.') + '.'],
  ['another secret', (t) => resigned(t.access, 'y'.repeat(40))],
  ['HS512 with the right secret', (t) => resigned(t.access, JWT_SECRET, { algorithm: 'HS512' })],
  ['a wrong issuer', (t) => resigned(t.access, JWT_SECRET, { changes: { iss: 'someone-else' } })],
  ['a wrong audience', (t) => resigned(t.access, JWT_SECRET, { changes: { aud: 'someone-else' } })],
  ['the refresh token (wrong kind)', (t) => t.refresh],
  ['refresh typ on access claims', (t) => resigned(t.access, JWT_SECRET, { header: { typ: 'rt+jwt' } })],
  ['an expired token signed with another secret', (t) => resigned(t.access, 'y'.repeat(40), { changes: { exp: 1 } })],
];

/** Refresh tokens that must be `invalid_token`. */
const BAD_REFRESH: [string, Forge][] = [
  ['garbage text', () => 'garbage'],
  ['a 9 KB token', () => hugeToken(9 * 1024)],
  ['alg none', (t) => algNone(t.refresh)],
  ['a tampered payload (exp)', (t) => tampered(t.refresh, { exp: 4_000_000_000 })],
  ['another secret', (t) => resigned(t.refresh, 'y'.repeat(40))],
  ['the access token (wrong kind)', (t) => t.access],
  ['access typ on refresh claims', (t) => resigned(t.refresh, JWT_SECRET, { header: { typ: 'at+jwt' } })],
];

forEachStorage('e2e: hostile tokens', (target) => {
  const gateway = useGateway(target);
  let t: Tokens;
  beforeAll(async () => {
    t = await gateway().login(await gateway().sharedUser());
  });

  const check = (res: Response, status: number, code: string): void => {
    expectError(res, status, code);
    expectNoLeak(res, gateway().secrets);
    expect(setCookies(res)).toEqual({});
  };
  const forge = (gw: Gateway, f: Forge): string => {
    const token = f(t);
    gw.remember(token);
    return token;
  };

  describe.each<[string, (gw: Gateway, token: string) => Test]>([
    ['GET /auth/me, Bearer', (gw, token) => gw.http().get('/auth/me').set('Authorization', `Bearer ${token}`)],
    ['GET /auth/verify, Bearer + valid refresh', (gw, token) => gw.http().get('/auth/verify').set('Authorization', `Bearer ${token}`).set('X-Refresh-Token', t.refresh)],
    ['GET /auth/verify, cookies + valid refresh', (gw, token) => gw.http().get('/auth/verify').set('Cookie', cookieHeader({ access: token, refresh: t.refresh }))],
    ['POST /auth/refresh, Bearer + valid refresh', (gw, token) => gw.http().post('/auth/refresh').set('Authorization', `Bearer ${token}`).set('X-Refresh-Token', t.refresh)],
  ])('access token via %s', (_, send) => {
    it.each(BAD_ACCESS)('%s → 401 invalid_token', async (__, f) => {
      const gw = gateway();
      check(await send(gw, forge(gw, f)), 401, 'invalid_token');
    });
  });

  describe.each<[string, (gw: Gateway, token: string) => Test]>([
    ['POST /auth/refresh, X-Refresh-Token', (gw, token) => gw.http().post('/auth/refresh').set('X-Refresh-Token', token)],
    ['POST /auth/refresh, JSON body', (gw, token) => gw.http().post('/auth/refresh').send({ refreshToken: token })],
    ['GET /auth/verify, cookie + valid access', (gw, token) => gw.http().get('/auth/verify').set('Cookie', cookieHeader({ access: t.access, refresh: token }))],
  ])('refresh token via %s', (_, send) => {
    it.each(BAD_REFRESH)('%s → 401 invalid_token', async (__, f) => {
      const gw = gateway();
      check(await send(gw, forge(gw, f)), 401, 'invalid_token');
    });
  });

  it('an empty Bearer token, or two Authorization headers, is invalid_token', async () => {
    const gw = gateway();
    check(await gw.http().get('/auth/me').set('Authorization', 'Bearer'), 401, 'invalid_token');
    check(await gw.http().get('/auth/me').set('Authorization', 'Bearer    '), 401, 'invalid_token');
  });

  it('a 9 KB token in a cookie is invalid_token, not a 500 or 431', async () => {
    const gw = gateway();
    const huge = forge(gw, () => hugeToken(9 * 1024));
    check(await gw.http().get('/auth/me').set('Cookie', cookieHeader({ access: huge })), 401, 'invalid_token');
  });

  it('a forged token never leads to a reissue, even when its claims say expired', async () => {
    const gw = gateway();
    const fresh = await gw.login(await gw.sharedUser());
    gw.advance(TTL.access + TTL.skew + 1);
    const forged = forge(gw, () => resigned(fresh.access, 'y'.repeat(40)));
    check(await gw.http().get('/auth/verify').set('Cookie', cookieHeader({ access: forged, refresh: fresh.refresh })), 401, 'invalid_token');
    const ok = gw.track(await gw.http().get('/auth/verify').set('Cookie', cookieHeader({ refresh: fresh.refresh })));
    expect(ok.status).toBe(200);
  });

  it('Authorization: Basic is not tokengate\'s: ignored (login_required), and the access cookie still counts', async () => {
    const gw = gateway();
    const basic = `Basic ${Buffer.from('admin:hunter2-password').toString('base64')}`;
    gw.remember('hunter2-password');
    check(await gw.http().get('/auth/me').set('Authorization', basic), 401, 'login_required');
    check(await gw.http().get('/auth/verify').set('Authorization', basic), 401, 'login_required');
    check(await gw.http().post('/auth/refresh').set('Authorization', basic), 400, 'invalid_request');
    const fresh = await gw.login(await gw.sharedUser());
    const res = await gw.http().get('/auth/verify').set('Authorization', basic).set('Cookie', cookieHeader({ access: fresh.access }));
    expect(res.status).toBe(200);
    expect(res.headers['x-session-id']).toBe(fresh.sid);
  });

  itKeepsSecretsOutOfLogs(gateway);
});
