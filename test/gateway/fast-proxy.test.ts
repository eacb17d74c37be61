import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders, RequestListener } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request, { type Response, type Test } from 'supertest';
import { loadConfig } from '../../src/config';
import { compose, TYPES, type Composition } from '../../src/container';
import { withHotPath } from '../../src/adapters/http/hot-path';
import { FixedClock } from '../support/fixed-clock';
import { RecordingUpstream } from '../support/gateway-upstream';

/**
 * The proxy's hot path (src/adapters/proxy/fast-proxy.ts) must forward exactly what the Koa
 * path forwards, answer exactly what it answers, and leave to Koa every request it cannot
 * decide without storage.
 */
interface Rig {
  dir: string;
  comp: Composition;
  upstream: RecordingUpstream;
  clock: FixedClock;
  handler: RequestListener;
  koa: RequestListener;
  slowCalls: () => number;
  login(username?: string): Promise<{ access: string; refresh: string }>;
}

async function rig(env: Record<string, string>, upstream: RecordingUpstream): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'tokengate-fast-proxy-'));
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
  let slow = 0;
  const handler = withHotPath(comp.fast, (req, res) => {
    slow++;
    koa(req, res);
  });
  const login = async (username = 'ops') => {
    const res = await request(koa).post('/auth/login').send({ username, password: `pw-${username}-1234` }).expect(200);
    return { access: res.body.accessToken as string, refresh: res.body.refreshToken as string };
  };
  return { dir, comp, upstream, clock, handler, koa, slowCalls: () => slow, login };
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
  describe(`proxy fast path (${variant.name})`, () => {
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

    const fast: [string, (t: Tokens, admin: Tokens) => Build][] = [
      ['bearer GET with a query', (t) => (app) => request(app).get('/strip/items/1?a=b&c=%20').set('host', HOST).set('authorization', `Bearer ${t.access}`)],
      ['both cookies, other cookies kept', (t) => (app) => request(app).get('/api/x').set('host', HOST).set('cookie', `theme=dark; access_token=${t.access}; refresh_token=${t.refresh}`)],
      ['POST with a body and a bearer token', (t) => (app) => request(app).post('/api/upload').set('host', HOST).set('authorization', `Bearer ${t.access}`).send({ hello: 'world' })],
      ['spoofed identity and forwarding headers', (t) => (app) => request(app).get('/api/who').set('host', HOST).set('authorization', `Bearer ${t.access}`).set('x-user-id', 'mallory').set('X_User_Roles', 'admin').set('x-forwarded-for', '203.0.113.9, 198.51.100.7').set('x-forwarded-proto', 'https').set('x-forwarded-host', 'public.example')],
      ['a public route without a token', () => (app) => request(app).get('/open/page').set('host', HOST).set('x-request-id', 'pub-1')],
      ['an admin route with the role', (_t, admin) => (app) => request(app).get('/admin/panel').set('host', HOST).set('authorization', `Bearer ${admin.access}`)],
      ['HEAD', (t) => (app) => request(app).head('/api/items').set('host', HOST).set('authorization', `Bearer ${t.access}`)],
    ];

    it.each(fast)('%s: forwarded without Koa, exactly as Koa forwards it', async (_name, build) => {
      const before = r.slowCalls();
      const viaFast = await build(ops, root)(r.handler);
      expect(r.slowCalls()).toBe(before);
      const seenFast = upstream.requests[upstream.requests.length - 1];
      const viaKoa = await build(ops, root)(r.koa);
      const seenKoa = upstream.requests[upstream.requests.length - 1];
      expect(viaFast.status).toBeLessThan(300);
      expect(comparable(viaFast)).toEqual(comparable(viaKoa));
      expect(seenFast && forwarded(seenFast.headers)).toEqual(seenKoa && forwarded(seenKoa.headers));
      expect(seenFast?.url).toBe(seenKoa?.url);
      expect(seenFast?.bodySha256).toBe(seenKoa?.bodySha256);
      expect(seenFast?.headers['x-request-id']).toBe(viaFast.headers['x-request-id']);
    });

    it('a route whose role the user lacks: 403, answered as Koa answers it', async () => {
      const before = r.slowCalls();
      const viaFast = await request(r.handler).get('/admin/panel').set('authorization', `Bearer ${ops.access}`);
      expect(r.slowCalls()).toBe(before);
      const viaKoa = await request(r.koa).get('/admin/panel').set('authorization', `Bearer ${ops.access}`);
      expect(viaFast.status).toBe(403);
      expect(comparable(viaFast)).toEqual(comparable(viaKoa));
    });

    it('an upstream that is down: 502, answered as Koa answers it', async () => {
      const viaFast = await request(r.handler).get('/down/x').set('authorization', `Bearer ${ops.access}`);
      const viaKoa = await request(r.koa).get('/down/x').set('authorization', `Bearer ${ops.access}`);
      expect(viaFast.status).toBe(502);
      expect(viaFast.body.error).toBe('bad_gateway');
      expect(comparable(viaFast)).toEqual(comparable(viaKoa));
    });

    const handedOver: [string, (t: Tokens) => Build, number][] = [
      ['no token (API client)', () => (app) => request(app).get('/api/x'), 401],
      ['no token (browser navigation)', () => (app) => request(app).get('/api/x').set('accept', 'text/html'), 302],
      ['a forged token', (t) => (app) => request(app).get('/api/x').set('authorization', `Bearer ${t.access.slice(0, -2)}xx`), 401],
      ['a cookie-borne cross-site POST', (t) => (app) => request(app).post('/api/x').set('cookie', `access_token=${t.access}`).set('origin', 'https://evil.example'), 403],
      ['a path no route matches', (t) => (app) => request(app).get('/nowhere').set('authorization', `Bearer ${t.access}`), 404],
      ['an auth endpoint', (t) => (app) => request(app).get('/auth/me').set('authorization', `Bearer ${t.access}`), 200],
      ['a system path', () => (app) => request(app).get('/healthz'), 200],
    ];

    it.each(handedOver)('%s: handed to Koa', async (_name, build, status) => {
      const before = r.slowCalls();
      const res = await build(ops)(r.handler);
      expect(r.slowCalls()).toBe(before + 1);
      expect(res.status).toBe(status);
    });

    it('an expired access token with its refresh token: Koa reissues and forwards', async () => {
      const own = await r.login('ops');
      r.clock.advance(16 * 60 * 1000);
      try {
        const before = r.slowCalls();
        const res = await request(r.handler).get('/api/x').set('authorization', `Bearer ${own.access}`).set('x-refresh-token', own.refresh);
        expect(r.slowCalls()).toBe(before + 1);
        expect(res.status).toBe(200);
        expect(res.headers['x-access-token']).toEqual(expect.any(String));
        expect(res.headers['cache-control']).toBe('no-store');
      } finally {
        r.clock.advance(-16 * 60 * 1000);
      }
    });

    it('a session logged out is refused at once, though it was forwarded fast before', async () => {
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
