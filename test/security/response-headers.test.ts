import { createHash } from 'node:crypto';
import type { Response } from 'supertest';
import { forEachStorage, freshIp, itLeaksNoSecrets, useGateway, type SecurityGateway } from '../support/security-harness';

const HSTS = 'max-age=31536000; includeSubDomains';

/** `Content-Security-Policy` as directive → sources. */
function csp(res: Response): Map<string, string[]> {
  const header = String(res.headers['content-security-policy'] ?? '');
  return new Map(header.split(';').map((d) => d.trim()).filter(Boolean).map((d) => {
    const [name, ...sources] = d.split(/\s+/);
    return [name!.toLowerCase(), sources];
  }));
}

/** OWASP Secure Headers / CSP cheat sheets: what a login page must send. */
function expectHardenedPage(res: Response): void {
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['referrer-policy']).toBe('same-origin');
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['cache-control']).toBe('no-store');
  const policy = csp(res);
  expect(policy.get('default-src')).toEqual(["'none'"]);
  expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
  expect(policy.get('form-action')).toEqual(["'self'"]);
  expect(policy.get('base-uri')).toEqual(["'none'"]);
  expect(policy.get('object-src')).toEqual(["'none'"]);
  expect(policy.has('script-src')).toBe(false);
  const everySource = [...policy.values()].flat();
  for (const loose of ["'unsafe-inline'", "'unsafe-eval'", '*', 'http:', 'https:', 'data:']) expect(everySource).not.toContain(loose);
  expect(res.text).not.toMatch(/<script|\son[a-z]+\s*=|javascript:|style="/i);
  // The one inline stylesheet is allowed by its hash, so the page still renders styled.
  const styles = [...res.text.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
  expect(styles).toHaveLength(1);
  expect(policy.get('style-src')).toEqual([`'sha256-${createHash('sha256').update(styles[0]!, 'utf8').digest('base64')}'`]);
}

function tokenBearing(gw: SecurityGateway) {
  return async (): Promise<Record<string, Response>> => {
    const user = await gw.addUser();
    const t = await gw.login(user);
    const refreshed = await gw.refresh(t.refresh);
    const reissued = gw.track(await gw.http().get('/auth/verify').set('X-Refresh-Token', refreshed.body.refreshToken as string));
    const form = gw.track(await gw.http().post('/auth/login').set('X-Forwarded-For', freshIp()).type('form').send({ username: user.username, password: user.password, rd: '/app' }));
    return { 'POST /auth/login': t.res, 'POST /auth/refresh': refreshed, 'GET /auth/verify (access reissued)': reissued, 'form POST /auth/login (303)': form };
  };
}

forEachStorage('security: response headers', (target) => {
  describe('with COOKIE_SECURE=true', () => {
    const gateway = useGateway(target, { COOKIE_SECURE: 'true' });

    it('sends Cache-Control: no-store and Pragma: no-cache on every response that carries a token', async () => {
      const responses = await tokenBearing(gateway())();
      for (const [name, res] of Object.entries(responses)) {
        expect({ name, status: res.status, cacheControl: res.headers['cache-control'] }).toEqual({ name, status: expect.any(Number), cacheControl: 'no-store' });
        expect([200, 303]).toContain(res.status);
        expect(res.headers['set-cookie']?.length).toBeGreaterThan(0);
      }
      expect(responses['POST /auth/login']!.headers.pragma).toBe('no-cache');
      expect(responses['POST /auth/refresh']!.headers.pragma).toBe('no-cache');
    });

    it('sends Strict-Transport-Security and Secure cookies on auth responses, errors included', async () => {
      const gw = gateway();
      const t = await gw.login(await gw.addUser());
      for (const cookie of t.res.headers['set-cookie'] as unknown as string[]) expect(cookie).toMatch(/;\s*Secure/i);
      const answers = [t.res, await gw.me(t.access), await gw.me('garbage'), await gw.http().get('/auth/login'), await gw.http().get('/healthz')];
      for (const res of answers) {
        expect(res.headers['strict-transport-security']).toBe(HSTS);
        expect(res.headers['x-content-type-options']).toBe('nosniff');
      }
    });

    it('serves the login page with nosniff, a same-origin referrer policy, frame denial and a strict CSP without scripts', async () => {
      expectHardenedPage(await gateway().http().get('/auth/login?rd=/app'));
    });

    it('serves the failed form login page with the same headers', async () => {
      const gw = gateway();
      const res = await gw.http().post('/auth/login').set('X-Forwarded-For', freshIp()).type('form').send({ username: 'nobody', password: 'wrong-password' });
      expect(res.status).toBe(401);
      expectHardenedPage(res);
      gw.remember('wrong-password');
    });

    itLeaksNoSecrets(gateway);
  });

  describe('with COOKIE_SECURE=false (plain HTTP behind nothing)', () => {
    const gateway = useGateway(target, { COOKIE_SECURE: 'false' });

    it('sends no Strict-Transport-Security, and cookies without Secure', async () => {
      const gw = gateway();
      const t = await gw.login(await gw.addUser());
      expect(t.res.headers['strict-transport-security']).toBeUndefined();
      for (const cookie of t.res.headers['set-cookie'] as unknown as string[]) expect(cookie).not.toMatch(/;\s*Secure/i);
      expect(t.res.headers['cache-control']).toBe('no-store');
    });
  });
});
