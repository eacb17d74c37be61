import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { cookieValues, type HttpAnswer } from '../support/gateway-http';
import { GATEWAY_TTL, jwtClaims, RunningGateway, type Env, type UserSession } from '../support/gateway-harness';
import { rawUpgrade } from '../support/raw-upgrade';

/**
 * The token cookies are tokengate's (the client's are stripped before the request goes
 * upstream): an upstream's `Set-Cookie` for one of their names never reaches the client, on a
 * plain proxied answer, after a reissue, or on a WebSocket upgrade's 101 or non-101 answer.
 * Regression: relayed after tokengate's own, the upstream's line overwrote the reissued cookie.
 * The same holds for the header-mode token headers (`X-Access-Token`, `X-Refresh-Token`), which
 * the browser client adopts from any answer, and for `X-Request-Id` on a 101 (one, tokengate's).
 */

const PAST_ACCESS = GATEWAY_TTL.access + GATEWAY_TTL.skew + 10;
const UPSTREAM_COOKIES = ['access_token=upstream-value; Path=/', 'refresh_token=upstream-refresh; Path=/; HttpOnly', 'up_pref=1; Path=/'];
/** `Set-Cookie` lines the upstream sends with ACCESS_COOKIE_NAME=gw_at, REFRESH_COOKIE_NAME=gw_rt. */
const CUSTOM_COOKIES = ['gw_at=upstream-value', ' gw_rt = upstream-refresh', 'access_token=just-a-cookie', 'up_pref=1'];

let upstream: http.Server;
const upgraded = new Set<Duplex>();

/** The upstream's cookies for a path: the custom-name set under `/custom`, else the default names. */
const cookiesFor = (url: string | undefined): string[] => (url?.startsWith('/custom') ? CUSTOM_COOKIES : UPSTREAM_COOKIES);
/** Header-mode token headers and a request id an upstream has no business sending (SPEC §4: tokengate's). */
const UPSTREAM_OWNED: [string, string][] = [['X-Access-Token', 'upstream-access'], ['X-Refresh-Token', 'upstream-refresh'], ['X-Request-Id', 'upstream-id']];
const headLines = (cookies: string[]): string =>
  cookies.map((c) => `Set-Cookie: ${c}\r\n`).join('') + UPSTREAM_OWNED.map(([n, v]) => `${n}: ${v}\r\n`).join('');

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    res.setHeader('Set-Cookie', cookiesFor(req.url));
    for (const [name, value] of UPSTREAM_OWNED) res.setHeader(name, value);
    res.setHeader('Content-Type', 'text/plain');
    res.end('from upstream');
  });
  upstream.on('upgrade', (req: http.IncomingMessage, socket: Duplex) => {
    const cookies = headLines(cookiesFor(req.url));
    if (req.url?.includes('declined')) {
      socket.end(`HTTP/1.1 403 Forbidden\r\n${cookies}Content-Type: text/plain\r\nContent-Length: 8\r\nConnection: close\r\n\r\ndeclined`);
      return;
    }
    upgraded.add(socket);
    socket.on('error', () => socket.destroy());
    // The server keeps sockets half-open: the gateway's FIN (its client left) arrives as `end`.
    socket.once('end', () => socket.destroy());
    socket.once('close', () => upgraded.delete(socket));
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n${cookies}\r\n`);
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  for (const socket of upgraded) socket.destroy();
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
});

const upstreamUrl = (): string => `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

/** The `Set-Cookie` lines naming `name` (the part before `=`, trimmed). */
const linesNaming = (setCookies: string[], name: string): string[] => setCookies.filter((l) => l.split('=')[0]!.trim() === name);

function expectProxied(res: HttpAnswer): void {
  expect({ status: res.status, text: res.text }).toEqual({ status: 200, text: 'from upstream' });
  expect(linesNaming(res.setCookies, 'up_pref')).toEqual(['up_pref=1; Path=/']);
  expectNoneOfTheUpstreams(valuesOf(res.rawHeaders));
}

/** Every value of each (lower-cased) header name in a raw `[name, value, …]` list. */
function valuesOf(raw: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) (out[raw[i]!.toLowerCase()] ??= []).push(raw[i + 1]!);
  return out;
}

/** None of the upstream's X-Access-Token / X-Refresh-Token / X-Request-Id reached the client; one X-Request-Id, tokengate's. */
function expectNoneOfTheUpstreams(headers: Record<string, string[] | undefined>): void {
  expect(headers['x-access-token'] ?? []).not.toContain('upstream-access');
  expect(headers['x-refresh-token'] ?? []).not.toContain('upstream-refresh');
  expect(headers['x-request-id']).toHaveLength(1);
  expect(headers['x-request-id']).not.toContain('upstream-id');
}

/** Gateways started by a describe block, stopped after it. */
function gatewayWith(env: Env = {}): () => RunningGateway {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await RunningGateway.start({ UPSTREAM_URL: upstreamUrl(), ...env });
  });
  afterAll(() => gw.stop());
  return () => gw;
}

describe('default cookie names', () => {
  const gateway = gatewayWith();
  // A fresh session per test: the reissue tests move the clock past every earlier access token.
  let s: UserSession;
  beforeEach(async () => {
    s = await gateway().session();
  });

  it("a plain proxied request with a valid Bearer: the upstream's access_token and refresh_token Set-Cookie never reach the client, its other cookies do", async () => {
    const res = await gateway().request('/plain/bearer', { headers: { Authorization: `Bearer ${s.access}` } });
    expectProxied(res);
    expect(linesNaming(res.setCookies, 'access_token')).toEqual([]);
    expect(linesNaming(res.setCookies, 'refresh_token')).toEqual([]);
  });

  it("a plain proxied request with valid token cookies (nothing reissued): no Set-Cookie naming a token cookie, the browser's are left alone", async () => {
    const res = await gateway().request('/plain/cookies', { headers: { Cookie: s.cookie } });
    expectProxied(res);
    expect(linesNaming(res.setCookies, 'access_token')).toEqual([]);
    expect(linesNaming(res.setCookies, 'refresh_token')).toEqual([]);
  });

  it("a reissue in cookie mode (expired access + valid refresh): the client gets exactly tokengate's reissued access_token and refresh_token cookies, not the upstream's", async () => {
    gateway().advance(PAST_ACCESS);
    const res = await gateway().request('/reissue/cookies', { headers: { Cookie: s.cookie } });
    expectProxied(res);
    const access = linesNaming(res.setCookies, 'access_token');
    const refresh = linesNaming(res.setCookies, 'refresh_token');
    expect({ access: access.length, refresh: refresh.length }).toEqual({ access: 1, refresh: 1 });
    expect(access[0]).toMatch(/; Max-Age=60;.*HttpOnly/);
    const got = cookieValues(res.setCookies);
    expect(got.access_token).not.toBe('upstream-value');
    expect(jwtClaims(got.access_token!).sid).toBe(s.sid);
    expect(got.refresh_token).not.toBe('upstream-refresh');
    expect(jwtClaims(got.refresh_token!).sid).toBe(s.sid);
  });

  it("a WebSocket upgrade the upstream declines (403): its answer reaches the client without the upstream's token cookies", async () => {
    const res = await rawUpgrade(gateway().port, '/ws/declined', [['Authorization', `Bearer ${s.access}`]]);
    expect(res.status).toBe(403);
    expect(res.body).toBe('declined');
    expectNoneOfTheUpstreams(res.headers);
    const setCookies = res.headers['set-cookie'] ?? [];
    expect(linesNaming(setCookies, 'access_token')).toEqual([]);
    expect(linesNaming(setCookies, 'refresh_token')).toEqual([]);
    expect(linesNaming(setCookies, 'up_pref')).toEqual(['up_pref=1; Path=/']);
  });

  it("a WebSocket upgrade after a reissue, 101 and non-101: only tokengate's token cookies, once each", async () => {
    for (const path of ['/ws/open', '/ws/declined']) {
      const fresh = await gateway().session();
      gateway().advance(PAST_ACCESS);
      const res = await rawUpgrade(gateway().port, path, [['Cookie', fresh.cookie]]);
      expect({ path, status: res.status }).toEqual({ path, status: path === '/ws/open' ? 101 : 403 });
      const setCookies = res.headers['set-cookie'] ?? [];
      const got = cookieValues(setCookies);
      expect({ path, access: linesNaming(setCookies, 'access_token').length, refresh: linesNaming(setCookies, 'refresh_token').length }).toEqual({ path, access: 1, refresh: 1 });
      expect(jwtClaims(got.access_token!).sid).toBe(fresh.sid);
      expect(jwtClaims(got.refresh_token!).sid).toBe(fresh.sid);
      expect(linesNaming(setCookies, 'up_pref')).toEqual(['up_pref=1; Path=/']);
      expectNoneOfTheUpstreams(res.headers);
    }
  });

  it("a reissue in header mode (expired access token + X-Refresh-Token): X-Access-Token and X-Refresh-Token are tokengate's, once each, on a proxied answer and a 101", async () => {
    for (const path of ['/reissue/headers', '/ws/open']) {
      const fresh = await gateway().session();
      gateway().advance(PAST_ACCESS);
      const sent: [string, string][] = [['Authorization', `Bearer ${fresh.access}`], ['X-Refresh-Token', fresh.refresh]];
      const headers = path.startsWith('/ws') ? (await rawUpgrade(gateway().port, path, sent)).headers : valuesOf((await gateway().request(path, { headers: Object.fromEntries(sent) })).rawHeaders);
      expectNoneOfTheUpstreams(headers);
      expect({ path, access: headers['x-access-token']?.length, refresh: headers['x-refresh-token']?.length }).toEqual({ path, access: 1, refresh: 1 });
      expect(jwtClaims(headers['x-access-token']![0]!).sid).toBe(fresh.sid);
      expect(jwtClaims(headers['x-refresh-token']![0]!).sid).toBe(fresh.sid);
    }
  });

  it("a WebSocket 101 with nothing reissued: the upstream's token cookies, token headers and request id are not relayed", async () => {
    const res = await rawUpgrade(gateway().port, '/ws/open', [['Authorization', `Bearer ${s.access}`]]);
    expect(res.status).toBe(101);
    expectNoneOfTheUpstreams(res.headers);
    expect(res.headers['x-access-token']).toBeUndefined();
    const setCookies = res.headers['set-cookie'] ?? [];
    expect(linesNaming(setCookies, 'access_token')).toEqual([]);
    expect(linesNaming(setCookies, 'refresh_token')).toEqual([]);
    expect(linesNaming(setCookies, 'up_pref')).toEqual(['up_pref=1; Path=/']);
  });
});

describe('FORWARD_TOKENS=true', () => {
  const gateway = gatewayWith({ FORWARD_TOKENS: 'true' });

  it("the upstream, though it now sees the tokens, still may not set the token cookies", async () => {
    const s = await gateway().session();
    const res = await gateway().request('/forwarded', { headers: { Cookie: s.cookie } });
    expectProxied(res);
    expect(linesNaming(res.setCookies, 'access_token')).toEqual([]);
    expect(linesNaming(res.setCookies, 'refresh_token')).toEqual([]);
  });
});

describe('ACCESS_COOKIE_NAME=gw_at, REFRESH_COOKIE_NAME=gw_rt', () => {
  const gateway = gatewayWith({ ACCESS_COOKIE_NAME: 'gw_at', REFRESH_COOKIE_NAME: 'gw_rt' });

  it("the configured names are dropped from the upstream's answer; access_token is then just the upstream's cookie", async () => {
    const s = await gateway().session();
    const res = await gateway().request('/custom/bearer', { headers: { Authorization: `Bearer ${s.access}` } });
    expect({ status: res.status, text: res.text }).toEqual({ status: 200, text: 'from upstream' });
    expect(res.setCookies).toEqual(['access_token=just-a-cookie', 'up_pref=1']);
  });
});
