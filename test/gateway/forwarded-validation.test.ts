import { expectErrorAnswer } from '../support/gateway-http';
import { RunningGateway, type UserSession } from '../support/gateway-harness';
import { rawValues, RecordingUpstream } from '../support/gateway-upstream';

/**
 * SPEC §5 "client address under TRUST_PROXY", over real HTTP: with TRUST_PROXY=1 a forwarded
 * protocol other than http/https, or a forwarded host that is no valid authority, is not
 * believed. The upstream then gets the socket's protocol and the `Host` header, and the CSRF
 * check compares `Origin` with those: on the proxied path and on Koa's own endpoints alike.
 */

let up: RecordingUpstream;
let gw: RunningGateway;
let s: UserSession;
let seq = 0;

beforeAll(async () => {
  up = await RecordingUpstream.start();
  gw = await RunningGateway.start({ UPSTREAM_URL: up.url, TRUST_PROXY: '1' });
  s = await gw.session();
});
afterAll(async () => {
  await gw.stop();
  await up.close();
});

/** One cookie-authenticated GET to a fresh path; what the upstream saw as X-Forwarded-Proto and -Host. */
async function forwardedFor(headers: [string, string][]): Promise<{ proto: string[]; host: string[] }> {
  const path = `/fw/${++seq}`;
  const res = await gw.request(path, { headers: [['Cookie', s.cookie], ...headers] });
  expect(res.status).toBe(200);
  const seen = up.last(path);
  if (!seen) throw new Error('upstream not reached');
  return { proto: rawValues(seen.rawHeaders, 'x-forwarded-proto'), host: rawValues(seen.rawHeaders, 'x-forwarded-host') };
}

describe('proxied: what the upstream receives', () => {
  it.each(['javascript', 'ftp', 'gopher, https', 'https://evil.example'])('X-Forwarded-Proto %j → the socket\'s http', async (proto) => {
    expect((await forwardedFor([['X-Forwarded-Proto', proto]])).proto).toEqual(['http']);
  });

  it.each([
    ['https', 'https'],
    ['HTTPS', 'https'],
    ['https, http', 'https'],
    ['http', 'http'],
  ])('X-Forwarded-Proto %j → %s', async (proto, expected) => {
    expect((await forwardedFor([['X-Forwarded-Proto', proto]])).proto).toEqual([expected]);
  });

  it.each([
    ['a path', 'evil.com/path'],
    ['a space', 'a b'],
    ['userinfo', 'user@host'],
    ['userinfo naming another host', 'user@evil.example'],
    ['a port above 65535', 'host:99999'],
    ['an empty port', 'host:'],
    ['a lone hyphen', '-'],
    ['a 300-character name', 'a'.repeat(300)],
    ['a backslash', 'evil.example\\x'],
  ])('X-Forwarded-Host with %s (%j) → the Host header', async (_what, host) => {
    expect((await forwardedFor([['X-Forwarded-Host', host]])).host).toEqual([`127.0.0.1:${gw.port}`]);
  });

  it.each(['public.example', 'Public.Example:8443', '[::1]:8080', '10.0.0.5', 'legacy_app:8080', 'public.example.'])('X-Forwarded-Host %j → unchanged', async (host) => {
    expect((await forwardedFor([['X-Forwarded-Host', host]])).host).toEqual([host]);
  });

  it('a bad Host header and a bad forwarded host → an empty X-Forwarded-Host', async () => {
    expect((await forwardedFor([['Host', 'user@evil.example'], ['X-Forwarded-Host', 'a b']])).host).toEqual(['']);
  });
});

describe('CSRF compares Origin with the validated protocol and host', () => {
  const ATTACKS: [string, () => [string, string][]][] = [
    ['userinfo in X-Forwarded-Host naming the attacker', () => [['Origin', 'https://evil.example'], ['X-Forwarded-Proto', 'https'], ['X-Forwarded-Host', 'user@evil.example']]],
    ['an ftp X-Forwarded-Proto matching an ftp Origin', () => [['Origin', `ftp://127.0.0.1:${gw.port}`], ['X-Forwarded-Proto', 'ftp']]],
  ];
  const MATCHING: [string, string][] = [['Origin', 'https://public.example'], ['X-Forwarded-Proto', 'https'], ['X-Forwarded-Host', 'public.example']];

  describe('proxied POST with cookies', () => {
    it.each(ATTACKS)('%s → 403, the upstream not reached', async (_what, headers) => {
      const before = up.requests.length;
      const res = await gw.request('/csrf/attack', { method: 'POST', headers: [['Cookie', s.cookie], ...headers()], body: 'x' });
      expectErrorAnswer(res, 403, 'forbidden');
      expect(up.requests.length).toBe(before);
    });

    it('a valid forwarded protocol and host matching Origin → forwarded', async () => {
      const res = await gw.request('/csrf/ok', { method: 'POST', headers: [['Cookie', s.cookie], ...MATCHING], body: 'x' });
      expect(res.status).toBe(200);
      expect(up.last('/csrf/ok')?.headers['x-forwarded-host']).toBe('public.example');
    });
  });

  describe.each(['logout', 'refresh'])('Koa: POST /auth/%s with cookies', (endpoint) => {
    const success = endpoint === 'logout' ? 204 : 200;
    const post = (t: UserSession, headers: [string, string][]) =>
      gw.request(`/auth/${endpoint}`, { method: 'POST', headers: [['Cookie', t.cookie], ['Content-Type', 'application/json'], ...headers], body: '{}' });

    it.each(ATTACKS)('%s → 403, the session untouched', async (_what, headers) => {
      const t = await gw.session();
      expectErrorAnswer(await post(t, headers()), 403, 'forbidden');
      expect((await gw.request('/auth/me', { headers: { Cookie: t.cookie } })).status).toBe(200);
    });

    it(`a valid forwarded protocol and host matching Origin → ${success}`, async () => {
      const t = await gw.session();
      expect((await post(t, MATCHING)).status).toBe(success);
    });
  });
});

describe('Koa: the client IP under TRUST_PROXY=1 (unchanged)', () => {
  it('a login records the rightmost X-Forwarded-For entry as the session\'s ip', async () => {
    const user = await gw.addUser();
    const login = await gw.request('/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': '198.51.100.4, 203.0.113.77' },
      body: JSON.stringify({ username: user.username, password: user.password }),
    });
    expect(login.status).toBe(200);
    const sessions = await gw.request('/auth/sessions', { headers: { Authorization: `Bearer ${String(login.json?.accessToken)}` } });
    expect(sessions.status).toBe(200);
    expect((sessions.json as unknown as { ip: string; current: boolean }[]).find((x) => x.current)?.ip).toBe('203.0.113.77');
  });
});

describe('afterwards', () => {
  it('logged no error-level entry', () => {
    expect(gw.errors()).toEqual([]);
  });
});
