import type { Knex } from 'knex';
import type { Response } from 'supertest';
import { expectError, forEachStorage, freshIp, itLeaksNoSecrets, useGateway, type SecurityGateway, type User } from '../support/security-harness';
import { rawRequest } from './support/raw-http';

/** Raw JSON bodies with prototype keys, anywhere in the document. */
const PROTOTYPE_BODIES: [string, (u: User) => string][] = [
  ['a top-level __proto__ key', (u) => `{"__proto__":{"admin":true},"username":${JSON.stringify(u.username)},"password":${JSON.stringify(u.password)}}`],
  ['a top-level constructor key', (u) => `{"constructor":{"prototype":{"admin":true}},"username":${JSON.stringify(u.username)},"password":${JSON.stringify(u.password)}}`],
  ['a prototype key', (u) => `{"prototype":{},"username":${JSON.stringify(u.username)},"password":${JSON.stringify(u.password)}}`],
  ['a nested __proto__ key', (u) => `{"username":${JSON.stringify(u.username)},"password":${JSON.stringify(u.password)},"x":{"y":{"__proto__":{"admin":true}}}}`],
];

/** Values that are not strings where strings are expected; the first is the Knex/MySQL object-in-where trap. */
const NOT_STRINGS: [string, unknown][] = [
  ['an object naming a column', { username_normalized: 'x' }],
  ['an object', { $ne: null }],
  ['an array', ['a', 'b']],
  ['an empty array', []],
  ['a number', 1],
  ['a boolean', true],
  ['null', null],
];

forEachStorage('security: input hardening', (target) => {
  const gateway = useGateway(target);
  let user: User;
  beforeAll(async () => {
    user = await gateway().addUser();
  });
  const login = (gw: SecurityGateway) => gw.http().post('/auth/login').set('X-Forwarded-For', freshIp());
  const expectBadRequest = (res: Response) => {
    expectError(res, 400, 'invalid_request');
    expect(res.body).not.toHaveProperty('accessToken');
  };

  it.each(PROTOTYPE_BODIES)('refuses a JSON login body with %s: 400 invalid_request, even with the right password', async (_, body) => {
    expectBadRequest(await login(gateway()).set('Content-Type', 'application/json').send(body(user)));
  });

  it('refuses a form login with a __proto__ field, even with the right password: 400 and the form again', async () => {
    const form = `username=${encodeURIComponent(user.username)}&password=${encodeURIComponent(user.password)}&__proto__=1`;
    const res = await login(gateway()).type('form').send(form);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it.each(NOT_STRINGS)('refuses %s as username or password: 400 invalid_request, never 500', async (_, value) => {
    const gw = gateway();
    expectBadRequest(await login(gw).send({ username: value, password: user.password }));
    expectBadRequest(await login(gw).send({ username: user.username, password: value }));
  });

  it.each(NOT_STRINGS)('refuses %s as refreshToken on /auth/refresh and /auth/logout', async (_, value) => {
    const gw = gateway();
    expectBadRequest(await gw.http().post('/auth/refresh').send({ refreshToken: value }));
    expectBadRequest(await gw.http().post('/auth/logout').send({ refreshToken: value }));
  });

  it.each([
    ['text/plain', 'username=a&password=b'],
    ['application/xml', '<login><username>a</username></login>'],
    ['application/json', '{"username": "a", "password": '],
    ['application/json', '["username", "password"]'],
  ])('refuses a %s login body %j: 400 invalid_request', async (type, body) => {
    expectBadRequest(await login(gateway()).set('Content-Type', type).send(body));
  });

  it('refuses credentials in the query string, even with a valid body', async () => {
    const gw = gateway();
    const res = await gw.http().post(`/auth/login?password=${encodeURIComponent(user.password)}`).send({ username: user.username, password: user.password });
    expectBadRequest(res);
  });

  it('GET /auth/login with credentials in the query string: 400 and the form again, empty, echoing nothing from the URL', async () => {
    const gw = gateway();
    const res = await gw.http().get(`/auth/login?username=${encodeURIComponent(user.username)}&password=${encodeURIComponent(user.password)}&rd=%2Fapp`);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toMatch(/not accepted in the query string/);
    expect(res.text).not.toContain(user.password);
    expect(res.text).not.toContain(`value="${user.username}"`);
    expect(res.text).toContain('value="/app"');
    // A client that takes only JSON gets the JSON error.
    expectBadRequest(await gw.http().get('/auth/login?password=x').set('Accept', 'application/json'));
    // Without credentials the same URL is the plain form.
    expect((await gw.http().get('/auth/login?rd=%2Fapp')).status).toBe(200);
  });

  it('refuses a body that is not valid UTF-8', async () => {
    const bytes = Buffer.concat([Buffer.from('{"username":"'), Buffer.from([0xc3, 0x28]), Buffer.from('","password":"x"}')]);
    expectBadRequest(await login(gateway()).set('Content-Type', 'application/json').send(bytes));
  });

  it('refuses a body over BODY_LIMIT (16 KB) with 413 payload_too_large', async () => {
    const res = await login(gateway()).send({ username: user.username, password: 'p'.repeat(17 * 1024) });
    expectError(res, 413, 'payload_too_large');
  });

  it('refuses request headers over Node’s 16 KB limit with 431 (raw HTTP)', async () => {
    const res = await rawRequest(gateway().port, 'GET', '/auth/me', [`X-Padding: ${'a'.repeat(20 * 1024)}`]);
    expect(res.status).toBe(431);
  });

  itLeaksNoSecrets(gateway);

  if (target().kind !== 'mysql') return;

  describe('the MySQL driver underneath', () => {
    const config = () => gateway().db().client.config as Knex.Config & { connection: Record<string, unknown> };

    it('runs with stringifyObjects on and multipleStatements off (the live connection config)', () => {
      expect(config().client).toBe('mysql2');
      expect(config().connection).toMatchObject({ stringifyObjects: true, multipleStatements: false });
    });

    it('matches no row when an object reaches a query as a value (the object-in-where trap)', async () => {
      const db = gateway().db();
      const name = user.username.toLowerCase();
      expect(await db('users').where('username_normalized', name)).toHaveLength(1);
      expect(() => db('users').where('username_normalized', { username_normalized: name } as never).toSQL()).toThrow(/must not be object or array/);
      const [rows] = (await db.raw('select id from users where username_normalized = ?', [{ username_normalized: 1 } as never])) as [unknown[]];
      expect(rows).toEqual([]);
    });

    it('refuses two statements in one query', async () => {
      await expect(gateway().db().raw('select 1; select 2')).rejects.toMatchObject({ code: 'ER_PARSE_ERROR' });
    });
  });
});
