import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { removeDir, RunningGateway, tempDir, writeTemp, type UserSession } from '../support/gateway-harness';
import { RecordingUpstream } from '../support/gateway-upstream';
import { rawUpgrade } from '../support/raw-upgrade';

/**
 * Regression for the "Critical" network-path bug: a request target such as
 * `//127.0.0.1:PORT/x` made the proxy replace the upstream's origin (`new URL(path, origin)`),
 * so a second local server, standing in for an internal service, received the request with the
 * caller's identity headers. SPEC §5: the upstream's scheme, host and port come only from the
 * route; the client's path is forwarded as a path or refused with 400.
 */

/** A server that records every request and upgrade, on one loopback address. */
class InternalService {
  readonly hits: string[] = [];
  private constructor(private readonly server: http.Server) {}

  static async start(host: string): Promise<InternalService | null> {
    const server = http.createServer();
    const service = new InternalService(server);
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      service.hits.push(`${req.method} ${req.url}`);
      res.end('internal');
    });
    server.on('upgrade', (req: http.IncomingMessage, socket: import('node:stream').Duplex) => {
      service.hits.push(`UPGRADE ${req.url}`);
      socket.end('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, host, resolve);
      });
    } catch {
      return null; // no IPv6 loopback on this machine
    }
    return service;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let up: RecordingUpstream;
let internal: InternalService;
let internal6: InternalService | null;
let dir: string;
const gateways: Record<'protected' | 'public', { gw: RunningGateway; s: UserSession }> = {} as never;

beforeAll(async () => {
  [up, internal, internal6] = await Promise.all([RecordingUpstream.start(), InternalService.start('127.0.0.1'), InternalService.start('::1')]) as [RecordingUpstream, InternalService, InternalService | null];
  dir = tempDir('tokengate-origin-');
  const routes = writeTemp(dir, 'routes.json', JSON.stringify({ routes: [{ prefix: '/', upstream: up.url, public: true }] }));
  const guarded = await RunningGateway.start({ UPSTREAM_URL: up.url });
  const open = await RunningGateway.start({ ROUTES_FILE: routes });
  gateways.protected = { gw: guarded, s: await guarded.session() };
  gateways.public = { gw: open, s: await open.session() };
});
afterAll(async () => {
  await Promise.all([gateways.protected?.gw.stop(), gateways.public?.gw.stop()]);
  await Promise.all([up.close(), internal.close(), internal6?.close()]);
  removeDir(dir);
});

/** Every spelling of "another host" the review and SPEC §5 name; `H` is the internal service, `H6` its IPv6 twin. */
const SPELLINGS = [
  '//H/x',
  '///a//H/x',
  '/..//H/y',
  '/x/..//H/z',
  '\\\\H/x',
  '/\\H/x',
  '/%2F%2FH/x',
  '/%2f%2fH/x',
  '/.//H/x',
  '//user@H/x',
  '//user:pw@H/x',
  '//H6/x',
  '//admin/x',
  'http://H/x',
];

const target = (spelling: string): string =>
  spelling.replace('H6', `[::1]:${internal6?.port ?? 1}`).replace('H', `127.0.0.1:${internal.port}`);

describe.each(['protected', 'public'] as const)('on a %s route, the upstream origin comes only from the route', (kind) => {
  it.each(SPELLINGS)('HTTP %s: never the internal service; the configured upstream with a single leading slash, or 400', async (spelling) => {
    const { gw, s } = gateways[kind];
    const before = up.requests.length;
    const res = await gw.request(target(spelling), { headers: { Authorization: `Bearer ${s.access}`, Accept: 'application/json' } });
    expect(internal.hits).toEqual([]);
    expect(internal6?.hits ?? []).toEqual([]);
    if (res.status === 400) {
      expect(res.json?.error).toBe('invalid_request');
      expect(up.requests.length).toBe(before);
    } else {
      expect(res.status).toBe(200);
      const seen = up.requests[up.requests.length - 1]?.url ?? '';
      expect(up.requests.length).toBe(before + 1);
      expect(seen).toMatch(/^\/(?!\/)/);
    }
  });

  it.each(SPELLINGS)('WebSocket %s: never the internal service; the configured upstream, or 400', async (spelling) => {
    const { gw, s } = gateways[kind];
    const before = up.upgrades.length;
    const res = await rawUpgrade(gw.port, target(spelling), [['Authorization', `Bearer ${s.access}`]]);
    expect(internal.hits).toEqual([]);
    expect(internal6?.hits ?? []).toEqual([]);
    if (res.status === 400) {
      expect(res.body).toContain('invalid_request');
      expect(up.upgrades.length).toBe(before);
    } else {
      expect(res.status).toBe(101);
      await new Promise((r) => setTimeout(r, 50));
      const seen = up.upgrades[up.upgrades.length - 1]?.url ?? '';
      expect(seen).toMatch(/^\/(?!\/)/);
    }
  });
});
