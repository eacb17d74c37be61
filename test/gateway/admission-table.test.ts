import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { send } from '../support/gateway-http';
import { GATEWAY_TTL, removeDir, RunningGateway, tempDir, writeTemp, type UserSession } from '../support/gateway-harness';
import { RecordingUpstream, type RecordedRequest } from '../support/gateway-upstream';
import { rawUpgrade } from '../support/raw-upgrade';
import { DEFAULT_STRIP_HEADERS } from '../../src/config';

/**
 * One table of admission cases (SPEC §5: "the same admission applies whichever way a request
 * arrives"), run against every transport: proxied HTTP, a WebSocket handshake, and
 * `/auth/verify` (the path goes in `X-Original-URI`, as nginx sends it). Every row names its
 * expectation for every transport, `n/a` included, so a new transport cannot skip a row.
 */

type Transport = 'http' | 'websocket' | 'verify';
const TRANSPORTS: Transport[] = ['http', 'websocket', 'verify'];

interface Outcome {
  status: number;
  headers: Record<string, string[]>;
  body: string;
  /** What the upstream received for this request (matched by its `row` query), if anything. */
  seen: RecordedRequest | undefined;
}

interface Expect {
  status: number;
  error?: string;
  /** The answer carries reissued tokens (Set-Cookie for both, since rotation is `always`). */
  reissued?: boolean;
  /** The upstream must (true) or must not (false) have received the request. */
  reached?: boolean;
  check?: (o: Outcome) => void;
}

interface Row {
  name: string;
  path: string;
  /** Headers for the request, from a fresh user session (`reader` role) made for the row. */
  headers: (s: UserSession) => [string, string][];
  /** Move the clock past the access token's lifetime first (cases 2: a reissue). */
  expireAccess?: boolean;
  expect: Record<Transport, Expect | 'n/a'>;
}

const PAST_ACCESS = GATEWAY_TTL.access + GATEWAY_TTL.skew + 10;
const bearer = (s: UserSession): [string, string][] => [['Authorization', `Bearer ${s.access}`]];
const cookies = (s: UserSession): [string, string][] => [['Cookie', s.cookie]];
const none = (): [string, string][] => [];
const forbidden: Expect = { status: 403, error: 'forbidden', reached: false };
const badPath: Expect = { status: 400, error: 'invalid_request', reached: false };

const ROWS: Row[] = [
  // Spellings of a role-guarded prefix: the canonical path decides (the user lacks `admin`).
  ...['/%61dmin/x', '/ADMIN/x', '/admin;v=1/x', '/Admin/./x', '/x/../admin/x'].map((path): Row => ({
    name: `${path} falls under the /admin rule`,
    path,
    headers: bearer,
    expect: { http: forbidden, websocket: forbidden, verify: 'n/a' },
  })),
  ...['/admin%2fx', '/public/..%2fadmin/x', '/admin%5Cx', '/admin%00x', '/../admin/x'].map((path): Row => ({
    name: `${path} is refused with 400`,
    path,
    headers: none,
    expect: { http: badPath, websocket: badPath, verify: 'n/a' },
  })),
  {
    name: '/public/..;/admin/x is the /admin rule, not the public one',
    path: '/public/..;/admin/x',
    headers: none,
    expect: { http: { status: 401, error: 'login_required', reached: false }, websocket: { status: 401, error: 'login_required', reached: false }, verify: 'n/a' },
  },
  {
    name: '/AUTH/ME is tokengate\'s own endpoint, never proxied',
    path: '/AUTH/ME',
    headers: bearer,
    expect: {
      http: { status: 200, reached: false, check: (o) => expect(JSON.parse(o.body)).toMatchObject({ roles: ['reader'] }) },
      websocket: { status: 404, error: 'not_found', reached: false },
      verify: 'n/a',
    },
  },
  {
    name: '/auth#x is tokengate\'s own path, never proxied',
    path: '/auth#x',
    headers: bearer,
    expect: { http: { status: 404, error: 'not_found', reached: false }, websocket: { status: 404, error: 'not_found', reached: false }, verify: 'n/a' },
  },
  {
    name: 'a missing role after a reissue: 403 carries the reissued tokens',
    path: '/admin/x',
    headers: cookies,
    expireAccess: true,
    expect: {
      http: { ...forbidden, reissued: true },
      websocket: { ...forbidden, reissued: true },
      verify: { status: 200, reissued: true },
    },
  },
  {
    name: 'an "mfa": true route after a reissue, for a password-only session: 403 mfa_required carries the reissued tokens',
    path: '/mfa/x',
    headers: cookies,
    expireAccess: true,
    expect: {
      http: { status: 403, error: 'mfa_required', reissued: true, reached: false },
      websocket: { status: 403, error: 'mfa_required', reissued: true, reached: false },
      verify: { status: 200, reissued: true },
    },
  },
  {
    name: 'a browser navigation to an "mfa": true route after a reissue: the redirect to the 2fa page carries the reissued tokens',
    path: '/mfa/page',
    headers: (s) => [...cookies(s), ['Accept', 'text/html']],
    expireAccess: true,
    expect: {
      http: { status: 302, reissued: true, reached: false, check: (o) => expect(o.headers.location?.[0]).toMatch(/^\/auth\/2fa\?rd=/) },
      websocket: { status: 403, error: 'mfa_required', reissued: true, reached: false },
      verify: { status: 200, reissued: true },
    },
  },
  {
    name: 'an unreachable upstream after a reissue: 502 carries the reissued tokens',
    path: '/down/x',
    headers: cookies,
    expireAccess: true,
    expect: {
      http: { status: 502, error: 'bad_gateway', reissued: true },
      websocket: { status: 502, error: 'bad_gateway', reissued: true },
      verify: { status: 200, reissued: true },
    },
  },
  {
    name: 'an upstream that declines the upgrade after a reissue: its answer carries the reissued tokens',
    path: '/decline/x',
    headers: cookies,
    expireAccess: true,
    expect: {
      http: { status: 404, reissued: true, check: (o) => expect(o.body).toBe('declined') },
      websocket: { status: 404, reissued: true, check: (o) => expect(o.body).toBe('declined') },
      verify: { status: 200, reissued: true },
    },
  },
  {
    name: 'TRUST_PROXY=1: X-Forwarded-For/-Proto are read from the trusted proxy',
    path: '/api/trust',
    headers: (s) => [...bearer(s), ['X-Forwarded-For', '203.0.113.9'], ['X-Forwarded-Proto', 'https']],
    expect: {
      http: { status: 200, reached: true, check: (o) => expect([o.seen?.headers['x-forwarded-for'], o.seen?.headers['x-forwarded-proto']]).toEqual(['203.0.113.9', 'https']) },
      websocket: { status: 101, reached: true, check: (o) => expect([o.seen?.headers['x-forwarded-for'], o.seen?.headers['x-forwarded-proto']]).toEqual(['203.0.113.9', 'https']) },
      verify: { status: 200 },
    },
  },
  {
    name: 'STRIP_HEADERS: identity and rewrite headers of other proxies are removed',
    path: '/api/strip',
    headers: (s) => [...bearer(s), ...DEFAULT_STRIP_HEADERS.map((h, i): [string, string] => [i % 2 ? h.replace(/-/g, '_') : h, 'admin'])],
    expect: {
      http: { status: 200, reached: true, check: (o) => expectStripped(o.seen) },
      websocket: { status: 101, reached: true, check: (o) => expectStripped(o.seen) },
      verify: { status: 200 },
    },
  },
];

function expectStripped(seen: RecordedRequest | undefined): void {
  expect(seen).toBeDefined();
  const names = (seen?.rawHeaders ?? []).filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase().replace(/_/g, '-'));
  for (const h of DEFAULT_STRIP_HEADERS) expect(names).not.toContain(h.toLowerCase());
}

let up: RecordingUpstream;
let decline: http.Server;
let dir: string;
let gw: RunningGateway;

beforeAll(async () => {
  up = await RecordingUpstream.start();
  // An upstream that answers every request and every upgrade with a plain 404.
  decline = http.createServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('declined');
  });
  decline.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 8\r\n\r\ndeclined'));
  await new Promise<void>((resolve) => decline.listen(0, '127.0.0.1', resolve));
  dir = tempDir('tokengate-admission-');
  const routes = writeTemp(dir, 'routes.json', JSON.stringify({
    routes: [
      { prefix: '/admin', upstream: up.url, roles: ['admin'] },
      { prefix: '/public', upstream: up.url, public: true },
      { prefix: '/down', upstream: 'http://127.0.0.1:9' },
      { prefix: '/mfa', upstream: up.url, mfa: true },
      { prefix: '/decline', upstream: `http://127.0.0.1:${(decline.address() as AddressInfo).port}` },
      { prefix: '/', upstream: up.url },
    ],
  }));
  gw = await RunningGateway.start({ ROUTES_FILE: routes, TRUST_PROXY: '1' });
});
afterAll(async () => {
  await gw.stop();
  await up.close();
  decline.closeAllConnections();
  await new Promise<void>((resolve) => decline.close(() => resolve()));
  removeDir(dir);
});

/** Sends a row's request over a transport; the `row` query marks what the upstream saw. */
async function run(transport: Transport, row: Row, s: UserSession, mark: string): Promise<Outcome> {
  const target = row.path.includes('#') ? row.path : `${row.path}${row.path.includes('?') ? '&' : '?'}row=${mark}`;
  const headers = row.headers(s);
  if (transport === 'websocket') {
    const res = await rawUpgrade(gw.port, target, headers);
    await new Promise((r) => setTimeout(r, 30));
    return { ...res, seen: up.upgrades.find((u) => u.url.includes(`row=${mark}`)) };
  }
  const path = transport === 'verify' ? '/auth/verify' : target;
  const all: [string, string][] = transport === 'verify' ? [...headers, ['X-Original-URI', target]] : headers;
  const res = await send(gw.port, path, { headers: all });
  const out: Record<string, string[]> = {};
  for (let i = 0; i < res.rawHeaders.length; i += 2) (out[(res.rawHeaders[i] as string).toLowerCase()] ??= []).push(res.rawHeaders[i + 1] as string);
  return { status: res.status, headers: out, body: res.text, seen: up.requests.find((u) => u.url.includes(`row=${mark}`)) };
}

describe.each(TRANSPORTS)('admission over %s', (transport) => {
  it.each(ROWS.map((row, i) => [row.name, row, i] as const))('%s', async (_name, row, i) => {
    const expected = row.expect[transport];
    expect(expected).toBeDefined();
    if (expected === 'n/a') return;
    const s = await gw.session(['reader']);
    if (row.expireAccess) gw.advance(PAST_ACCESS);
    const o = await run(transport, row, s, `${transport}-${i}`);
    expect(o.status).toBe(expected.status);
    if (expected.error) expect(o.body).toContain(`"error":"${expected.error}"`);
    expect(o.headers['x-request-id']?.length).toBeGreaterThan(0);
    if (expected.reached !== undefined) expect(o.seen !== undefined).toBe(expected.reached);
    if (expected.reissued) {
      const set = (o.headers['set-cookie'] ?? []).map((c) => c.split('=')[0]);
      expect(set).toEqual(expect.arrayContaining(['access_token', 'refresh_token']));
    }
    expected.check?.(o);
  });
});

it('an Upgrade other than websocket (h2c) is answered as plain HTTP, its Upgrade dropped', async () => {
  const before = up.upgrades.length;
  const res = await send(gw.port, '/public/h2c?row=h2c', { headers: [['Connection', 'Upgrade, HTTP2-Settings'], ['Upgrade', 'h2c'], ['HTTP2-Settings', 'AAMAAABkAARAAAAAAAIAAAAA']] });
  expect(res.status).toBe(200);
  const seen = up.requests.find((u) => u.url === '/public/h2c?row=h2c');
  expect(seen?.headers.upgrade).toBeUndefined();
  expect(seen?.headers['http2-settings']).toBeUndefined();
  expect(up.upgrades.length).toBe(before);
  const verify = await send(gw.port, '/auth/verify', { headers: [['Connection', 'Upgrade'], ['Upgrade', 'h2c']] });
  expect(verify.status).toBe(401);
});
