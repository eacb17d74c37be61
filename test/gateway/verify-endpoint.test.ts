import { mkdtempSync, rmSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request, { type Response, type Test } from 'supertest';
import { loadConfig } from '../../src/config';
import { compose, TYPES, type Composition } from '../../src/container';
import { verifyEndpoint } from '../../src/adapters/http/verify-endpoint';
import { gatewayListener } from '../../src/adapters/http/entry';
import { FixedClock } from '../support/fixed-clock';

/**
 * `/auth/verify`'s writer on Node's response (src/adapters/http/verify-endpoint.ts) must
 * answer exactly as the Koa route (kept for CORS) does, through the same admission, and
 * leave only CORS requests and other paths to Koa.
 */
interface Rig {
  dir: string;
  comp: Composition;
  clock: FixedClock;
  /** The entry listener (the verify writer, then Koa), counting the requests it handed to Koa. */
  handler: RequestListener;
  slowCalls: () => number;
  login(): Promise<{ access: string; refresh: string }>;
}

async function rig(env: Record<string, string>): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'tokengate-verify-endpoint-'));
  const clock = new FixedClock();
  const config = loadConfig({ DATABASE_URL: 'memory:', JWT_SECRET: 'f'.repeat(40), LOG_LEVEL: 'silent', UPSTREAM_URL: 'http://127.0.0.1:9', ...env }, { cwd: dir });
  const comp = await compose(config, { clock, defaultMetrics: false });
  await comp.container.get(TYPES.AddUser).execute({ username: 'Zoë', password: 'pw-zoe-1234', roles: ['admin', 'ops'] });
  const koa = comp.app.callback();
  let slow = 0;
  const deps = comp.container.get(TYPES.HttpDeps);
  const verify = verifyEndpoint({ ...deps, secureCookies: config.cookie.secure, corsOrigins: config.corsOrigins });
  const handler = gatewayListener({
    admission: deps.admission,
    verifyKey: '/auth/verify',
    verify,
    proxy: () => {
      throw new Error('no proxied path in this test');
    },
    koa: (req, res) => {
      slow++;
      koa(req, res);
    },
  });
  const login = async () => {
    const res = await request(koa).post('/auth/login').send({ username: 'zoë', password: 'pw-zoe-1234' }).expect(200);
    return { access: res.body.accessToken as string, refresh: res.body.refreshToken as string };
  };
  return { dir, comp, clock, handler, slowCalls: () => slow, login };
}

async function release(r: Rig): Promise<void> {
  await r.comp.close();
  rmSync(r.dir, { recursive: true, force: true });
}

/** Status, body and headers, without those that differ between any two answers. */
function comparable(res: Response, sentId: string | undefined): { status: number; body: string; headers: Record<string, unknown> } {
  const headers: Record<string, unknown> = { ...res.headers };
  delete headers.date;
  // A made-up request id differs between answers; an echoed one must be equal.
  if (headers['x-request-id'] !== sentId) delete headers['x-request-id'];
  return { status: res.status, body: res.text, headers };
}

type Build = (app: RequestListener) => Test;

const variants: { name: string; env: Record<string, string> }[] = [
  { name: 'defaults', env: {} },
  { name: 'Secure cookies, CORS origins listed', env: { COOKIE_SECURE: 'true', CORS_ORIGINS: 'https://app.example' } },
  // Without the token cache no identity is shared, so every answer is made afresh.
  { name: 'token cache off', env: { TOKEN_CACHE_SIZE: '0' } },
];

for (const variant of variants) {
  describe(`/auth/verify writer (${variant.name})`, () => {
    let r: Rig;
    let tokens: { access: string; refresh: string };
    beforeAll(async () => {
      r = await rig(variant.env);
      tokens = await r.login();
    });
    afterAll(() => release(r));

    const passing: [string, (t: { access: string; refresh: string }) => Build][] = [
      ['a bearer token alone', (t) => (app) => request(app).get('/auth/verify').set('authorization', `Bearer ${t.access}`)],
      ['bearer and refresh cookie (case 4)', (t) => (app) => request(app).get('/auth/verify').set('authorization', `bearer ${t.access}`).set('cookie', `refresh_token=${t.refresh}`)],
      ['both cookies, GET', (t) => (app) => request(app).get('/auth/verify?x=1').set('cookie', `access_token=${t.access}; refresh_token=${t.refresh}`)],
      ['HEAD with a client request id', (t) => (app) => request(app).head('/auth/verify').set('authorization', `Bearer ${t.access}`).set('x-request-id', 'req-42.a_b')],
      ['POST with a bearer token (forward-auth keeps the method)', (t) => (app) => request(app).post('/auth/verify').set('authorization', `Bearer ${t.access}`)],
      ['a malformed client request id (replaced)', (t) => (app) => request(app).get('/auth/verify').set('authorization', `Bearer ${t.access}`).set('x-request-id', 'bad id')],
    ];

    it.each(passing)('%s: answered without Koa, exactly as the Koa route answers', async (_name, build) => {
      const before = r.slowCalls();
      const fast = await build(tokens)(r.handler);
      expect(r.slowCalls()).toBe(before);
      expect(fast.status).toBe(200);
      expect(fast.headers['x-user-name']).toMatch(/^zo%C3%AB$/i);
      expect(fast.headers['x-user-roles']).toBe('admin,ops');
      expect(fast.headers['x-request-id']).toMatch(/^[A-Za-z0-9._-]{1,128}$/);
      const koa = await build(tokens)(r.comp.app.callback());
      const sentId = (fast.request as unknown as { header: Record<string, string> }).header['x-request-id'];
      expect(comparable(fast, sentId)).toEqual(comparable(koa, sentId));
    });

    it('Prefer: return=minimal (forward-auth proxies): the identity headers with no body, as the Koa route answers it', async () => {
      const build = (app: RequestListener) => request(app).get('/auth/verify').set('authorization', `Bearer ${tokens.access}`).set('prefer', 'return=minimal');
      const res = await build(r.handler);
      expect(res.status).toBe(200);
      expect(res.text).toBe('');
      expect(res.headers['content-length']).toBe('0');
      expect(res.headers['preference-applied']).toBe('return=minimal');
      expect(res.headers['x-user-roles']).toBe('admin,ops');
      expect(comparable(res, undefined)).toEqual(comparable(await build(r.comp.app.callback()), undefined));
      const full = await request(r.handler).get('/auth/verify').set('authorization', `Bearer ${tokens.access}`).set('prefer', 'return=representation');
      expect(full.body).toMatchObject({ username: 'Zoë' });
    });

    it('echoes a well-formed request id and replaces a malformed one', async () => {
      const kept = await request(r.handler).get('/auth/verify').set('authorization', `Bearer ${tokens.access}`).set('x-request-id', 'trace-1');
      expect(kept.headers['x-request-id']).toBe('trace-1');
      const made = await request(r.handler).get('/auth/verify').set('authorization', `Bearer ${tokens.access}`).set('x-request-id', 'x'.repeat(129));
      expect(made.headers['x-request-id']).not.toBe('x'.repeat(129));
    });

    const refused: [string, (t: { access: string; refresh: string }, other: { access: string; refresh: string }) => Build, number][] = [
      ['no token', () => (app) => request(app).get('/auth/verify'), 401],
      ['a forged token', (t) => (app) => request(app).get('/auth/verify').set('authorization', `Bearer ${t.access.slice(0, -2)}xx`), 401],
      ['two Authorization headers', (t) => (app) => request(app).get('/auth/verify').set('authorization', [`Bearer ${t.access}`, `Bearer ${t.access}`] as unknown as string), 401],
      ['tokens of two sessions', (t, o) => (app) => request(app).get('/auth/verify').set('authorization', `Bearer ${t.access}`).set('x-refresh-token', o.refresh), 401],
      ['a refresh token as access token', (t) => (app) => request(app).get('/auth/verify').set('authorization', `Bearer ${t.refresh}`), 401],
      ['a cookie-authenticated cross-site POST (CSRF check)', (t) => (app) => request(app).post('/auth/verify').set('cookie', `access_token=${t.access}`).set('origin', 'https://evil.example'), 403],
    ];

    it.each(refused)('%s: refused by the writer, exactly as the Koa route refuses', async (name, build, status) => {
      const other = await r.login();
      const before = r.slowCalls();
      const res = await build(tokens, other)(r.handler);
      // With CORS_ORIGINS, a request with an Origin is Koa's (its CORS middleware), through the same admission.
      const viaKoa = variant.env.CORS_ORIGINS !== undefined && name.includes('cross-site');
      expect(r.slowCalls()).toBe(before + (viaKoa ? 1 : 0));
      expect(res.status).toBe(status);
      const koa = await build(tokens, other)(r.comp.app.callback());
      expect(comparable(res, undefined)).toEqual(comparable(koa, undefined));
    });

    it('another path under the prefix is Koa\'s: 404', async () => {
      const before = r.slowCalls();
      const res = await request(r.handler).get('/auth/verifyx').set('authorization', `Bearer ${tokens.access}`);
      expect(r.slowCalls()).toBe(before + 1);
      expect(res.status).toBe(404);
    });

    it('an expired access token with its refresh token: the writer reissues (case 2)', async () => {
      const own = await r.login();
      r.clock.advance(16 * 60 * 1000);
      try {
        const before = r.slowCalls();
        const res = await request(r.handler).get('/auth/verify').set('authorization', `Bearer ${own.access}`).set('x-refresh-token', own.refresh);
        expect(r.slowCalls()).toBe(before);
        expect(res.status).toBe(200);
        expect(res.headers['x-access-token']).toEqual(expect.any(String));
      } finally {
        r.clock.advance(-16 * 60 * 1000);
      }
    });

    it('a revoked session is refused at once, though its token was answered fast before', async () => {
      const own = await r.login();
      const verify = () => request(r.handler).get('/auth/verify').set('authorization', `Bearer ${own.access}`);
      expect((await verify()).status).toBe(200);
      await request(r.handler).post('/auth/logout').set('authorization', `Bearer ${own.access}`).expect(204);
      const before = r.slowCalls();
      const res = await verify();
      expect(r.slowCalls()).toBe(before);
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('token_revoked');
    });

    it('counts fast answers in /metrics like the Koa route does', async () => {
      const scrape = async () => (await request(r.handler).get('/metrics')).text;
      const value = (text: string, series: string) => Number(text.split('\n').find((l) => l.startsWith(`${series} `))?.slice(series.length + 1) ?? NaN);
      const pass = 'tokengate_gate_outcomes_total{outcome="pass"}';
      const before = await scrape();
      for (let i = 0; i < 3; i++) await request(r.handler).get('/auth/verify').set('authorization', `Bearer ${tokens.access}`).expect(200);
      const after = await scrape();
      expect(value(after, pass)).toBe(value(before, pass) + 3);
      const requests = /tokengate_http_request_duration_seconds_count\{group="auth",status="2xx"\} (\d+)/;
      const count = (text: string) => Number(requests.exec(text)?.[1] ?? NaN);
      // three verifies and the first scrape (counted once answered)
      expect(count(after) - count(before)).toBe(4);
    });
  });
}

describe('answers made once per cached identity', () => {
  it('a cached token passes with one frozen identity; without the cache each pass is a fresh copy', async () => {
    for (const [size, shared] of [['1000', true], ['0', false]] as const) {
      const r = await rig({ TOKEN_CACHE_SIZE: size });
      try {
        const t = await r.login();
        const gate = r.comp.container.get(TYPES.HttpDeps).gate;
        const first = gate.passWithoutStorage({ accessToken: t.access, refreshToken: null });
        const second = gate.passWithoutStorage({ accessToken: t.access, refreshToken: null });
        expect(first).toEqual(second);
        expect(first).toMatchObject({ username: 'Zoë', roles: ['admin', 'ops'] });
        expect(first === second).toBe(shared);
        expect(Object.isFrozen(first)).toBe(shared);
        expect(Object.isFrozen(first?.roles)).toBe(shared);
      } finally {
        await release(r);
      }
    }
  });

  it('tokens of two users, alternating, each get their own identity and body every time', async () => {
    const r = await rig({});
    try {
      await r.comp.container.get(TYPES.AddUser).execute({ username: 'bob', password: 'pw-bob-1234', roles: [] });
      const zoe = await r.login();
      const bob = (await request(r.comp.app.callback()).post('/auth/login').send({ username: 'bob', password: 'pw-bob-1234' }).expect(200)).body.accessToken as string;
      for (let i = 0; i < 3; i++) {
        const a = await request(r.handler).get('/auth/verify').set('authorization', `Bearer ${zoe.access}`).expect(200);
        const b = await request(r.handler).get('/auth/verify').set('authorization', `Bearer ${bob}`).expect(200);
        expect(a.headers['x-user-name']).toMatch(/^zo%C3%AB$/i);
        expect(a.body).toMatchObject({ username: 'Zoë', roles: ['admin', 'ops'] });
        expect(b.headers['x-user-name']).toBe('bob');
        expect(b.headers['x-user-roles']).toBe('');
        expect(b.body).toMatchObject({ username: 'bob', roles: [] });
        expect(a.headers['x-session-id']).not.toBe(b.headers['x-session-id']);
        expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
      }
      expect(r.slowCalls()).toBe(0);
    } finally {
      await release(r);
    }
  });
});

it('cross-origin verify from a listed origin goes through Koa and gets CORS headers', async () => {
  const r = await rig({ CORS_ORIGINS: 'https://app.example' });
  try {
    const t = await r.login();
    const res = await request(r.handler).get('/auth/verify').set('authorization', `Bearer ${t.access}`).set('origin', 'https://app.example');
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(r.slowCalls()).toBe(1);
  } finally {
    await release(r);
  }
});
