import type { Response } from 'supertest';
import { cookieHeader, setCookies } from '../support/e2e-cookies';
import { expectError, forEachStorage, itKeepsSecretsOutOfLogs, TTL, useGateway, type Gateway } from '../support/e2e-harness';
import { jwtPayload } from '../support/e2e-jwt';

const PAST_ACCESS = TTL.access + TTL.skew + 1;

/** `POST /auth/refresh` with only a refresh token (case 2). */
const refreshWith = async (gw: Gateway, refresh: string): Promise<Response> =>
  gw.track(await gw.http().post('/auth/refresh').set('X-Refresh-Token', refresh));

forEachStorage('e2e: refresh-token rotation and reuse detection', (target) => {
  const gateway = useGateway(target);

  it('each use replaces the refresh token (always): the new one works, once', async () => {
    const gw = gateway();
    const t = await gw.login(await gw.sharedUser());
    const r1 = (await refreshWith(gw, t.refresh)).body.refreshToken as string;
    expect(r1).not.toBe(t.refresh);
    expect(jwtPayload(r1).sid).toBe(t.sid);
    const r2 = await refreshWith(gw, r1);
    expect(r2.status).toBe(200);
    expect(r2.body.reissued).toEqual(['access', 'refresh']);
  });

  it('a spent token within the grace window gets the session\'s current refresh token, identical every time', async () => {
    const gw = gateway();
    const t = await gw.login(await gw.sharedUser());
    const first = await refreshWith(gw, t.refresh);
    const current = first.body.refreshToken as string;
    gw.advance(TTL.grace - 1);
    const again = await refreshWith(gw, t.refresh);
    const third = await refreshWith(gw, t.refresh);
    for (const res of [again, third]) {
      expect(res.status).toBe(200);
      expect(res.body.refreshToken).toBe(current);
      expect(res.body.reissued).toEqual(['access', 'refresh']);
      expect(res.headers['x-refresh-token']).toBe(current);
      expect(setCookies(res).refresh_token?.value).toBe(current);
    }
    expect(again.body.accessToken).not.toBe(first.body.accessToken);
    expect((await refreshWith(gw, current)).status).toBe(200);
  });

  it.each([
    ['POST /auth/refresh', (gw: Gateway, r: string) => refreshWith(gw, r)],
    ['GET /auth/verify (cookies, case 2)', async (gw: Gateway, r: string) => gw.http().get('/auth/verify').set('Cookie', cookieHeader({ refresh: r }))],
  ])('a spent token after the grace window via %s → token_reused; the session is revoked', async (_, use) => {
    const gw = gateway();
    const t = await gw.login(await gw.sharedUser());
    const rotated = await refreshWith(gw, t.refresh);
    const newest = rotated.body.refreshToken as string;
    const access = rotated.body.accessToken as string;
    gw.advance(TTL.grace + 1);
    const reused = await use(gw, t.refresh);
    expectError(reused, 401, 'token_reused');
    expect(setCookies(reused)).toEqual({});
    expectError(await refreshWith(gw, newest), 401, 'token_revoked');
    expectError(await gw.http().get('/auth/me').set('Authorization', `Bearer ${access}`), 401, 'token_revoked');
    expectError(await gw.http().get('/auth/verify').set('Cookie', cookieHeader({ access, refresh: newest })), 401, 'token_revoked');
    const logged = gw.logs.entries().filter((e) => e.event === 'reuse_detected' && e.sessionId === t.sid);
    expect(logged).toHaveLength(1);
  });

  it('cases 1 and 4 never consult storage: a spent refresh token beside a valid access token passes /auth/verify', async () => {
    const gw = gateway();
    const t = await gw.login(await gw.sharedUser());
    const rotated = await refreshWith(gw, t.refresh);
    gw.advance(TTL.grace + 1);
    const res = await gw.http().get('/auth/verify').set('Authorization', `Bearer ${rotated.body.accessToken}`).set('X-Refresh-Token', t.refresh);
    expect(res.status).toBe(200);
    expect(setCookies(res)).toEqual({});
    expect((await refreshWith(gw, rotated.body.refreshToken)).status).toBe(200);
  });

  it('20 parallel refreshes with one token: no 500, all 200, one final token that works once more; the original is spent', async () => {
    const gw = gateway();
    const t = await gw.login(await gw.sharedUser());
    gw.advance(PAST_ACCESS);
    const answers = await Promise.all(Array.from({ length: 20 }, () => refreshWith(gw, t.refresh)));
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200));
    const tokens = new Set(answers.map((r) => r.body.refreshToken as string));
    expect(tokens.size).toBe(1);
    const [final] = [...tokens] as [string];
    expect(final).not.toBe(t.refresh);
    for (const res of answers) expect(setCookies(res).refresh_token?.value).toBe(final);
    const graceHits = gw.logs.entries().filter((e) => e.event === 'grace_hit' && e.sessionId === t.sid);
    expect(graceHits).toHaveLength(19);
    const next = await refreshWith(gw, final);
    expect(next.status).toBe(200);
    expect(next.body.refreshToken).not.toBe(final);
    // Spent two rotations ago but still inside its own grace window: converges on the newest.
    const late = await refreshWith(gw, t.refresh);
    expect(late.status).toBe(200);
    expect(late.body.refreshToken).toBe(next.body.refreshToken);
    gw.advance(TTL.grace + 1);
    expectError(await refreshWith(gw, t.refresh), 401, 'token_reused');
  });

  it('parallel refreshes through /auth/verify with cookies converge too', async () => {
    const gw = gateway();
    const t = await gw.login(await gw.sharedUser());
    gw.advance(PAST_ACCESS);
    const answers = await Promise.all(
      Array.from({ length: 10 }, async () => gw.track(await gw.http().get('/auth/verify').set('Cookie', cookieHeader(t)))),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(new Set(answers.map((r) => setCookies(r).refresh_token?.value)).size).toBe(1);
  });

  describe('REFRESH_ROTATION=on-expiry', () => {
    const onExpiry = useGateway(target, { REFRESH_ROTATION: 'on-expiry' });

    it('case 2 keeps the refresh token: reusing it is never token_reused', async () => {
      const gw = onExpiry();
      const t = await gw.login(await gw.sharedUser());
      for (let i = 0; i < 3; i++) {
        gw.advance(PAST_ACCESS);
        const res = await refreshWith(gw, t.refresh);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ refreshToken: t.refresh, reissued: ['access'] });
        expect(setCookies(res).refresh_token).toBeUndefined();
        expect(res.headers['x-refresh-token']).toBeUndefined();
      }
    });
  });

  itKeepsSecretsOutOfLogs(gateway);
});
