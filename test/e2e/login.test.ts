import { cookieHeader, expectTokenCookie, setCookies } from '../support/e2e-cookies';
import { expectError, forEachStorage, itKeepsSecretsOutOfLogs, TTL, useGateway } from '../support/e2e-harness';
import { jwtHeader, jwtPayload } from '../support/e2e-jwt';

const FORM = 'application/x-www-form-urlencoded';
const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();

forEachStorage('e2e: login', (target) => {
  const gateway = useGateway(target);

  it('JSON login answers a TokenResponse, both cookies and Cache-Control: no-store', async () => {
    const gw = gateway();
    const user = await gw.addUser({ roles: ['admin', 'reader'] });
    const res = gw.track(await gw.http().post('/auth/login').send({ username: user.username, password: user.password }));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(Object.keys(res.body).sort()).toEqual(['accessToken', 'expiresIn', 'refreshExpiresIn', 'refreshToken', 'reissued', 'tokenType']);
    expect(res.body).toEqual({
      tokenType: 'Bearer',
      accessToken: expect.any(String),
      expiresIn: TTL.access,
      refreshToken: expect.any(String),
      refreshExpiresIn: TTL.refresh,
      reissued: ['access', 'refresh'],
    });
    expect(res.headers['cache-control']).toBe('no-store');
    const cookies = setCookies(res);
    expect(Object.keys(cookies).sort()).toEqual(['access_token', 'refresh_token']);
    expectTokenCookie(cookies.access_token, res.body.accessToken, TTL.access);
    expectTokenCookie(cookies.refresh_token, res.body.refreshToken, TTL.refresh);
  });

  it('the tokens carry the SPEC §2 headers and claims', async () => {
    const gw = gateway();
    const user = await gw.addUser({ roles: ['admin'] });
    const t = await gw.login(user);
    const now = Math.floor(gw.clock.now() / 1000);
    expect(jwtHeader(t.access)).toMatchObject({ alg: 'HS256', typ: 'at+jwt' });
    expect(jwtHeader(t.refresh)).toMatchObject({ alg: 'HS256', typ: 'rt+jwt' });
    const common = { sub: user.id, sid: t.sid, jti: expect.any(String), iss: 'tokengate', aud: 'tokengate' };
    expect(jwtPayload(t.access)).toMatchObject({ ...common, iat: now, exp: now + TTL.access, roles: ['admin'] });
    expect(jwtPayload(t.refresh)).toMatchObject({ ...common, iat: now, exp: now + TTL.refresh });
    expect(jwtPayload(t.refresh)).not.toHaveProperty('roles');
    expect(jwtPayload(t.access).jti).not.toBe(jwtPayload(t.refresh).jti);
  });

  it('form login without rd answers the TokenResponse; with rd it answers 303 to rd, cookies set', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    const plain = gw.track(await gw.http().post('/auth/login').type(FORM).send(form({ username: user.username, password: user.password })));
    expect(plain.status).toBe(200);
    expect(plain.body).toMatchObject({ tokenType: 'Bearer', reissued: ['access', 'refresh'] });
    const rd = gw.track(await gw.http().post('/auth/login').type(FORM).send(form({ username: user.username, password: user.password, rd: '/app?x=1' })));
    expect(rd.status).toBe(303);
    expect(rd.headers.location).toBe('/app?x=1');
    const cookies = setCookies(rd);
    expectTokenCookie(cookies.access_token, cookies.access_token?.value ?? '', TTL.access);
    expectTokenCookie(cookies.refresh_token, cookies.refresh_token?.value ?? '', TTL.refresh);
    const me = await gw.http().get('/auth/me').set('Cookie', cookieHeader({ access: cookies.access_token?.value }));
    expect(me.body).toMatchObject({ username: user.username });
  });

  it('every login opens a new session, whatever cookies and tokens came with it', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    const first = await gw.login(user);
    const second = await gw.login(user, { Cookie: cookieHeader(first), Authorization: `Bearer ${first.access}` });
    expect(second.sid).not.toBe(first.sid);
    const sessions = await gw.http().get('/auth/sessions').set('Authorization', `Bearer ${second.access}`);
    expect((sessions.body as { id: string }[]).map((s) => s.id).sort()).toEqual([first.sid, second.sid].sort());
    expect((await gw.http().get('/auth/me').set('Authorization', `Bearer ${first.access}`)).status).toBe(200);
  });

  it('usernames are case-insensitive; accents stay significant', async () => {
    const gw = gateway();
    const user = await gw.addUser({ username: `Zoë-${process.pid}-${Date.now()}` });
    const upper = await gw.login({ username: user.username.toUpperCase(), password: user.password });
    expect(jwtPayload(upper.access).sub).toBe(user.id);
    const res = await gw.http().post('/auth/login').send({ username: user.username.replace('ë', 'e'), password: user.password });
    expectError(res, 401, 'invalid_credentials');
  });

  it('wrong password, unknown user and disabled user get the same 401 invalid_credentials body', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    const disabled = await gw.addUser();
    await gw.disable(disabled.username);
    const attempts = [
      { username: user.username, password: `${user.password}-wrong` },
      { username: `nobody-${process.pid}`, password: user.password },
      { username: disabled.username, password: disabled.password },
    ];
    const bodies: unknown[] = [];
    for (const attempt of attempts) {
      const res = await gw.http().post('/auth/login').send(attempt);
      expectError(res, 401, 'invalid_credentials');
      expect(setCookies(res)).toEqual({});
      bodies.push(res.body);
    }
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
  });

  it('disabling a user revokes the sessions: refresh → token_revoked, access → token_revoked', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    const t = await gw.login(user);
    await gw.disable(user.username);
    expectError(await gw.http().post('/auth/refresh').set('X-Refresh-Token', t.refresh), 401, 'token_revoked');
    expectError(await gw.http().get('/auth/me').set('Authorization', `Bearer ${t.access}`), 401, 'token_revoked');
    gw.advance(TTL.access + TTL.skew + 1);
    expectError(await gw.http().post('/auth/refresh').set('Cookie', cookieHeader(t)), 401, 'token_revoked');
    expectError(await gw.http().post('/auth/login').send({ username: user.username, password: user.password }), 401, 'invalid_credentials');
  });

  it('GET /auth/login is the HTML form and keeps a safe rd', async () => {
    const gw = gateway();
    const res = await gw.http().get('/auth/login').query({ rd: '/app?x=1&y=<b>' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('name="rd" value="/app?x=1&amp;y=&lt;b&gt;"');
    expect(res.text).not.toContain('<b>');
    const evil = await gw.http().get('/auth/login').query({ rd: '//evil.com' });
    expect(evil.text).toContain('name="rd" value="/"');
  });

  itKeepsSecretsOutOfLogs(gateway);
});
