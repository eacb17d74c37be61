import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders, RequestListener } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request, { type Response, type Test } from 'supertest';
import { loadConfig } from '../../src/config';
import { compose, TYPES, type Composition } from '../../src/container';
import { FixedClock } from '../support/fixed-clock';
import { RecordingUpstream } from '../support/gateway-upstream';

/**
 * The proxy's writer (src/adapters/proxy/http-proxy.ts) on the entry listener: what it
 * forwards (the same for every token spelling and TRUST_PROXY setting) and what it answers
 * itself (403, 502, 401, 302, 404), with Koa answering only tokengate's own paths.
 */
interface Rig {
  dir: string;
  comp: Composition;
  upstream: RecordingUpstream;
  clock: FixedClock;
  handler: RequestListener;
  koa: RequestListener;
  login(username?: string): Promise<{ access: string; refresh: string }>;
}

async function rig(env: Record<string, string>, upstream: RecordingUpstream): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'tokengate-http-proxy-'));
  const routes = join(dir, 'routes.json');
  writeFileSync(routes, JSON.stringify({
    routes: [
      { prefix: '/admin', upstream: upstream.url, roles: ['admin'] },
      { prefix: '/open', upstream: upstream.url, public: true },
      { prefix: '/strip', upstream: upstream.url, stripPrefix: true },
      { prefix: '/down', upstream: 'http://127.0.0.1:9' },
      { prefix: '/api', upstream: upstream.url },
    ],
  }));
  const clock = new FixedClock();
  const config = loadConfig({ DATABASE_URL: 'memory:', JWT_SECRET: 'p'.repeat(40), LOG_LEVEL: 'silent', ROUTES_FILE: routes, UPSTREAM_TIMEOUT: '5s', ...env }, { cwd: dir });
  const comp = await compose(config, { clock, defaultMetrics: false });
  const add = comp.container.get(TYPES.AddUser);
  await add.execute({ username: 'ops', password: 'pw-ops-1234', roles: ['ops'] });
  await add.execute({ username: 'root', password: 'pw-root-1234', roles: ['admin'] });
  const koa = comp.app.callback();
  const handler = comp.handler;
  const login = async (username = 'ops') => {
    const res = await request(koa).post('/auth/login').send({ username, password: `pw-${username}-1234` }).expect(200);
    return { access: res.body.accessToken as string, refresh: res.body.refreshToken as string };
  };
  return { dir, comp, upstream, clock, handler, koa, login };
}

async function release(r: Rig): Promise<void> {
  await r.comp.close();
  rmSync(r.dir, { recursive: true, force: true });
}

const VARYING = ['date', 'x-request-id', 'keep-alive', 'connection'];

function comparable(res: Response): { status: number; body: string; headers: Record<string, unknown> } {
  const headers: Record<string, unknown> = { ...res.headers };
  for (const name of VARYING) delete headers[name];
  return { status: res.status, body: res.text, headers };
}

function forwarded(headers: IncomingHttpHeaders): Record<string, unknown> {
  const out: Record<string, unknown> = { ...headers };
  for (const name of VARYING) delete out[name];
  return out;
}

type Tokens = { access: string; refresh: string };
type Build = (app: RequestListener) => Test;
/** One Host for both paths (each supertest call listens on its own port). */
const HOST = 'gateway.example';

for (const variant of [
  { name: 'TRUST_PROXY off', env: {} as Record<string, string> },
  { name: 'TRUST_PROXY=1', env: { TRUST_PROXY: '1' } as Record<string, string> },
]) {
  describe(`proxy writer (${variant.name})`, () => {
    let upstream: RecordingUpstream;
    let r: Rig;
    let ops: Tokens;
    let root: Tokens;
    beforeAll(async () => {
      upstream = await RecordingUpstream.start();
      r = await rig(variant.env, upstream);
      ops = await r.login('ops');
      root = await r.login('root');
    });
    afterAll(async () => {
      await release(r);
      await upstream.close();
    });

    const forwardedCases: [string, (t: Tokens, admin: Tokens) => Build][] = [
      ['bearer GET with a query', (t) => (app) => request(app).get('/strip/items/1?a=b&c=%20').set('host', HOST).set('authorization', `Bearer ${t.access}`)],
      ['both cookies, other cookies kept', (t) => (app) => request(app).get('/api/x').set('host', HOST).set('cookie', `theme=dark; access_token=${t.access}; refresh_token=${t.refresh}`)],
      ['POST with a body and a bearer token', (t) => (app) => request(app).post('/api/upload').set('host', HOST).set('authorization', `Bearer ${t.access}`).send({ hello: 'world' })],
      ['spoofed identity and forwarding headers', (t) => (app) => request(app).get('/api/who').set('host', HOST).set('authorization', `Bearer ${t.access}`).set('x-user-id', 'mallory').set('X_User_Roles', 'admin').set('x-forwarded-for', '203.0.113.9, 198.51.100.7').set('x-forwarded-proto', 'https').set('x-forwarded-host', 'public.example')],
      ['a public route without a token', () => (app) => request(app).get('/open/page').set('host', HOST).set('x-request-id', 'pub-1')],
      ['an admin route with the role', (_t, admin) => (app) => request(app).get('/admin/panel').set('host', HOST).set('authorization', `Bearer ${admin.access}`)],
      ['HEAD', (t) => (app) => request(app).head('/api/items').set('host', HOST).set('authorization', `Bearer ${t.access}`)],
    ];

    it.each(forwardedCases)('%s: forwarded the same way twice, the request id echoed both ways', async (_name, build) => {
      const first = await build(ops, root)(r.handler);
      const seenFirst = upstream.requests[upstream.requests.length - 1];
      const second = await build(ops, root)(r.handler);
      const seenSecond = upstream.requests[upstream.requests.length - 1];
      expect(first.status).toBeLessThan(300);
      expect(comparable(first)).toEqual(comparable(second));
      expect(seenFirst && forwarded(seenFirst.headers)).toEqual(seenSecond && forwarded(seenSecond.headers));
      expect(seenFirst?.url).toBe(seenSecond?.url);
      expect(seenFirst?.bodySha256).toBe(seenSecond?.bodySha256);
      expect(seenFirst?.headers['x-request-id']).toBe(first.headers['x-request-id']);
      expect(seenFirst?.headers['x-user-id']).not.toBe('mallory');
    });

    it('a route whose role the user lacks: 403 forbidden, the upstream not reached', async () => {
      const before = upstream.requests.length;
      const res = await request(r.handler).get('/admin/panel').set('authorization', `Bearer ${ops.access}`);
      expect([res.status, res.body.error]).toEqual([403, 'forbidden']);
      expect(res.headers['x-request-id']).toEqual(expect.any(String));
      expect(upstream.requests.length).toBe(before);
    });

    it('an upstream that is down: 502 bad_gateway', async () => {
      const res = await request(r.handler).get('/down/x').set('authorization', `Bearer ${ops.access}`);
      expect(res.status).toBe(502);
      expect(res.body.error).toBe('bad_gateway');
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    });

    const answered: [string, (t: Tokens) => Build, number][] = [
      ['no token (API client)', () => (app) => request(app).get('/api/x'), 401],
      ['no token (browser navigation)', () => (app) => request(app).get('/api/x').set('accept', 'text/html'), 302],
      ['a forged token', (t) => (app) => request(app).get('/api/x').set('authorization', `Bearer ${t.access.slice(0, -2)}xx`), 401],
      ['a cookie-borne cross-site POST', (t) => (app) => request(app).post('/api/x').set('cookie', `access_token=${t.access}`).set('origin', 'https://evil.example'), 403],
      ['a path no route matches', (t) => (app) => request(app).get('/nowhere').set('authorization', `Bearer ${t.access}`), 404],
      ['an auth endpoint', (t) => (app) => request(app).get('/auth/me').set('authorization', `Bearer ${t.access}`), 200],
      ['a system path', () => (app) => request(app).get('/healthz'), 200],
    ];

    it.each(answered)('%s: %s', async (_name, build, status) => {
      const before = upstream.requests.length;
      const res = await build(ops)(r.handler);
      expect(res.status).toBe(status);
      expect(upstream.requests.length).toBe(before);
    });

    it('an expired access token with its refresh token: reissued and forwarded', async () => {
      const own = await r.login('ops');
      r.clock.advance(16 * 60 * 1000);
      try {
        const res = await request(r.handler).get('/api/x').set('authorization', `Bearer ${own.access}`).set('x-refresh-token', own.refresh);
        expect(res.status).toBe(200);
        expect(res.headers['x-access-token']).toEqual(expect.any(String));
        expect(res.headers['cache-control']).toBe('no-store');
      } finally {
        r.clock.advance(-16 * 60 * 1000);
      }
    });

    it('a session logged out is refused at once, though it was forwarded before', async () => {
      const own = await r.login('ops');
      const get = () => request(r.handler).get('/api/x').set('authorization', `Bearer ${own.access}`);
      expect((await get()).status).toBe(200);
      await request(r.handler).post('/auth/logout').set('authorization', `Bearer ${own.access}`).expect(204);
      const res = await get();
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('token_revoked');
    });
  });
}
