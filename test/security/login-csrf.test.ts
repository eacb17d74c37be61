import { expectError, forEachStorage, freshIp, itLeaksNoSecrets, useGateway } from '../support/security-harness';

const FOREIGN = 'https://evil.example';
const ALLOWED = 'https://app.example';

/** Issue 12 #3: login CSRF. The CSRF rule applies to every POST /auth/login and /auth/logout, cookies or not. */
forEachStorage('security: login and logout CSRF', (target) => {
  const gateway = useGateway(target, { CORS_ORIGINS: ALLOWED });

  it.each([
    ['a foreign Origin', { Origin: FOREIGN }],
    ['Origin: null', { Origin: 'null' }],
    ['Sec-Fetch-Site: cross-site without Origin', { 'Sec-Fetch-Site': 'cross-site' }],
  ])('refuses a cross-site form login with %s: 403 forbidden, no cookies, no session', async (_what, headers) => {
    const gw = gateway();
    const attacker = await gw.addUser('attacker');
    const res = await gw
      .http()
      .post('/auth/login')
      .set('X-Forwarded-For', freshIp())
      .set(headers)
      .type('form')
      .send({ username: attacker.username, password: attacker.password, rd: '/' });
    expectError(res, 403, 'forbidden');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(gw.logs.entries().filter((e) => e.event === 'login_success' && e.username === attacker.username)).toEqual([]);
  });

  it('refuses a cross-site JSON login too', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    const res = await gw.http().post('/auth/login').set('Origin', FOREIGN).send({ username: user.username, password: user.password });
    expectError(res, 403, 'forbidden');
  });

  it('accepts a login from the gateway itself, from CORS_ORIGINS, and from non-browser clients', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    const own = `http://127.0.0.1:${gw.port}`;
    for (const headers of [{ Origin: own }, { Origin: ALLOWED }, { 'Sec-Fetch-Site': 'same-origin' }, {}]) {
      const res = await gw.http().post('/auth/login').set('X-Forwarded-For', freshIp()).set(headers).send({ username: user.username, password: user.password });
      expect(res.status).toBe(200);
      gw.track(res);
    }
  });

  it('refuses a cross-site logout carried by a header token (no cookie)', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    const t = await gw.login(user);
    const res = await gw.http().post('/auth/logout').set('Origin', FOREIGN).set('Authorization', `Bearer ${t.access}`).set('X-Refresh-Token', t.refresh);
    expectError(res, 403, 'forbidden');
    expect((await gw.me(t.access)).status).toBe(200);
  });

  itLeaksNoSecrets(gateway);
});
