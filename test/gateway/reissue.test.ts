import { cookieLine, cookieValues, expectErrorAnswer, type HttpAnswer } from '../support/gateway-http';
import { GATEWAY_TTL, jwtClaims, removeDir, RunningGateway, tempDir, writeTemp, type UserSession } from '../support/gateway-harness';
import { RecordingUpstream } from '../support/gateway-upstream';

/** SPEC §3 cases 2 and 3 on proxied requests: the reissued tokens ride on the upstream's response. */

const PAST_ACCESS = GATEWAY_TTL.access + GATEWAY_TTL.skew + 10;

let up: RecordingUpstream;

beforeAll(async () => {
  up = await RecordingUpstream.start();
  // The upstream sets its own cookies and a cacheable Cache-Control.
  up.handler = (_req, res) => {
    res.setHeader('Set-Cookie', ['up_pref=1; Path=/', 'up_two=2; Path=/; HttpOnly']);
    res.setHeader('Cache-Control', 'public, max-age=600');
    res.setHeader('Content-Type', 'text/plain');
    res.end('from upstream');
  };
});
afterAll(() => up.close());

/** The proxied answer, its upstream record, and the user's identity there. */
function expectProxied(res: HttpAnswer, path: string, s: UserSession): void {
  expect({ status: res.status, text: res.text }).toEqual({ status: 200, text: 'from upstream' });
  const seen = up.last(path);
  expect(seen?.headers['x-user-id']).toBe(s.user.id);
  expect(seen?.headers['x-session-id']).toBe(s.sid);
  expect(seen?.headers.cookie).toBeUndefined();
  expect(seen?.headers.authorization).toBeUndefined();
}

/** The upstream's own cookies survive next to tokengate's; caching is off. */
function expectUpstreamCookiesAndNoStore(res: HttpAnswer): void {
  expect(cookieLine(res.setCookies, 'up_pref')).toBe('up_pref=1; Path=/');
  expect(cookieLine(res.setCookies, 'up_two')).toBe('up_two=2; Path=/; HttpOnly');
  expect(res.headers['cache-control']).toBe('no-store');
}

describe('REFRESH_ROTATION=always (default)', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await RunningGateway.start({ UPSTREAM_URL: up.url });
  });
  afterAll(() => gw.stop());

  it('case 2, cookies: expired access + valid refresh → upstream reached, new access and refresh cookies, no-store', async () => {
    const s = await gw.session();
    gw.advance(PAST_ACCESS);
    const res = await gw.request('/case2/cookie', { headers: { Cookie: s.cookie } });
    expectProxied(res, '/case2/cookie', s);
    const got = cookieValues(res.setCookies);
    expect(got.access_token).toEqual(expect.any(String));
    expect(got.access_token).not.toBe(s.access);
    expect(jwtClaims(got.access_token as string).sid).toBe(s.sid);
    expect(got.refresh_token).toEqual(expect.any(String));
    expect(got.refresh_token).not.toBe(s.refresh);
    expect(cookieLine(res.setCookies, 'access_token')).toMatch(/; Max-Age=60;.*HttpOnly/);
    expectUpstreamCookiesAndNoStore(res);
    expect(res.headers['x-access-token']).toBeUndefined();
    expect(res.headers['x-refresh-token']).toBeUndefined();

    const next = await gw.request('/case2/next', { headers: { Cookie: `access_token=${got.access_token}; refresh_token=${got.refresh_token}` } });
    expect(next.status).toBe(200);
    expect(cookieLine(next.setCookies, 'access_token')).toBeUndefined();
    expect(next.headers['cache-control']).toBe('public, max-age=600');
  });

  it('case 2, headers: Bearer (expired) + X-Refresh-Token → X-Access-Token and X-Refresh-Token too, plus the cookies', async () => {
    const s = await gw.session();
    gw.advance(PAST_ACCESS);
    const res = await gw.request('/case2/header', { headers: { Authorization: `Bearer ${s.access}`, 'X-Refresh-Token': s.refresh } });
    expectProxied(res, '/case2/header', s);
    expect(up.last('/case2/header')?.headers['x-refresh-token']).toBeUndefined();
    const access = res.headers['x-access-token'];
    const refresh = res.headers['x-refresh-token'];
    expect(access).toEqual(expect.any(String));
    expect(access).not.toBe(s.access);
    expect(refresh).toEqual(expect.any(String));
    expect(refresh).not.toBe(s.refresh);
    expect(cookieValues(res.setCookies)).toMatchObject({ access_token: access, refresh_token: refresh });
    expectUpstreamCookiesAndNoStore(res);
  });

  it('case 2 with no access token at all (refresh cookie only) also reissues and passes', async () => {
    const s = await gw.session();
    const res = await gw.request('/case2/noaccess', { headers: { Cookie: `refresh_token=${s.refresh}` } });
    expectProxied(res, '/case2/noaccess', s);
    expect(cookieValues(res.setCookies).access_token).toEqual(expect.any(String));
    expectUpstreamCookiesAndNoStore(res);
  });

  it('case 4: nothing reissued, the upstream\'s Cache-Control and cookies are left alone', async () => {
    const s = await gw.session();
    const res = await gw.request('/case4', { headers: { Cookie: s.cookie } });
    expectProxied(res, '/case4', s);
    expect(Object.keys(cookieValues(res.setCookies)).sort()).toEqual(['up_pref', 'up_two']);
    expect(res.headers['cache-control']).toBe('public, max-age=600');
  });

  it('case 1: both expired → 401 login_required, upstream not reached', async () => {
    const s = await gw.session();
    gw.advance(GATEWAY_TTL.refresh + GATEWAY_TTL.skew + 10);
    const before = up.requests.length;
    const res = await gw.request('/case1', { headers: { Cookie: s.cookie, Accept: 'application/json' } });
    expectErrorAnswer(res, 401, 'login_required');
    expect(up.requests.length).toBe(before);
  });
});

describe('REFRESH_ROTATION=on-expiry: case 3', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await RunningGateway.start({ UPSTREAM_URL: up.url, REFRESH_ROTATION: 'on-expiry', REFRESH_TOKEN_TTL: '120s' });
  });
  afterAll(() => gw.stop());

  /** Login at t, case 2 at t+100 (new access, exp t+160; refresh kept, exp t+120), then t+130: case 3. */
  async function atCase3(): Promise<UserSession & { fresh: string }> {
    const s = await gw.session();
    gw.advance(100);
    const two = await gw.request('/case3/setup', { headers: { Cookie: s.cookie } });
    expect(two.status).toBe(200);
    const got = cookieValues(two.setCookies);
    expect(got.refresh_token).toBeUndefined();
    gw.advance(30);
    return { ...s, fresh: got.access_token as string };
  }

  it('cookies: valid access + expired refresh → upstream reached, a new refresh cookie only, no-store', async () => {
    const s = await atCase3();
    const res = await gw.request('/case3/cookie', { headers: { Cookie: `access_token=${s.fresh}; refresh_token=${s.refresh}` } });
    expectProxied(res, '/case3/cookie', s);
    const got = cookieValues(res.setCookies);
    expect(got.access_token).toBeUndefined();
    expect(got.refresh_token).toEqual(expect.any(String));
    expect(got.refresh_token).not.toBe(s.refresh);
    expect(jwtClaims(got.refresh_token as string).sid).toBe(s.sid);
    expectUpstreamCookiesAndNoStore(res);
  });

  it('headers: Bearer + expired X-Refresh-Token → X-Refresh-Token on the response, and the cookie', async () => {
    const s = await atCase3();
    const res = await gw.request('/case3/header', { headers: { Authorization: `Bearer ${s.fresh}`, 'X-Refresh-Token': s.refresh } });
    expectProxied(res, '/case3/header', s);
    const refresh = res.headers['x-refresh-token'];
    expect(refresh).toEqual(expect.any(String));
    expect(refresh).not.toBe(s.refresh);
    expect(res.headers['x-access-token']).toBeUndefined();
    expect(cookieValues(res.setCookies).refresh_token).toBe(refresh);
    expectUpstreamCookiesAndNoStore(res);
  });
});

describe('a reissue followed by an error answer (the old refresh token is already spent)', () => {
  let gw: RunningGateway;
  let dir: string;
  beforeAll(async () => {
    dir = tempDir('tokengate-reissue-');
    const routes = { routes: [{ prefix: '/admin', upstream: up.url, roles: ['admin'] }, { prefix: '/down', upstream: 'http://127.0.0.1:1' }] };
    gw = await RunningGateway.start({ UPSTREAM_URL: up.url, ROUTES_FILE: writeTemp(dir, 'routes.json', JSON.stringify(routes)) });
  });
  afterAll(async () => {
    await gw.stop();
    removeDir(dir);
  });

  it.each([
    ['a role the user lacks', '/admin/x', 403, 'forbidden'],
    ['an unreachable upstream', '/down/x', 502, 'bad_gateway'],
  ])('%s (%s) → %s %s, still carrying the new cookies and no-store', async (_what, path, status, code) => {
    const s = await gw.session(['reader']);
    gw.advance(PAST_ACCESS);
    const res = await gw.request(path, { headers: { Cookie: s.cookie, Accept: 'application/json' } });
    expectErrorAnswer(res, status, code);
    const got = cookieValues(res.setCookies);
    expect(got.access_token).toEqual(expect.any(String));
    expect(got.refresh_token).toEqual(expect.any(String));
    expect(got.refresh_token).not.toBe(s.refresh);
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('afterwards', () => {
  it('the upstream never saw a token', () => {
    const leaked = up.requests.filter((r) => JSON.stringify(r.headers).includes('eyJ'));
    expect(leaked.map((r) => r.url)).toEqual([]);
  });
});
