import type { Response } from 'supertest';
import { cookieHeader, expectClearedCookie, setCookies } from '../support/e2e-cookies';
import { expectError, forEachStorage, itKeepsSecretsOutOfLogs, TTL, useGateway, type Gateway, type Tokens } from '../support/e2e-harness';
import { tampered } from '../support/e2e-jwt';

const me = (gw: Gateway, t: Tokens): Promise<Response> => gw.http().get('/auth/me').set('Authorization', `Bearer ${t.access}`);

async function expectLive(gw: Gateway, t: Tokens): Promise<void> {
  expect((await me(gw, t)).status).toBe(200);
}

async function expectRevoked(gw: Gateway, t: Tokens): Promise<void> {
  expectError(await me(gw, t), 401, 'token_revoked');
  expectError(await gw.http().post('/auth/refresh').set('X-Refresh-Token', t.refresh), 401, 'token_revoked');
}

function expectCookiesCleared(res: Response): void {
  const cookies = setCookies(res);
  expect(Object.keys(cookies).sort()).toEqual(['access_token', 'refresh_token']);
  expectClearedCookie(cookies.access_token);
  expectClearedCookie(cookies.refresh_token);
}

forEachStorage('e2e: logout', (target) => {
  const gateway = useGateway(target);

  async function threeSessions(gw: Gateway): Promise<[Tokens, Tokens, Tokens]> {
    const user = await gw.addUser();
    return [await gw.login(user), await gw.login(user), await gw.login(user)];
  }

  it.each([
    ['no scope (local by default), cookies', '', 'cookie'],
    ['?scope=local, cookies', '?scope=local', 'cookie'],
    ['?scope=local, Bearer + X-Refresh-Token', '?scope=local', 'header'],
  ])('%s: 204, cookies cleared, only this session revoked', async (_, query, mode) => {
    const gw = gateway();
    const [a, b, c] = await threeSessions(gw);
    const req = gw.http().post(`/auth/logout${query}`);
    const res = mode === 'cookie' ? await req.set('Cookie', cookieHeader(a)) : await req.set('Authorization', `Bearer ${a.access}`).set('X-Refresh-Token', a.refresh);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expectCookiesCleared(res);
    await expectRevoked(gw, a);
    await expectLive(gw, b);
    await expectLive(gw, c);
  });

  it('?scope=others: 204, cookies kept, every other session of the user revoked', async () => {
    const gw = gateway();
    const [a, b, c] = await threeSessions(gw);
    const stranger = await gw.login(await gw.addUser());
    const res = await gw.http().post('/auth/logout?scope=others').set('Cookie', cookieHeader(a));
    expect(res.status).toBe(204);
    expect(setCookies(res)).toEqual({});
    await expectLive(gw, a);
    await expectRevoked(gw, b);
    await expectRevoked(gw, c);
    await expectLive(gw, stranger);
  });

  it('?scope=global: 204, cookies cleared, every session of the user revoked', async () => {
    const gw = gateway();
    const [a, b, c] = await threeSessions(gw);
    const stranger = await gw.login(await gw.addUser());
    const res = await gw.http().post('/auth/logout?scope=global').set('Authorization', `Bearer ${b.access}`);
    expect(res.status).toBe(204);
    expectCookiesCleared(res);
    for (const t of [a, b, c]) await expectRevoked(gw, t);
    await expectLive(gw, stranger);
  });

  it('an expired access token (good signature) still names the session to end', async () => {
    const gw = gateway();
    const [a, b] = await threeSessions(gw);
    gw.advance(TTL.access + TTL.skew + 1);
    const res = await gw.http().post('/auth/logout').set('Authorization', `Bearer ${a.access}`);
    expect(res.status).toBe(204);
    expectError(await gw.http().post('/auth/refresh').set('X-Refresh-Token', a.refresh), 401, 'token_revoked');
    expect((await gw.http().post('/auth/refresh').set('X-Refresh-Token', b.refresh)).status).toBe(200);
  });

  it('the refresh token in the JSON body names the session too', async () => {
    const gw = gateway();
    const [a, b] = await threeSessions(gw);
    const res = await gw.http().post('/auth/logout').send({ refreshToken: a.refresh });
    expect(res.status).toBe(204);
    await expectRevoked(gw, a);
    await expectLive(gw, b);
  });

  it('no token, a garbage token, a forged token or an already revoked one → 204, nothing revoked', async () => {
    const gw = gateway();
    const [a, b] = await threeSessions(gw);
    const forged = tampered(b.access, { sub: 'someone-else' });
    gw.remember(forged, 'garbage.token.here');
    const answers = [
      await gw.http().post('/auth/logout'),
      await gw.http().post('/auth/logout?scope=global').set('Authorization', 'Bearer garbage.token.here'),
      await gw.http().post('/auth/logout?scope=global').set('Authorization', `Bearer ${forged}`),
      await gw.http().post('/auth/logout?scope=others').set('Cookie', 'access_token=nonsense; refresh_token=nonsense'),
    ];
    for (const res of answers) expect(res.status).toBe(204);
    await expectLive(gw, b);
    expect((await gw.http().post('/auth/logout').set('Authorization', `Bearer ${a.access}`)).status).toBe(204);
    const again = await gw.http().post('/auth/logout?scope=global').set('Authorization', `Bearer ${a.access}`);
    expect(again.status).toBe(204);
    await expectLive(gw, b);
  });

  it.each(['everything', 'LOCAL', '', 'local&scope=global'])('?scope=%s → 400 invalid_request, nothing revoked', async (scope) => {
    const gw = gateway();
    const [a] = await threeSessions(gw);
    const res = await gw.http().post(`/auth/logout?scope=${scope}`).set('Authorization', `Bearer ${a.access}`);
    expectError(res, 400, 'invalid_request');
    await expectLive(gw, a);
  });

  it('a cookie-authenticated logout with Sec-Fetch-Site: cross-site → 403 forbidden, session kept', async () => {
    const gw = gateway();
    const [a] = await threeSessions(gw);
    const res = await gw.http().post('/auth/logout?scope=global').set('Sec-Fetch-Site', 'cross-site').set('Cookie', cookieHeader(a));
    expectError(res, 403, 'forbidden');
    expect(setCookies(res)).toEqual({});
    await expectLive(gw, a);
  });

  // Regression: Koa 3 `ctx.origin` is the request Origin header; the own origin must be built from protocol and host.
  it('a cookie-authenticated logout with a foreign Origin → 403 forbidden, session kept', async () => {
    const gw = gateway();
    const [a] = await threeSessions(gw);
    const res = await gw.http().post('/auth/logout?scope=global').set('Origin', 'https://evil.example').set('Cookie', cookieHeader(a));
    expectError(res, 403, 'forbidden');
    await expectLive(gw, a);
  });

  itKeepsSecretsOutOfLogs(gateway);
});
