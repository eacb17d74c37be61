import { cookieHeader, setCookies } from '../support/e2e-cookies';
import { expectError, forEachStorage, itKeepsSecretsOutOfLogs, TTL, useGateway, type Gateway, type StorageTarget } from '../support/e2e-harness';
import { jwtHeader, jwtPayload } from '../support/e2e-jwt';
import { codeAt, codeStep, enrol, passwordStep } from '../support/e2e-totp';
import { describeWithRedis } from '../support/redis';
import { TYPES } from '../../src/container';

const FORM = 'application/x-www-form-urlencoded';
const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();

/** The journeys of SPEC §12 over HTTP; every test uses its own user and moves the clock on. */
function mfaJourneys(gateway: () => Gateway): void {
  it('a right password of an enrolled user answers 401 mfa_required with a 5-minute mfaToken of its own typ', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    await enrol(gw, user);
    gw.advance(31);
    const res = await gw.http().post('/auth/login').send({ username: user.username, password: user.password });
    gw.remember(res.body.mfaToken);
    expectError(res, 401, 'mfa_required');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(Object.keys(res.body).sort()).toEqual(['error', 'error_description', 'expiresIn', 'mfaToken']);
    expect(jwtHeader(res.body.mfaToken)).toMatchObject({ typ: 'mfa+jwt' });
    const claims = jwtPayload(res.body.mfaToken);
    expect(claims.exp - (claims as unknown as { iat: number }).iat).toBe(300);
    expect(res.body.expiresIn).toBe(300);
  });

  it('the code step answers a TokenResponse with amr ["pwd","otp"], kept by refresh', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    const { secret } = await enrol(gw, user);
    gw.advance(31);
    const res = await codeStep(gw, await passwordStep(gw, user), codeAt(secret, gw.clock.now()));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: TTL.access, reissued: ['access', 'refresh'] });
    expect(jwtPayload(res.body.accessToken)).toMatchObject({ sub: user.id, amr: ['pwd', 'otp'] });
    expect(Object.keys(setCookies(res)).sort()).toEqual(['access_token', 'refresh_token']);
    gw.advance(TTL.access + TTL.skew + 1);
    const refreshed = gw.track(await gw.http().post('/auth/refresh').send({ refreshToken: res.body.refreshToken }));
    expect(refreshed.status).toBe(200);
    expect(jwtPayload(refreshed.body.accessToken)).toMatchObject({ amr: ['pwd', 'otp'] });
  });

  it('a user without a second factor gets amr ["pwd"]', async () => {
    const gw = gateway();
    const t = await gw.login(await gw.addUser());
    expect(jwtPayload(t.access)).toMatchObject({ amr: ['pwd'] });
  });

  it('a wrong password answers exactly as for a user without a second factor', async () => {
    const gw = gateway();
    const [enrolled, plain] = [await gw.addUser(), await gw.addUser()];
    await enrol(gw, enrolled);
    const answer = async (username: string) => {
      const res = await gw.http().post('/auth/login').send({ username, password: 'wrong-password' });
      return { status: res.status, body: res.body, auth: res.headers['www-authenticate'] };
    };
    expect(await answer(enrolled.username)).toEqual(await answer(plain.username));
    expect((await answer(enrolled.username)).body).toEqual({ error: 'invalid_credentials', error_description: 'invalid username or password' });
  });

  it('an mfaToken works once, a used code is refused (replay), and a wrong code may be retried', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    const { secret } = await enrol(gw, user);
    gw.advance(31);
    const token = await passwordStep(gw, user);
    expectError(await codeStep(gw, token, '000000' === codeAt(secret, gw.clock.now()) ? '111111' : '000000'), 401, 'invalid_credentials');
    const code = codeAt(secret, gw.clock.now());
    expect((await codeStep(gw, token, code)).status).toBe(200);
    expectError(await codeStep(gw, token, codeAt(secret, gw.clock.now(), 1)), 401, 'invalid_token');
    gw.advance(1);
    expectError(await codeStep(gw, await passwordStep(gw, user), code), 401, 'invalid_credentials');
  });

  it('an mfaToken from before a password change is refused (invalid_token): the password step no longer stands; the new password\'s works', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    const { secret } = await enrol(gw, user);
    gw.advance(31);
    const token = await passwordStep(gw, user);
    gw.advance(1);
    const password = 'a brand new password 0123';
    await gw.comp.container.get(TYPES.ChangePassword).execute(user.username, password);
    expectError(await codeStep(gw, token, codeAt(secret, gw.clock.now())), 401, 'invalid_token');
    expect((await codeStep(gw, await passwordStep(gw, { ...user, password }), codeAt(secret, gw.clock.now()))).status).toBe(200);
  });

  it('accepts one step of drift either way, not two', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    const { secret } = await enrol(gw, user);
    gw.advance(90);
    expectError(await codeStep(gw, await passwordStep(gw, user), codeAt(secret, gw.clock.now(), 2)), 401, 'invalid_credentials');
    expectError(await codeStep(gw, await passwordStep(gw, user), codeAt(secret, gw.clock.now(), -2)), 401, 'invalid_credentials');
    expect((await codeStep(gw, await passwordStep(gw, user), codeAt(secret, gw.clock.now(), -1))).status).toBe(200);
    gw.advance(1);
    expect((await codeStep(gw, await passwordStep(gw, user), codeAt(secret, gw.clock.now(), 1))).status).toBe(200);
  });

  it('a recovery code works once', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    const { recoveryCodes } = await enrol(gw, user);
    expect(recoveryCodes).toHaveLength(10);
    gw.advance(1);
    expect((await codeStep(gw, await passwordStep(gw, user), recoveryCodes[3]!.toLowerCase())).status).toBe(200);
    gw.advance(1);
    expectError(await codeStep(gw, await passwordStep(gw, user), recoveryCodes[3]!), 401, 'invalid_credentials');
  });

  it('the mfaToken is refused as a bearer, a cookie and a refresh token, and after 5 minutes', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    const { secret } = await enrol(gw, user);
    gw.advance(31);
    const token = await passwordStep(gw, user);
    expectError(await gw.http().get('/auth/me').set('Authorization', `Bearer ${token}`), 401, 'invalid_token');
    expect((await gw.http().get('/auth/me').set('Cookie', cookieHeader({ access: token }))).status).toBe(401);
    expect((await gw.http().post('/auth/refresh').send({ refreshToken: token })).status).toBe(401);
    gw.advance(300 + TTL.skew + 1);
    expectError(await codeStep(gw, token, codeAt(secret, gw.clock.now())), 401, 'invalid_token');
  });

  it('the HTML form shows a code step that keeps rd, then redirects there', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    const { secret } = await enrol(gw, user);
    gw.advance(31);
    const page = await gw.http().post('/auth/login').type(FORM).send(form({ username: user.username, password: user.password, rd: '/app?x=1' }));
    expect(page.status).toBe(401);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('action="/auth/login/2fa"');
    expect(page.text).toContain('name="rd" value="/app?x=1"');
    const mfaToken = /name="mfaToken" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    gw.remember(mfaToken);
    const wrong = await gw.http().post('/auth/login/2fa').type(FORM).send(form({ mfaToken, code: 'nope', rd: '/app?x=1' }));
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('Invalid code');
    // SPEC §4: every 401 carries WWW-Authenticate, the form's as the JSON one.
    expect(wrong.headers['www-authenticate']).toBe('Bearer error="invalid_credentials"');
    // A malformed code (over the 64-character limit) asks again with the same mfaToken, which still works.
    const malformed = await gw.http().post('/auth/login/2fa').type(FORM).send(form({ mfaToken, code: '1'.repeat(70), rd: '/app?x=1' }));
    expect(malformed.status).toBe(400);
    expect(malformed.text).toContain('action="/auth/login/2fa"');
    expect(malformed.text).toContain(`name="mfaToken" value="${mfaToken}"`);
    expect(malformed.text).toContain('Enter the six-digit code');
    const done = gw.track(await gw.http().post('/auth/login/2fa').type(FORM).send(form({ mfaToken, code: codeAt(secret, gw.clock.now()), rd: '/app?x=1' })));
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/app?x=1');
    expect(Object.keys(setCookies(done)).sort()).toEqual(['access_token', 'refresh_token']);
  });

  it('a form code step with a dead mfaToken starts over at the password, 401 with WWW-Authenticate', async () => {
    const gw = gateway();
    const page = await gw.http().post('/auth/login/2fa').type(FORM).send(form({ mfaToken: 'not.a.jwt', code: '123456', rd: '/app' }));
    expect(page.status).toBe(401);
    expect(page.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(page.text).toContain('Your sign-in expired');
    expect(page.text).toContain('action="/auth/login"');
  });

  it('a malformed code step is a 400, never a 500', async () => {
    const gw = gateway();
    expectError(await gw.http().post('/auth/login/2fa').send({ mfaToken: 'x' }), 400, 'invalid_request');
    expectError(await gw.http().post('/auth/login/2fa').send({ mfaToken: 5, code: '123456' }), 400, 'invalid_request');
    expectError(await gw.http().post('/auth/login/2fa').send({ mfaToken: 'not.a.jwt', code: '123456' }), 401, 'invalid_token');
  });
}

forEachStorage('e2e: TOTP second factor', (target) => {
  const gateway = useGateway(target);
  mfaJourneys(gateway);
  itKeepsSecretsOutOfLogs(gateway);
});

describeWithRedis('e2e: TOTP second factor [sqlite users, Redis sessions]', (redis) => {
  const sqlite = (): StorageTarget => ({ kind: 'sqlite', databaseUrl: (dir) => `sqlite:${dir}/t.db` });
  describe('on redis', () => {
    const gateway = useGateway(sqlite, { get SESSION_STORE_URL() { return redis().url; } } as unknown as Record<string, string>);
    mfaJourneys(gateway);
  });
});

forEachStorage('e2e: TOTP second factor, throttled', (target) => {
  const gateway = useGateway(target, { LOGIN_RATE_LIMIT: '3/1m' });

  it('wrong codes count toward LOGIN_RATE_LIMIT like wrong passwords', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    const { secret } = await enrol(gw, user);
    gw.advance(31);
    const token = await passwordStep(gw, user);
    const wrong = codeAt(secret, gw.clock.now(), 5);
    expectError(await codeStep(gw, token, wrong), 401, 'invalid_credentials');
    expectError(await codeStep(gw, token, wrong), 401, 'invalid_credentials');
    const throttled = await codeStep(gw, token, codeAt(secret, gw.clock.now()));
    expectError(throttled, 429, 'rate_limited');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
  });
});

// A store and gateway of their own: the block above leaves its address's limit spent.
forEachStorage('e2e: TOTP second factor, successful logins and LOGIN_RATE_LIMIT', (target) => {
  const fresh = useGateway(target, { LOGIN_RATE_LIMIT: '3/1m' });

  // Regression: the password step's attempt stayed counted after the code step succeeded, so
  // every two-factor login left one count on the client address's limit (SPEC §7: an attempt
  // is given back when it succeeds); the fourth login from one address was refused.
  it('a two-factor login that succeeds gives back both of its attempts', async () => {
    const gw = fresh();
    const users = [await gw.addUser(), await gw.addUser(), await gw.addUser(), await gw.addUser()];
    const secrets = [];
    for (const user of users) secrets.push((await enrol(gw, user)).secret);
    gw.advance(31);
    const statuses = [];
    for (const [i, user] of users.entries()) {
      const res = await codeStep(gw, await passwordStep(gw, user), codeAt(secrets[i]!, gw.clock.now()));
      statuses.push(res.status);
    }
    const other = await gw.addUser();
    const plain = await gw.http().post('/auth/login').send({ username: other.username, password: other.password });
    gw.track(plain);
    expect({ twoFactor: statuses, plain: plain.status }).toEqual({ twoFactor: [200, 200, 200, 200], plain: 200 });
  });
});
