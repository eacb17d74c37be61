import type { Response } from 'supertest';
import { cookieHeader } from '../support/e2e-cookies';
import { expectNoLeak } from '../support/e2e-logs';
import { expectError, forEachStorage, itKeepsSecretsOutOfLogs, useGateway } from '../support/e2e-harness';

type Verb = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Wrong methods on each auth endpoint, and a method the `Allow` header must list. */
const WRONG_METHODS: [Verb, string, string][] = [
  ['get', '/auth/refresh', 'POST'],
  ['put', '/auth/refresh', 'POST'],
  ['get', '/auth/logout', 'POST'],
  ['delete', '/auth/logout', 'POST'],
  ['put', '/auth/login', 'POST'],
  ['delete', '/auth/login', 'GET'],
  ['patch', '/auth/login', 'POST'],
  ['post', '/auth/me', 'GET'],
  ['delete', '/auth/me', 'GET'],
  ['post', '/auth/sessions', 'GET'],
  ['put', '/auth/sessions', 'GET'],
];

const VALID_IDS = ['abc-123', 'A.b_C-9', 'r'.repeat(128)];
const INVALID_IDS = ['r'.repeat(129), 'y'.repeat(200), 'has spaces in it', 'semi;colon', 'quote"d', 'slash/ed', 'ünïcode'];

forEachStorage('e2e: hostile routes and headers', (target) => {
  const gateway = useGateway(target);
  const check = (res: Response, status: number, code: string): void => {
    expectError(res, status, code);
    expectNoLeak(res, gateway().secrets);
  };

  it.each(WRONG_METHODS)('%s %s → 405 method_not_allowed with an Allow header listing %s', async (verb, path, allowed) => {
    const res = await gateway().http()[verb](path).send({});
    check(res, 405, 'method_not_allowed');
    const allow = String(res.headers.allow ?? '').split(/,\s*/);
    expect(allow).toContain(allowed);
    expect(allow).not.toContain(verb.toUpperCase());
  });

  it('a wrong method is 405 even with valid credentials and a body (it never runs the endpoint)', async () => {
    const gw = gateway();
    const t = await gw.login(await gw.addUser());
    const res = await gw.http().get('/auth/logout').set('Cookie', cookieHeader(t));
    check(res, 405, 'method_not_allowed');
    expect((await gw.http().get('/auth/me').set('Authorization', `Bearer ${t.access}`)).status).toBe(200);
  });

  it.each(['/auth/nope', '/auth/login/extra', '/auth/me/x', '/auth/', '/auth', '/auth/..%2fhealthz', '/auth/%00'])('GET %s → 404 not_found', async (path) => {
    check(await gateway().http().get(path), 404, 'not_found');
  });

  it.each(['post', 'delete'] as Verb[])('%s on an unknown path under /auth → 404 not_found', async (verb) => {
    check(await gateway().http()[verb]('/auth/does-not-exist').send({}), 404, 'not_found');
  });

  it.each(VALID_IDS)('X-Request-Id %s is kept and echoed', async (id) => {
    const gw = gateway();
    for (const res of [await gw.http().get('/healthz').set('X-Request-Id', id), await gw.http().get('/auth/me').set('X-Request-Id', id)]) {
      expect(res.headers['x-request-id']).toBe(id);
    }
  });

  it.each(INVALID_IDS)('X-Request-Id %s is replaced by a well-formed one', async (id) => {
    const gw = gateway();
    const res = await gw.http().get('/auth/me').set('X-Request-Id', Buffer.from(id, 'utf8').toString('latin1'));
    check(res, 401, 'login_required');
    const given = res.headers['x-request-id'] as string;
    expect(given).not.toBe(id);
    expect(given).toMatch(/^[A-Za-z0-9._-]{1,128}$/);
  });

  it('every answer carries a fresh X-Request-Id: errors, 405, 413 and 404 included', async () => {
    const gw = gateway();
    const answers = [
      await gw.http().get('/auth/nope'),
      await gw.http().get('/auth/refresh'),
      await gw.http().post('/auth/login').set('Content-Type', 'application/json').send(`{"p":"${'q'.repeat(20_000)}"}`),
      await gw.http().post('/auth/login').send({ username: 'nobody-here', password: 'wrong-password' }),
      await gw.http().get('/healthz'),
    ];
    const ids = answers.map((r) => r.headers['x-request-id'] as string);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9._-]{1,128}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(answers.map((r) => r.status)).toEqual([404, 405, 413, 401, 200]);
  });

  it('headers over Node\'s default limit get 431', async () => {
    const res = await gateway().http().get('/auth/me').set('X-Padding', 'p'.repeat(20 * 1024)).ok(() => true);
    expect(res.status).toBe(431);
  });

  it('no answer in this file was a 500 with details: the error middleware keeps bodies generic', async () => {
    const gw = gateway();
    const res = await gw.http().get('/auth/me').set('Cookie', 'access_token=%E0%A4%A; refresh_token=%');
    expect(res.status).not.toBe(500);
    expectNoLeak(res, gw.secrets);
  });

  itKeepsSecretsOutOfLogs(gateway);
});
