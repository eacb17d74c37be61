import { cookieHeader, setCookies } from '../support/e2e-cookies';
import { expectError, forEachStorage, itKeepsSecretsOutOfLogs, useGateway } from '../support/e2e-harness';
import { PAST_ACCESS, tokenCaseSuite } from '../support/e2e-token-cases';
import { expectReissued } from '../support/e2e-transport';

forEachStorage('e2e: token cases, tokens in headers', (target) => {
  const gateway = useGateway(target);

  tokenCaseSuite(target, 'header', gateway);

  describe('header specifics', () => {
    it.each(['bearer', 'BEARER', 'Bearer'])('the Authorization scheme is case-insensitive (%s)', async (scheme) => {
      const gw = gateway();
      const t = await gw.login(await gw.sharedUser());
      const res = await gw.http().get('/auth/me').set('Authorization', `${scheme} ${t.access}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ sid: t.sid });
    });

    it('the refresh token may come in the JSON body; the answer then carries cookies but no token headers', async () => {
      const gw = gateway();
      const t = await gw.login(await gw.sharedUser());
      gw.advance(PAST_ACCESS);
      const res = gw.track(await gw.http().post('/auth/refresh').send({ refreshToken: t.refresh }));
      expectReissued(res, 'refresh', 'cookie', ['access', 'refresh'], { refresh: t.refresh });
    });

    it('X-Refresh-Token wins over the body and the cookie; Bearer wins over the access cookie', async () => {
      const gw = gateway();
      const user = await gw.addUser();
      const a = await gw.login(user);
      const b = await gw.login(user);
      gw.remember('x.y.z');
      const res = await gw.http().post('/auth/refresh').set('X-Refresh-Token', 'x.y.z').set('Cookie', cookieHeader({ refresh: a.refresh })).send({ refreshToken: a.refresh });
      expectError(res, 401, 'invalid_token');
      const me = await gw.http().get('/auth/me').set('Authorization', `Bearer ${b.access}`).set('Cookie', cookieHeader({ access: a.access }));
      expect(me.body).toMatchObject({ sid: b.sid });
      const bad = await gw.http().get('/auth/me').set('Authorization', 'Bearer x.y.z').set('Cookie', cookieHeader({ access: a.access }));
      expectError(bad, 401, 'invalid_token');
    });

    it('a header-authenticated refresh needs no Origin check (non-browser client)', async () => {
      const gw = gateway();
      const t = await gw.login(await gw.sharedUser());
      gw.advance(PAST_ACCESS);
      const res = gw.track(await gw.http().post('/auth/refresh').set('Origin', 'https://elsewhere.example').set('X-Refresh-Token', t.refresh));
      expectReissued(res, 'refresh', 'header', ['access', 'refresh'], { refresh: t.refresh });
      expect(Object.keys(setCookies(res)).sort()).toEqual(['access_token', 'refresh_token']);
    });
  });

  itKeepsSecretsOutOfLogs(gateway);
});
