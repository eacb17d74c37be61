import { cookieHeader, setCookies } from '../support/e2e-cookies';
import { expectError, forEachStorage, itKeepsSecretsOutOfLogs, useGateway } from '../support/e2e-harness';
import { PAST_ACCESS, tokenCaseSuite } from '../support/e2e-token-cases';
import { expectReissued } from '../support/e2e-transport';

forEachStorage('e2e: token cases, tokens in cookies', (target) => {
  const gateway = useGateway(target);

  tokenCaseSuite(target, 'cookie', gateway);

  describe('cookie specifics', () => {
    it('reissued tokens come back as cookies only, never as X-Access-Token / X-Refresh-Token headers', async () => {
      const gw = gateway();
      const t = await gw.login(await gw.sharedUser());
      gw.advance(PAST_ACCESS);
      const res = gw.track(await gw.http().get('/auth/verify').set('Cookie', cookieHeader(t)));
      expectReissued(res, 'verify', 'cookie', ['access', 'refresh'], t);
      expect(res.headers['x-access-token']).toBeUndefined();
      expect(res.headers['x-refresh-token']).toBeUndefined();
    });

    const csrfRefused = async (headers: Record<string, string>) => {
      const gw = gateway();
      const t = await gw.login(await gw.sharedUser());
      gw.advance(PAST_ACCESS);
      const res = await gw.http().post('/auth/refresh').set(headers).set('Cookie', cookieHeader(t));
      expectError(res, 403, 'forbidden');
      expect(setCookies(res)).toEqual({});
      const ok = gw.track(await gw.http().post('/auth/refresh').set('Cookie', cookieHeader(t)));
      expectReissued(ok, 'refresh', 'cookie', ['access', 'refresh'], t);
    };

    it('a cookie-authenticated POST /auth/refresh with Sec-Fetch-Site: cross-site (no Origin) → 403 forbidden, nothing spent', () =>
      csrfRefused({ 'Sec-Fetch-Site': 'cross-site' }));

    // Regression: Koa 3's `ctx.origin` *is* the request's Origin header (koa/lib/request.js), so
    // comparing against it let every Origin pass; the own origin is built from protocol and host.
    it.each([
      ['a foreign Origin', { Origin: 'https://evil.example' }],
      ['Origin: null', { Origin: 'null' }],
    ])('a cookie-authenticated POST /auth/refresh with %s → 403 forbidden, nothing spent', (_, headers) => csrfRefused(headers));

    it('a cookie-authenticated POST /auth/refresh from the gateway\'s own origin passes', async () => {
      const gw = gateway();
      const t = await gw.login(await gw.sharedUser());
      gw.advance(PAST_ACCESS);
      const res = gw.track(
        await gw.http().post('/auth/refresh').set('Host', 'gate.example').set('Origin', 'http://gate.example').set('Cookie', cookieHeader(t)),
      );
      expectReissued(res, 'refresh', 'cookie', ['access', 'refresh'], t);
    });

    it('a cross-site GET /auth/verify is not a CSRF case: it passes', async () => {
      const gw = gateway();
      const t = await gw.login(await gw.sharedUser());
      const res = await gw.http().get('/auth/verify').set('Origin', 'https://evil.example').set('Cookie', cookieHeader(t));
      expectReissued(res, 'verify', 'cookie', [], t);
    });
  });

  itKeepsSecretsOutOfLogs(gateway);
});
