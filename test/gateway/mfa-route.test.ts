import { Secret, TOTP } from 'otpauth';
import { TYPES } from '../../src/container';
import { rawValues, RecordingUpstream } from '../support/gateway-upstream';
import { RunningGateway, removeDir, tempDir, writeTemp, type GatewayUser } from '../support/gateway-harness';

/** SPEC §12 policy: `"mfa": true` routes, `X-User-Amr` to the upstream. */

const code = (secret: string, ms: number): string =>
  new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: ms });

let up: RecordingUpstream;
let gw: RunningGateway;
let dir: string;

beforeAll(async () => {
  up = await RecordingUpstream.start();
  dir = tempDir('tokengate-mfa-routes-');
  const routes = { routes: [{ prefix: '/admin', upstream: up.url, mfa: true }, { prefix: '/', upstream: up.url }] };
  gw = await RunningGateway.start({ ROUTES_FILE: writeTemp(dir, 'routes.json', JSON.stringify(routes)) });
});
afterAll(async () => {
  await gw.stop();
  await up.close();
  removeDir(dir);
});

/** Enrols `user`, then logs in with password and code on `gateway`; the access token's cookie. */
async function loginWithCode(user: GatewayUser, gateway: RunningGateway = gw): Promise<string> {
  const gw = gateway;
  const c = gw.comp.container;
  const offer = (await c.get(TYPES.BeginTotp).execute(user.username))!;
  await c.get(TYPES.ConfirmTotp).execute({ userId: offer.userId, secret: offer.secret, code: code(offer.secret, gw.clock.now()) });
  gw.advance(30);
  const json = { 'Content-Type': 'application/json' };
  const first = await gw.request('/auth/login', { method: 'POST', headers: json, body: JSON.stringify({ username: user.username, password: user.password }) });
  expect(first.status).toBe(401);
  const mfaToken = String(first.json?.mfaToken);
  const done = await gw.request('/auth/login/2fa', { method: 'POST', headers: json, body: JSON.stringify({ mfaToken, code: code(offer.secret, gw.clock.now()) }) });
  expect(done.status).toBe(200);
  return `access_token=${String(done.json?.accessToken)}`;
}

describe('a route with "mfa": true', () => {
  it('refuses a password-only session with 403 mfa_required, and forwards nothing', async () => {
    const s = await gw.session();
    const before = up.requests.length;
    const res = await gw.request('/admin/panel', { headers: { Cookie: s.cookie, Accept: 'application/json' } });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ error: 'mfa_required' });
    expect(up.requests.length).toBe(before);
  });

  it('sends an HTML navigation of a password-only session to <prefix>/2fa with rd', async () => {
    const s = await gw.session();
    const res = await gw.request('/admin/panel?x=1', { headers: { Cookie: s.cookie, Accept: 'text/html' } });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/auth/2fa?rd=%2Fadmin%2Fpanel%3Fx%3D1');
  });

  it('admits a session whose login used the second factor, with X-User-Amr: pwd,otp', async () => {
    const cookie = await loginWithCode(await gw.addUser());
    const res = await gw.request('/admin/panel', { headers: { Cookie: cookie } });
    expect(res.status).toBe(200);
    expect(rawValues(up.last('/admin/panel')?.rawHeaders ?? [], 'x-user-amr')).toEqual(['pwd,otp']);
  });

  it('other routes still admit password-only sessions, with X-User-Amr: pwd (a client-sent one is dropped)', async () => {
    const s = await gw.session();
    const res = await gw.request('/plain', { headers: [['Cookie', s.cookie], ['X-User-Amr', 'pwd,otp'], ['X_User_Amr', 'otp']] });
    expect(res.status).toBe(200);
    expect(rawValues(up.last('/plain')?.rawHeaders ?? [], 'x-user-amr')).toEqual(['pwd']);
  });

  it('/auth/verify carries X-User-Amr too', async () => {
    const s = await gw.session();
    const res = await gw.request('/auth/verify', { headers: { Cookie: s.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers['x-user-amr']).toBe('pwd');
  });
});

describe('MFA_REQUIRED_ROLES', () => {
  let strict: RunningGateway;
  beforeAll(async () => {
    strict = await RunningGateway.start({ UPSTREAM_URL: up.url, MFA_REQUIRED_ROLES: 'ops, admin', CORS_ORIGINS: 'https://app.example.com' });
  });
  afterAll(() => strict.stop());

  it('holders of a listed role pass no route with a password-only session, and are sent to enrol', async () => {
    const ops = await strict.session(['reader', 'ops']);
    const api = await strict.request('/anything', { headers: { Cookie: ops.cookie, Accept: 'application/json' } });
    expect(api.status).toBe(403);
    expect(api.json).toMatchObject({ error: 'mfa_required' });
    const nav = await strict.request('/anything', { headers: { Cookie: ops.cookie, Accept: 'text/html' } });
    expect(nav.status).toBe(302);
    expect(nav.headers.location).toBe('/auth/2fa?rd=%2Fanything');
    const enrolPage = await strict.request('/auth/2fa?rd=%2Fanything', { headers: { Cookie: ops.cookie } });
    expect(enrolPage.status).toBe(200);
    expect(enrolPage.text).toContain('Set up two-factor sign-in');
  });

  it('others are not affected', async () => {
    const reader = await strict.session(['reader']);
    expect((await strict.request('/anything', { headers: { Cookie: reader.cookie } })).status).toBe(200);
  });

  // Regression: forward-auth let a password-only session of a listed role through, so behind
  // nginx or Traefik the role's second factor was never asked for.
  it('forward-auth holds them to it too: /auth/verify answers 403 mfa_required, on the fast path and cross-origin', async () => {
    const ops = await strict.session(['reader', 'ops']);
    const verify = (cookie: string, origin?: string) =>
      strict.request('/auth/verify', { headers: { Cookie: cookie, ...(origin ? { Origin: origin } : {}) } });
    const fast = await verify(ops.cookie);
    const crossOrigin = await verify(ops.cookie, 'https://app.example.com');
    expect([fast.status, fast.json?.error, crossOrigin.status, crossOrigin.json?.error]).toEqual([403, 'mfa_required', 403, 'mfa_required']);
    expect(fast.headers['x-user-id']).toBeUndefined();
    // tokengate's own endpoints still answer the session: it must reach <prefix>/2fa to enrol.
    expect((await strict.request('/auth/me', { headers: { Cookie: ops.cookie } })).status).toBe(200);
    // With the second factor, and for others, forward-auth passes.
    const withCode = await loginWithCode(ops.user, strict);
    const reader = await strict.session(['reader']);
    expect([(await verify(withCode)).status, (await verify(withCode, 'https://app.example.com')).status, (await verify(reader.cookie)).status]).toEqual([200, 200, 200]);
  });
});
