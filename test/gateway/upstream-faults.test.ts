import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expectErrorAnswer } from '../support/gateway-http';
import { removeDir, RunningGateway, tempDir, writeTemp, type UserSession } from '../support/gateway-harness';
import { RecordingUpstream } from '../support/gateway-upstream';
import { STACK_FRAME } from '../support/e2e-logs';

/** SPEC §5: refused/reset → 502 bad_gateway; slower than UPSTREAM_TIMEOUT → 504 gateway_timeout; the gateway stays healthy. */

let up: RecordingUpstream;
let slow: http.Server;
let gw: RunningGateway;
let s: UserSession;
let dir: string;

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  up = await RecordingUpstream.start();
  up.handler = (req, res) => {
    if (req.url.startsWith('/reset')) return void res.socket?.destroy();
    if (req.url.startsWith('/slow-body')) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first part');
      return;
    }
    res.end(`ok ${req.url}`);
  };
  slow = http.createServer((_req, res) => {
    const timer = setTimeout(() => res.end('too late'), 3000);
    res.on('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
  dir = tempDir('tokengate-faults-');
  const routes = {
    routes: [
      { prefix: '/down', upstream: `http://127.0.0.1:${await closedPort()}` },
      { prefix: '/slow', upstream: `http://127.0.0.1:${(slow.address() as AddressInfo).port}` },
    ],
  };
  gw = await RunningGateway.start({ UPSTREAM_URL: up.url, ROUTES_FILE: writeTemp(dir, 'routes.json', JSON.stringify(routes)), UPSTREAM_TIMEOUT: '1s' });
  s = await gw.session();
});
afterAll(async () => {
  await gw.stop();
  await up.close();
  slow.closeAllConnections();
  await new Promise<void>((resolve) => slow.close(() => resolve()));
  removeDir(dir);
});

const authed = (path: string) => gw.request(path, { headers: { Cookie: s.cookie, Accept: 'application/json' } });

describe('upstream faults', () => {
  it('upstream port closed → 502 bad_gateway', async () => {
    expectErrorAnswer(await authed('/down/x'), 502, 'bad_gateway');
  });

  it('upstream resets the connection → 502 bad_gateway', async () => {
    expectErrorAnswer(await authed('/reset'), 502, 'bad_gateway');
  });

  it('upstream slower than UPSTREAM_TIMEOUT=1s → 504 gateway_timeout, answered in about a second', async () => {
    const started = Date.now();
    const res = await authed('/slow/x');
    const took = Date.now() - started;
    expectErrorAnswer(res, 504, 'gateway_timeout');
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(2900);
  });

  it('an upstream that stalls mid-body past UPSTREAM_TIMEOUT: the client connection is aborted, never a clean (truncated) end', async () => {
    await expect(authed('/slow-body')).rejects.toThrow('aborted');
  });

  it('a client that uploads slowly (3 s) is not an upstream timeout: 200, every byte forwarded', async () => {
    const res = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: gw.port, path: '/trickle', method: 'POST', agent: false, headers: { Cookie: s.cookie } }, (r) => {
        r.resume();
        r.on('end', () => resolve(r.statusCode ?? 0));
      });
      req.on('error', reject);
      let n = 0;
      const timer = setInterval(() => {
        req.write('x'.repeat(1000));
        if (++n === 10) {
          clearInterval(timer);
          req.end();
        }
      }, 300);
    });
    expect(res).toBe(200);
    expect(up.last('/trickle')?.bodyBytes).toBe(10_000);
  });

  it('a 502 and a 504 carry no upstream detail', async () => {
    const res = await authed('/down/y');
    expect(JSON.stringify(res.json)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|undici|at /);
  });

  it('afterwards: /healthz is 200 and a normal proxied request works', async () => {
    const health = await gw.request('/healthz');
    expect(health.status).toBe(200);
    const res = await authed('/fine?after=faults');
    expect({ status: res.status, text: res.text }).toEqual({ status: 200, text: 'ok /fine?after=faults' });
    expect(gw.errors()).toEqual([]);
  });

  it('the warnings logged for refused, reset and slow upstreams carry no stack trace (SPEC §4)', () => {
    const failures = gw.logs
      .flatMap((chunk) => chunk.split('\n'))
      .filter((l) => l.includes('upstream request failed'));
    // Refused (twice), reset and too slow, at least: the check below is not vacuous.
    expect(failures.length).toBeGreaterThanOrEqual(4);
    for (const line of failures) {
      expect(line).not.toMatch(STACK_FRAME);
      expect((JSON.parse(line) as { err: Record<string, unknown> }).err).toEqual(expect.objectContaining({ type: expect.any(String), message: expect.any(String) }));
    }
    expect(failures.join('\n')).toMatch(/ECONNREFUSED/);
  });

  it('an unauthenticated request to a dead upstream is still 401 first (the gate runs before the upstream)', async () => {
    expectErrorAnswer(await gw.request('/down/z', { headers: { Accept: 'application/json' } }), 401, 'login_required');
  });
});
