import { cookieValues, expectErrorAnswer } from '../support/gateway-http';
import { RunningGateway, type GatewayUser } from '../support/gateway-harness';
import { RecordingUpstream } from '../support/gateway-upstream';

/** SPEC §5 rejections: browsers go to the login form (302 with rd), API clients get the 401 JSON; rd is same-origin only. */

let up: RecordingUpstream;
let gw: RunningGateway;

beforeAll(async () => {
  up = await RecordingUpstream.start();
  gw = await RunningGateway.start({ UPSTREAM_URL: up.url });
});
afterAll(async () => {
  await gw.stop();
  await up.close();
});

const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('a rejected request', () => {
  it('GET with Accept: text/html → 302 to /auth/login?rd=<URL-encoded path and query>', async () => {
    const res = await gw.request('/app/page?x=1&y=a%20b', { headers: { Accept: HTML } });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`/auth/login?rd=${encodeURIComponent('/app/page?x=1&y=a%20b')}`);
    expect(up.last('/app')).toBeUndefined();
  });

  it('the same for an expired session (case 1) and an invalid token', async () => {
    const s = await gw.session();
    gw.advance(3600);
    const expired = await gw.request('/app/old', { headers: { Accept: HTML, Cookie: s.cookie } });
    expect([expired.status, expired.headers.location]).toEqual([302, '/auth/login?rd=%2Fapp%2Fold']);
    const forged = await gw.request('/app/forged', { headers: { Accept: HTML, Cookie: 'access_token=a.b.c' } });
    expect([forged.status, forged.headers.location]).toEqual([302, '/auth/login?rd=%2Fapp%2Fforged']);
  });

  it.each([
    ['X-Requested-With: XMLHttpRequest', { Accept: HTML, 'X-Requested-With': 'XMLHttpRequest' }],
    ['Sec-Fetch-Mode: cors', { Accept: HTML, 'Sec-Fetch-Mode': 'cors' }],
    ['Accept: application/json', { Accept: 'application/json' }],
    ['no Accept at all', {}],
    ['Accept: */*', { Accept: '*/*' }],
  ])('GET from an API client (%s) → 401 JSON login_required with WWW-Authenticate', async (_what, headers) => {
    const res = await gw.request('/app/api?z=1', { headers });
    expectErrorAnswer(res, 401, 'login_required');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers.location).toBeUndefined();
  });

  it.each(['POST', 'PUT', 'DELETE'])('%s with Accept: text/html → 401 JSON, never a redirect', async (method) => {
    const res = await gw.request('/app/form', { method, headers: { Accept: HTML, 'Content-Type': 'text/plain' }, body: 'x' });
    expectErrorAnswer(res, 401, 'login_required');
  });
});

describe('the login form', () => {
  let user: GatewayUser;
  beforeAll(async () => {
    user = await gw.addUser();
  });

  const post = (rd: string) =>
    gw.request('/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: HTML },
      body: new URLSearchParams({ username: user.username, password: user.password, rd }).toString(),
    });

  it('GET /auth/login is an HTML page with CSP, nosniff and Referrer-Policy, keeping rd in the form', async () => {
    const res = await gw.request(`/auth/login?rd=${encodeURIComponent('/app/page?x=1&y=2')}`, { headers: { Accept: HTML } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toEqual(expect.any(String));
    expect(res.text).toContain('name="rd" value="/app/page?x=1&amp;y=2"');
    expect(res.text).toMatch(/<label for="username">/);
    expect(res.text).not.toMatch(/<(script|link)\b|src="http/);
  });

  it('posted with that rd → 303 to it, with the token cookies', async () => {
    const res = await post('/app/page?x=1&y=2');
    expect([res.status, res.headers.location]).toEqual([303, '/app/page?x=1&y=2']);
    const got = cookieValues(res.setCookies);
    expect(got.access_token).toEqual(expect.any(String));
    expect(got.refresh_token).toEqual(expect.any(String));
    const landed = await gw.request('/app/page?x=1&y=2', { headers: { Accept: HTML, Cookie: `access_token=${got.access_token}` } });
    expect(landed.status).toBe(200);
  });

  it.each([
    '//evil.example/x',
    'https://evil.example/x',
    'http:evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    '%2F%2Fevil.example',
    '/%2F/evil.example',
    '/%5Cevil.example',
    '%2f%5cevil.example',
    'javascript:alert(1)',
    ' //evil.example',
    '/\t/evil.example',
  ])('an rd of %j lands on /', async (rd) => {
    const res = await post(rd);
    expect([res.status, res.headers.location]).toEqual([303, '/']);
  });

  // The query is data: what the login redirect carried there comes back as the request had it.
  it.each([
    ['an encoded backslash in the query', '/search?q=a%5Cb'],
    ['an encoded line feed in the query', '/search?q=line%0Abreak'],
    ['a lone percent-encoded byte in the query', '/search?q=%E0'],
    ['slashes in the query', '/x?next=//evil.example'],
    ['a 3,000-character query', `/search?q=${'a'.repeat(3000)}`],
  ])('an rd with %s is kept', async (_what, rd) => {
    const res = await post(rd);
    expect([res.status, res.headers.location]).toEqual([303, rd]);
  });

  it('the rd of the login redirect survives the form: a query with %5C comes back whole', async () => {
    const first = await gw.request('/search?q=a%5Cb', { headers: { Accept: HTML } });
    expect(first.status).toBe(302);
    const page = await gw.request(first.headers.location as string, { headers: { Accept: HTML } });
    expect(page.text).toContain('name="rd" value="/search?q=a%5Cb"');
  });

  it('a wrong password → 401 with the form again, the error shown, rd kept', async () => {
    const res = await gw.request('/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: user.username, password: 'wrong', rd: '/app/x' }).toString(),
    });
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('role="alert"');
    expect(res.text).toContain('name="rd" value="/app/x"');
    expect(res.setCookies).toEqual([]);
  });
});
