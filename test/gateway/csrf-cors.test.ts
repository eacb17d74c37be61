import { expectErrorAnswer, type HttpAnswer } from '../support/gateway-http';
import { RunningGateway, type UserSession } from '../support/gateway-harness';
import { RecordingUpstream } from '../support/gateway-upstream';

/** SPEC §4 `forbidden` (CSRF on cookie-authenticated unsafe methods) and CORS on the auth prefix. */

const ALLOWED = 'https://app.example';
const FOREIGN = 'https://evil.example';

let up: RecordingUpstream;
let gw: RunningGateway;

beforeAll(async () => {
  up = await RecordingUpstream.start();
  gw = await RunningGateway.start({ UPSTREAM_URL: up.url, CORS_ORIGINS: `${ALLOWED},https://other.example` });
});
afterAll(async () => {
  await gw.stop();
  await up.close();
});

type Target = 'proxied' | 'refresh' | 'logout';
const UNSAFE = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** One cookie-authenticated unsafe request to `target`, with a fresh session. */
async function cookieRequest(target: Target, method: string, headers: Record<string, string>): Promise<{ res: HttpAnswer; s: UserSession }> {
  const s = await gw.session();
  const path = target === 'proxied' ? `/csrf/${method.toLowerCase()}` : `/auth/${target}`;
  const res = await gw.request(path, { method, headers: { Cookie: s.cookie, 'Content-Type': 'application/json', ...headers }, body: '{}' });
  return { res, s };
}

/** The session still works (a refused logout revoked nothing). */
async function stillValid(s: UserSession): Promise<boolean> {
  return (await gw.request('/auth/me', { headers: { Cookie: s.cookie } })).status === 200;
}

const CASES: [Target, string][] = [
  ...UNSAFE.map((m): [Target, string] => ['proxied', m]),
  ['refresh', 'POST'],
  ['logout', 'POST'],
];
const SUCCESS: Record<Target, number> = { proxied: 200, refresh: 200, logout: 204 };

describe('cookie-authenticated unsafe requests', () => {
  // Pins the fix of csrf.ts comparing with Koa 3's `ctx.origin`, which echoes the request's Origin.
  describe.each([
    ['a foreign Origin', { Origin: FOREIGN }],
    ['Origin: null', { Origin: 'null' }],
    ['a foreign Origin with Sec-Fetch-Site: same-origin', { Origin: FOREIGN, 'Sec-Fetch-Site': 'same-origin' }],
  ])('with %s → 403 forbidden', (_what, headers) => {
    it.each(CASES)('%s %s', async (target, method) => {
      const before = up.requests.length;
      const { res, s } = await cookieRequest(target, method, headers);
      expectErrorAnswer(res, 403, 'forbidden');
      expect(res.setCookies).toEqual([]);
      expect(up.requests.length).toBe(before);
      expect(await stillValid(s)).toBe(true);
    });
  });

  describe('with no Origin and Sec-Fetch-Site: cross-site → 403 forbidden', () => {
    it.each(CASES)('%s %s', async (target, method) => {
      const before = up.requests.length;
      const { res, s } = await cookieRequest(target, method, { 'Sec-Fetch-Site': 'cross-site' });
      expectErrorAnswer(res, 403, 'forbidden');
      expect(up.requests.length).toBe(before);
      expect(await stillValid(s)).toBe(true);
    });
  });

  describe.each([
    ['the gateway\'s own origin', () => ({ Origin: gw.origin })],
    ['an origin in CORS_ORIGINS', () => ({ Origin: ALLOWED })],
    ['neither Origin nor Sec-Fetch-Site (non-browser client)', () => ({})],
    ['no Origin and Sec-Fetch-Site: same-site', () => ({ 'Sec-Fetch-Site': 'same-site' })],
  ])('from %s → passes', (_what, headers) => {
    it.each(CASES)('%s %s', async (target, method) => {
      const { res } = await cookieRequest(target, method, headers());
      expect(res.status).toBe(SUCCESS[target]);
      if (target === 'proxied') expect(up.last(`/csrf/${method.toLowerCase()}`)?.method).toBe(method);
    });
  });
});

describe('bearer-authenticated requests are not subject to the CSRF check', () => {
  it.each(UNSAFE)('%s proxied with a foreign Origin and Sec-Fetch-Site: cross-site → passes', async (method) => {
    const s = await gw.session();
    const res = await gw.request(`/bearer/${method.toLowerCase()}`, {
      method,
      headers: { Authorization: `Bearer ${s.access}`, Origin: FOREIGN, 'Sec-Fetch-Site': 'cross-site' },
      body: 'x',
    });
    expect(res.status).toBe(200);
    expect(up.last(`/bearer/${method.toLowerCase()}`)?.headers['x-user-id']).toBe(s.user.id);
  });

  it('POST /auth/refresh with X-Refresh-Token from a foreign Origin → 200', async () => {
    const s = await gw.session();
    const res = await gw.request('/auth/refresh', { method: 'POST', headers: { 'X-Refresh-Token': s.refresh, Origin: FOREIGN } });
    expect(res.status).toBe(200);
    expect(res.json?.reissued).toEqual(['access', 'refresh']);
  });
});

describe('CORS on the auth prefix', () => {
  it('preflight OPTIONS /auth/refresh from an allowed origin → ACAO echoes it, credentials allowed', async () => {
    const res = await gw.request('/auth/refresh', {
      method: 'OPTIONS',
      headers: { Origin: ALLOWED, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-refresh-token' },
    });
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(String(res.headers['access-control-allow-methods'])).toMatch(/\bPOST\b/);
    expect(String(res.headers['access-control-allow-headers']).toLowerCase()).toMatch(/x-refresh-token/);
    expect(String(res.headers.vary)).toMatch(/origin/i);
  });

  it('preflight from a foreign origin gets no CORS headers', async () => {
    const res = await gw.request('/auth/refresh', {
      method: 'OPTIONS',
      headers: { Origin: FOREIGN, 'Access-Control-Request-Method': 'POST' },
    });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('a 401 from /auth/me for an allowed origin carries the CORS headers, WWW-Authenticate exposed', async () => {
    const res = await gw.request('/auth/me', { headers: { Origin: ALLOWED } });
    expectErrorAnswer(res, 401, 'login_required');
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(String(res.headers['access-control-expose-headers']).toLowerCase()).toMatch(/www-authenticate/);
  });

  it('a 401 from /auth/me for a foreign origin carries none', async () => {
    const res = await gw.request('/auth/me', { headers: { Origin: FOREIGN } });
    expectErrorAnswer(res, 401, 'login_required');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('a credentialed 200 from /auth/me for an allowed origin carries them too', async () => {
    const s = await gw.session();
    const res = await gw.request('/auth/me', { headers: { Origin: ALLOWED, Cookie: s.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
  });
});
