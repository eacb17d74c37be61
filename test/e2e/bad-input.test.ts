import type { Response } from 'supertest';
import { TYPES } from '../../src/container';
import { expectNoLeak } from '../support/e2e-logs';
import { expectError, forEachStorage, itKeepsSecretsOutOfLogs, useGateway, type Gateway, type TestUser } from '../support/e2e-harness';

const FORM = 'application/x-www-form-urlencoded';
const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();
const emoji = (n: number): string => '😀'.repeat(n);

/** Raw JSON text (so `__proto__` and malformed bodies reach the wire as written). */
const RAW_BODIES: [string, (u: TestUser) => string][] = [
  ['malformed JSON', () => '{"username":'],
  ['JSON with single quotes', () => "{'username':'a','password':'b'}"],
  ['a JSON array', (u) => JSON.stringify([{ username: u.username, password: u.password }])],
  ['JSON null', () => 'null'],
  ['a JSON number', () => '42'],
  ['a JSON string', () => '"hello"'],
  ['a __proto__ key', (u) => `{"username":${JSON.stringify(u.username)},"password":${JSON.stringify(u.password)},"__proto__":{"admin":true}}`],
  ['a constructor key', (u) => `{"username":${JSON.stringify(u.username)},"password":${JSON.stringify(u.password)},"constructor":{"prototype":{"admin":true}}}`],
  ['a nested prototype key', (u) => `{"username":${JSON.stringify(u.username)},"password":${JSON.stringify(u.password)},"x":{"prototype":1}}`],
];

/** Well-formed JSON objects with bad fields. */
const BAD_FIELDS: [string, (u: TestUser) => Record<string, unknown>][] = [
  ['username is an object', (u) => ({ username: { a: 1 }, password: u.password })],
  ['username is a number', (u) => ({ username: 123, password: u.password })],
  ['username is an array', (u) => ({ username: [u.username], password: u.password })],
  ['username is null', (u) => ({ username: null, password: u.password })],
  ['password is a number', (u) => ({ username: u.username, password: 12345678 })],
  ['password is an array', (u) => ({ username: u.username, password: [u.password] })],
  ['password is an object', (u) => ({ username: u.username, password: { $ne: '' } })],
  ['username missing', (u) => ({ password: u.password })],
  ['password missing', (u) => ({ username: u.username })],
  ['empty object', () => ({})],
  ['empty username', (u) => ({ username: '', password: u.password })],
  ['empty password', (u) => ({ username: u.username, password: '' })],
  ['a 129-code-point username', (u) => ({ username: emoji(129), password: u.password })],
  ['a 1025-code-point password', (u) => ({ username: u.username, password: emoji(1025) })],
  ['a NUL in the username', (u) => ({ username: `${u.username}\u0000`, password: u.password })],
  ['a BEL in the username', (u) => ({ username: `\u0007${u.username}`, password: u.password })],
  ['a newline in the username', (u) => ({ username: `${u.username}\n`, password: u.password })],
  ['a zero-width space (Cf) in the username', (u) => ({ username: `\u200b${u.username}`, password: u.password })],
  ['a right-to-left override (Cf) in the username', (u) => ({ username: `\u202e${u.username}`, password: u.password })],
];

const EVIL_RD = ['//evil.com', 'https://evil.com', '/\\evil.com', '%2F%2Fevil.com', '%2f%2fevil.com/x', 'javascript:alert(1)', '/%5Cevil.com', 'evil.com', '\t//evil.com'];

forEachStorage('e2e: hostile input', (target) => {
  const gateway = useGateway(target, { BODY_LIMIT: '16kb' });
  let user: TestUser;
  beforeAll(async () => {
    user = await gateway().addUser();
  });

  /** Every answer here: exact status and code, never a 500, no stack, SQL, token or password. */
  const check = (res: Response, status: number, code: string): void => {
    expectError(res, status, code);
    expectNoLeak(res, gateway().secrets);
  };
  const login = (gw: Gateway) => gw.http().post('/auth/login');

  it.each(RAW_BODIES)('POST /auth/login with %s → 400 invalid_request', async (_, body) => {
    const gw = gateway();
    check(await login(gw).set('Content-Type', 'application/json').send(body(user)), 400, 'invalid_request');
  });

  it.each(BAD_FIELDS)('POST /auth/login where %s → 400 invalid_request', async (_, body) => {
    const gw = gateway();
    check(await login(gw).send(body(user)), 400, 'invalid_request');
  });

  it('limits count code points: a 128-code-point username and a 1024-code-point password are accepted', async () => {
    const gw = gateway();
    check(await login(gw).send({ username: emoji(128), password: user.password }), 401, 'invalid_credentials');
    const astral = await gw.addUser();
    const password = emoji(1024);
    gw.remember(password);
    await gw.comp.container.get(TYPES.ChangePassword).execute(astral.username, password);
    const ok = await login(gw).send({ username: astral.username, password });
    expect(ok.status).toBe(200);
    gw.track(ok);
  });

  it.each([
    ['/auth/login', '?username=a&password=b'],
    ['/auth/login', '?password=b'],
    ['/auth/refresh', '?refresh_token=a.b.c'],
    ['/auth/refresh', '?refreshToken=a.b.c'],
    ['/auth/logout', '?access_token=a.b.c'],
  ])('credentials in the query string of POST %s%s → 400 invalid_request', async (path, query) => {
    const gw = gateway();
    check(await gw.http().post(`${path}${query}`).send({ username: user.username, password: user.password }), 400, 'invalid_request');
  });

  it.each(['/auth/login', '/auth/refresh', '/auth/logout'])('POST %s over BODY_LIMIT → 413 payload_too_large', async (path) => {
    const gw = gateway();
    const body = JSON.stringify({ username: user.username, password: user.password, pad: 'p'.repeat(17 * 1024) });
    check(await gw.http().post(path).set('Content-Type', 'application/json').send(body), 413, 'payload_too_large');
  });

  it.each(['/auth/login', '/auth/refresh', '/auth/logout'])('POST %s with invalid UTF-8 bytes or malformed JSON → 400 invalid_request', async (path) => {
    const gw = gateway();
    const bytes = Buffer.concat([Buffer.from('{"refreshToken":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('"}')]);
    // Without `serialize`, superagent would JSON.stringify the Buffer instead of sending its bytes.
    const raw = await gw.http().post(path).set('Content-Type', 'application/json').serialize((b: unknown) => b as string).send(bytes);
    check(raw, 400, 'invalid_request');
    check(await gw.http().post(path).set('Content-Type', 'application/json').send('{"refreshToken":'), 400, 'invalid_request');
  });

  it.each([
    ['application/xml', '<login><username>a</username></login>'],
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="username"\r\n\r\na\r\n--x--\r\n'],
    ['text/plain', 'username=a&password=b'],
  ])('POST /auth/login as %s → 400 invalid_request (unsupported content type)', async (type, body) => {
    const res = await login(gateway()).set('Content-Type', type).send(body);
    expect([400, 415]).toContain(res.status);
    expect(res.body.error).toBe('invalid_request');
    expectNoLeak(res, gateway().secrets);
  });

  // Regression: koa-bodyparser's text types include text/plain, which used to be parsed as JSON.
  it('POST /auth/login as text/plain carrying valid JSON credentials is refused too (unsupported content type)', async () => {
    const gw = gateway();
    const res = await login(gw).set('Content-Type', 'text/plain').send(JSON.stringify({ username: user.username, password: user.password }));
    gw.track(res);
    expect([400, 415]).toContain(res.status);
    expect(res.body.error).toBe('invalid_request');
  });

  describe('form logins', () => {
    const post = (fields: string) => login(gateway()).type(FORM).send(fields);

    it('a wrong password answers the HTML form again: 401 text/html with the error', async () => {
      const res = await post(form({ username: user.username, password: 'wrong-password-123', rd: '/app' }));
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toMatch(/<form[^>]+method="post"/);
      expect(res.text).toContain('role="alert"');
      expect(res.text).toContain('name="rd" value="/app"');
      expect(res.text).not.toContain('wrong-password-123');
      expectNoLeak(res, gateway().secrets);
    });

    const expectFormAgain = async (fields: string): Promise<void> => {
      const res = await post(fields);
      expectNoLeak(res, gateway().secrets);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('role="alert"');
    };

    it.each([
      ['a missing password', () => form({ username: user.username })],
      ['a 129-code-point username', () => form({ username: emoji(129), password: 'x' })],
      ['a control character in the username', () => form({ username: 'bob\u0001', password: 'x' })],
    ])('%s answers the HTML form again: 400 text/html', (_, fields) => expectFormAgain(fields()));

    it('credentials in the query string of a form post answer the HTML form again: 400 text/html', async () => {
      const res = await login(gateway()).query({ password: 'pw-in-url' }).type(FORM).send(form({ username: 'a', password: 'b' }));
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).not.toContain('pw-in-url');
    });

    // Regression: errors found while parsing a form used to answer JSON, not the form.
    it.each([
      ['a __proto__ field', () => `username=${encodeURIComponent(user.username)}&password=x&__proto__=1`],
      ['a repeated field', () => 'username=a&username=b&password=x'],
      ['broken percent-encoding', () => 'username=%E0%A4%A&password=x'],
    ])('%s answers the HTML form again: 400 text/html', (_, fields) => expectFormAgain(fields()));

    it('rd=/app?x=1 → 303 Location /app?x=1', async () => {
      const res = gateway().track(await post(form({ username: user.username, password: user.password, rd: '/app?x=1' })));
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/app?x=1');
    });

    it.each(EVIL_RD)('rd=%s lands on /', async (rd) => {
      const res = gateway().track(await post(form({ username: user.username, password: user.password, rd })));
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/');
    });
  });

  itKeepsSecretsOutOfLogs(gateway);
});
