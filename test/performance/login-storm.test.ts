import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { compose, TYPES, type Composition } from '../../src/container';

/** argon2 as the real one, counting the hashes running at once (the semaphore's bound). */
jest.mock('argon2', () => {
  const real = jest.requireActual('argon2');
  const inFlight = { now: 0, max: 0, calls: 0 };
  const track =
    (fn: (...args: unknown[]) => Promise<unknown>) =>
    async (...args: unknown[]) => {
      inFlight.calls++;
      inFlight.max = Math.max(inFlight.max, ++inFlight.now);
      try {
        return await fn(...args);
      } finally {
        inFlight.now--;
      }
    };
  return { ...real, hash: track(real.hash), verify: track(real.verify), inFlight };
});

const inFlight = (): { now: number; max: number; calls: number } => jest.requireMock('argon2').inFlight;

const STORM = 200;
const PASSWORD = 'storm-password-123';
/** Four accounts: in-flight attempts also count toward the fixed ceiling of 100 per account. */
const USERS = ['storm-0', 'storm-1', 'storm-2', 'storm-3'];
let turn = 0;

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

const close = (server: http.Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('a storm of concurrent logins', () => {
  let dir: string;
  let upstream: http.Server;
  let gateway: http.Server;
  let comp: Composition;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tokengate-storm-'));
    upstream = http.createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}');
    });
    const upstreamUrl = await listen(upstream);
    const config = loadConfig(
      // Attempts in flight count toward LOGIN_RATE_LIMIT (issue 12 #2), so the storm gets room.
      { DATABASE_URL: 'memory:', UPSTREAM_URL: upstreamUrl, JWT_SECRET: 'login-storm-test-secret-0123456789abcdef', LOG_LEVEL: 'silent', LOGIN_RATE_LIMIT: '10000/15m' },
      { cwd: dir },
    );
    comp = await compose(config, { defaultMetrics: false });
    for (const username of USERS) await comp.container.get(TYPES.AddUser).execute({ username, password: PASSWORD, roles: [] });
    gateway = comp.server();
    base = await listen(gateway);
  }, 60_000);

  afterAll(async () => {
    gateway.closeAllConnections();
    await close(gateway);
    await comp.close();
    upstream.closeAllConnections();
    await close(upstream);
    rmSync(dir, { recursive: true, force: true });
  });

  const login = () =>
    fetch(`${base}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: USERS[turn++ % USERS.length], password: PASSWORD }),
    });

  it('answers every login and every proxied request, with never more than 4 hashes running at once', async () => {
    const first = await login();
    expect(first.status).toBe(200);
    const { accessToken } = (await first.json()) as { accessToken: string };
    const before = inFlight().calls;

    let stormOver = false;
    const logins = Promise.all(Array.from({ length: STORM }, () => login().then(async (r) => ({ status: r.status, body: await r.text() }))));
    void logins.finally(() => (stormOver = true));
    const proxied: number[] = [];
    const traffic = (async () => {
      while (!stormOver) {
        const batch = await Promise.all(
          Array.from({ length: 10 }, () => fetch(`${base}/api/data`, { headers: { authorization: `Bearer ${accessToken}` } }).then(async (r) => (await r.text(), r.status))),
        );
        proxied.push(...batch);
      }
    })();

    const results = await logins;
    await traffic;
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    expect(new Set(results.map((r) => (JSON.parse(r.body) as { refreshToken: string }).refreshToken)).size).toBe(STORM);
    expect(proxied.length).toBeGreaterThan(0);
    expect(proxied.filter((s) => s !== 200)).toEqual([]);
    expect(inFlight().calls - before).toBe(STORM);
    expect(inFlight().max).toBeGreaterThanOrEqual(1);
    expect(inFlight().max).toBeLessThanOrEqual(4);
  }, 180_000);
});
