import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cookieLine, cookieValues, send } from '../support/gateway-http';
import { GATEWAY_TTL, jwtClaims, RunningGateway } from '../support/gateway-harness';
import { describeWithNginx, NginxProcess, NGINX_CONF_PATH, renderNginxConf } from '../support/gateway-nginx';
import { rawValues, RecordingUpstream } from '../support/gateway-upstream';

/**
 * The documented nginx `auth_request` recipe (docs/nginx/tokengate.conf, included verbatim in
 * docs/forward-auth.md), run by real nginx in front of a recording upstream, tokengate as the
 * auth server on /auth/verify.
 */

/** The documented cookie attributes assume tokengate's defaults (15m / 14d) and COOKIE_SECURE=true. */
const DOC_SETTINGS = { ACCESS_TOKEN_TTL: '15m', REFRESH_TOKEN_TTL: '14d', SESSION_MAX_LIFETIME: '30d', COOKIE_SECURE: 'true', TRUST_PROXY: '1' };
const PAST_ACCESS = 15 * 60 + GATEWAY_TTL.skew + 10;

/** A `Set-Cookie` line with its value blanked: name and attributes only. */
const shape = (line: string | undefined): string => (line ?? '').replace(/^([^=]+)=[^;]*/, '$1=<value>');

it('docs/forward-auth.md includes docs/nginx/tokengate.conf verbatim', () => {
  const doc = readFileSync(resolve(__dirname, '../../docs/forward-auth.md'), 'utf8');
  expect(doc).toContain(readFileSync(NGINX_CONF_PATH, 'utf8').trimEnd());
});

describeWithNginx('nginx auth_request in front of a legacy app, tokengate as the auth server', () => {
  let app: RecordingUpstream;
  let gw: RunningGateway;
  let nginx: NginxProcess;

  beforeAll(async () => {
    app = await RecordingUpstream.start();
    app.handler = (req, res) => {
      res.setHeader('Set-Cookie', 'app_pref=1; Path=/');
      res.setHeader('Content-Type', 'text/plain');
      res.end(`app saw ${req.method} ${req.url}`);
    };
    gw = await RunningGateway.start({ UPSTREAM_URL: app.url, ...DOC_SETTINGS });
    nginx = await NginxProcess.start((listen) => renderNginxConf({ tokengate: gw.port, app: app.port, listen }));
  });
  afterAll(async () => {
    await nginx?.stop();
    await gw?.stop();
    await app?.close();
  });

  const viaNginx = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    send(nginx.port, path, { method, headers: { Host: `127.0.0.1:${nginx.port}`, ...headers }, ...(method === 'GET' ? {} : { body: '' }) });

  it('expired access + valid refresh cookie: passes nginx to the app, and the browser gets the reissued cookies', async () => {
    const s = await gw.session(['reader']);
    const twin = await gw.session(['reader']);
    gw.advance(PAST_ACCESS);
    const before = app.requests.length;
    const res = await viaNginx('/legacy/page?q=1', { Cookie: s.cookie, Accept: 'text/html' });
    expect({ status: res.status, text: res.text }).toEqual({ status: 200, text: 'app saw GET /legacy/page?q=1' });
    expect(app.requests.length).toBe(before + 1);
    const seen = app.last('/legacy/page');
    expect(seen?.headers['x-user-id']).toBe(s.user.id);
    expect(seen?.headers['x-session-id']).toBe(s.sid);

    const got = cookieValues(res.setCookies);
    expect(got.access_token).toEqual(expect.any(String));
    expect(got.access_token).not.toBe(s.access);
    expect(jwtClaims(got.access_token as string).sid).toBe(s.sid);
    expect(got.refresh_token).toEqual(expect.any(String));
    expect(got.refresh_token).not.toBe(s.refresh);
    expect(got.app_pref).toBe('1');
    expect(res.headers['cache-control']).toBe('no-store');

    // The relayed cookies carry exactly the attributes tokengate itself sets for the same reissue.
    const direct = await gw.request('/auth/verify', { headers: { Cookie: twin.cookie } });
    expect(direct.status).toBe(200);
    for (const name of ['access_token', 'refresh_token']) {
      expect(shape(cookieLine(res.setCookies, name))).toBe(shape(cookieLine(direct.setCookies, name)));
    }

    const next = await viaNginx('/legacy/next', { Cookie: `access_token=${got.access_token}; refresh_token=${got.refresh_token}` });
    expect(next.status).toBe(200);
    expect(cookieValues(next.setCookies).access_token).toBeUndefined();
    expect(next.headers['cache-control']).toBeUndefined();
  });

  it('a valid session passes with the identity headers; nothing reissued', async () => {
    const s = await gw.session(['reader', 'ops']);
    const res = await viaNginx('/legacy/ok', { Cookie: s.cookie, 'X-User-Id': 'spoofed', X_User_Id: 'spoofed', 'X-User-Roles': 'admin' });
    expect(res.status).toBe(200);
    const seen = app.last('/legacy/ok');
    expect(rawValues(seen?.rawHeaders ?? [], 'x-user-id')).toEqual([s.user.id]);
    expect(seen?.headers['x-user-roles']).toBe('reader,ops');
    expect(Object.keys(cookieValues(res.setCookies))).toEqual(['app_pref']);
  });

  // A password-only session must not claim a second factor, nor another identity, through
  // headers the app (or an earlier proxy's convention) would believe.
  it('a client cannot forge X-User-Amr nor the headers tokengate strips (STRIP_HEADERS, Forwarded)', async () => {
    const s = await gw.session(['reader']);
    const forged = {
      'X-User-Amr': 'pwd,otp',
      'Remote-User': 'admin',
      'X-Forwarded-User': 'admin',
      'X-Auth-Request-User': 'admin',
      'X-Original-URL': '/admin',
      'X-HTTP-Method-Override': 'DELETE',
      Forwarded: 'for=10.0.0.1;host=evil.example',
      'X-Real-IP': '10.0.0.1',
    };
    const res = await viaNginx('/legacy/amr', { Cookie: s.cookie, ...forged });
    expect(res.status).toBe(200);
    const seen = app.last('/legacy/amr');
    expect(rawValues(seen?.rawHeaders ?? [], 'x-user-amr')).toEqual(['pwd']);
    for (const name of Object.keys(forged).filter((n) => n !== 'X-User-Amr')) {
      expect([name, seen?.headers[name.toLowerCase()]]).toEqual([name, undefined]);
    }
  });

  it('no token, a browser: 302 to the login form with rd; the app is not reached', async () => {
    const before = app.requests.length;
    const res = await viaNginx('/legacy/secret', { Accept: 'text/html' });
    expect(res.status).toBe(302);
    expect(res.headers.location).toMatch(/\/auth\/login\?rd=\/legacy\/secret$/);
    expect(app.requests.length).toBe(before);
  });

  it.each([
    ['an API client', { Accept: 'application/json' }],
    ['an XHR', { Accept: 'text/html', 'X-Requested-With': 'XMLHttpRequest' }],
  ])('no token, %s: 401 with tokengate\'s WWW-Authenticate; the app is not reached', async (_who, headers) => {
    const before = app.requests.length;
    const res = await viaNginx('/legacy/api', headers);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer error="login_required"');
    expect(app.requests.length).toBe(before);
  });

  it('a logged-out session is refused through nginx (401 token_revoked in WWW-Authenticate)', async () => {
    const s = await gw.session();
    expect((await viaNginx('/auth/logout', { Cookie: s.cookie }, 'POST')).status).toBe(204);
    const res = await viaNginx('/legacy/after-logout', { Cookie: `access_token=${s.access}`, Accept: 'application/json' });
    expect([res.status, res.headers['www-authenticate']]).toEqual([401, 'Bearer error="token_revoked"']);
  });

  it('CSRF still applies: nginx sends tokengate the original method, so a cross-site cookie POST is 403', async () => {
    const s = await gw.session();
    const before = app.requests.length;
    const refused = await viaNginx('/legacy/form', { Cookie: s.cookie, 'Sec-Fetch-Site': 'cross-site' }, 'POST');
    expect(refused.status).toBe(403);
    expect(app.requests.length).toBe(before);
    const ok = await send(nginx.port, '/legacy/form', { method: 'POST', headers: { Host: `127.0.0.1:${nginx.port}`, Cookie: s.cookie }, body: 'a=1&b=2' });
    expect(ok.status).toBe(200);
    expect(app.last('/legacy/form')).toMatchObject({ method: 'POST', bodyBytes: 7 });
  });

  it('the login form and login itself are served by tokengate through nginx', async () => {
    const form = await viaNginx('/auth/login?rd=/legacy/secret', { Accept: 'text/html' });
    expect(form.status).toBe(200);
    expect(form.headers['content-type']).toMatch(/^text\/html/);
    const user = await gw.addUser();
    const login = await send(nginx.port, '/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Host: `127.0.0.1:${nginx.port}`, Origin: `http://127.0.0.1:${nginx.port}` },
      body: new URLSearchParams({ username: user.username, password: user.password, rd: '/legacy/secret' }).toString(),
    });
    expect([login.status, login.headers.location]).toEqual([303, '/legacy/secret']);
    const got = cookieValues(login.setCookies);
    const landed = await viaNginx('/legacy/secret', { Cookie: `access_token=${got.access_token}; refresh_token=${got.refresh_token}` });
    expect(landed.status).toBe(200);
  });

  it('nginx logged no error', () => {
    expect(nginx.errorLog()).not.toMatch(/\[(error|crit|alert|emerg)\]/);
  });
});
