import type { Response } from 'supertest';
import { setCookies } from './e2e-cookies';
import { expectError, TTL, useGateway, type Gateway, type StorageTarget } from './e2e-harness';
import { jwtPayload, tampered } from './e2e-jwt';
import { call, expectReissued, type Endpoint, type Mode, type Presented } from './e2e-transport';

/** Seconds after which a token minted now is `expired` (past `exp` plus the clock skew). */
export const PAST_ACCESS = TTL.access + TTL.skew + 1;
export const PAST_REFRESH = TTL.refresh + TTL.skew + 1;

const endpoints: Endpoint[] = ['refresh', 'verify'];

function expectNoCookies(res: Response): void {
  expect(setCookies(res)).toEqual({});
}

/**
 * SPEC §3 end to end, for one way of carrying tokens, through `POST /auth/refresh` and
 * `GET /auth/verify`, under the default rotation (`always`) and under `on-expiry`.
 */
export function tokenCaseSuite(target: () => StorageTarget, mode: Mode, gateway: () => Gateway): void {
  const onExpiry = useGateway(target, { REFRESH_ROTATION: 'on-expiry' });

  describe.each(endpoints)(`via /auth/%s (${mode} mode)`, (endpoint) => {
    const go = (tokens: Presented, gw = gateway()) => call(gw, endpoint, mode, tokens);
    const session = async (gw = gateway()) => gw.login(await gw.sharedUser());

    it('case 1: expired access + expired refresh → 401 login_required, nothing set', async () => {
      const t = await session();
      gateway().advance(PAST_REFRESH);
      const res = await go({ access: t.access, refresh: t.refresh });
      expectError(res, 401, 'login_required');
      expectNoCookies(res);
    });

    it('case 1: missing access + expired refresh → 401 login_required', async () => {
      const t = await session();
      gateway().advance(PAST_REFRESH);
      expectError(await go({ refresh: t.refresh }), 401, 'login_required');
    });

    it('expired access and no refresh token: login_required (refresh: 400 invalid_request)', async () => {
      const t = await session();
      gateway().advance(PAST_ACCESS);
      const res = await go({ access: t.access });
      if (endpoint === 'refresh') expectError(res, 400, 'invalid_request');
      else expectError(res, 401, 'login_required');
    });

    it('no token at all: login_required (refresh: 400 invalid_request)', async () => {
      const res = await go({});
      if (endpoint === 'refresh') expectError(res, 400, 'invalid_request');
      else expectError(res, 401, 'login_required');
    });

    it.each([['expired', true], ['missing', false]])('case 2: %s access + valid refresh → access and refresh reissued (always)', async (_, sendAccess) => {
      const t = await session();
      gateway().advance(PAST_ACCESS);
      const sent = { access: sendAccess ? t.access : null, refresh: t.refresh };
      const res = await go(sent);
      const now = expectReissued(res, endpoint, mode, ['access', 'refresh'], sent);
      const cookies = setCookies(res);
      expect(cookies.access_token?.attributes['max-age']).toBe(String(TTL.access));
      expect(cookies.refresh_token?.attributes['max-age']).toBe(String(TTL.refresh));
      expect(jwtPayload(now.access as string).sid).toBe(t.sid);
      expect(jwtPayload(now.refresh as string).sid).toBe(t.sid);
      if (endpoint === 'refresh') expect(res.body).toMatchObject({ expiresIn: TTL.access, refreshExpiresIn: TTL.refresh });
      else expect(res.headers['x-session-id']).toBe(t.sid);
      expectReissued(await go(now), endpoint, mode, [], now);
    });

    it('case 3: valid access + expired refresh → refresh reissued', async () => {
      const t = await session();
      gateway().advance(PAST_REFRESH);
      const access = await gateway().mintAccess(t.sid);
      const sent = { access, refresh: t.refresh };
      const now = expectReissued(await go(sent), endpoint, mode, ['refresh'], sent);
      expect(jwtPayload(now.refresh as string)).toMatchObject({ sid: t.sid, sub: jwtPayload(access).sub });
      expectReissued(await go(now), endpoint, mode, [], now);
    });

    it('case 4: valid access + valid refresh → 200, nothing reissued', async () => {
      const t = await session();
      const res = await go({ access: t.access, refresh: t.refresh });
      expectReissued(res, endpoint, mode, [], t);
      if (endpoint === 'refresh') expect(res.body).toMatchObject({ expiresIn: TTL.access, refreshExpiresIn: TTL.refresh });
    });

    it('valid access + missing refresh → pass (refresh: 400 invalid_request)', async () => {
      const t = await session();
      const res = await go({ access: t.access });
      if (endpoint === 'refresh') return expectError(res, 400, 'invalid_request');
      expectReissued(res, endpoint, mode, [], t);
    });

    it('an invalid access token is invalid_token whatever the refresh token', async () => {
      const t = await session();
      gateway().remember('not.a.jwt');
      expectError(await go({ access: 'not.a.jwt', refresh: t.refresh }), 401, 'invalid_token');
      expectError(await go({ access: tampered(t.access, { roles: ['admin'] }), refresh: t.refresh }), 401, 'invalid_token');
      gateway().advance(PAST_REFRESH);
      expectError(await go({ access: 'not.a.jwt', refresh: t.refresh }), 401, 'invalid_token');
    });

    it('an invalid refresh token is invalid_token whatever the access token, and nothing is reissued', async () => {
      const t = await session();
      const bad = tampered(t.refresh, { exp: jwtPayload(t.refresh).exp + 3600 });
      const valid = await go({ access: t.access, refresh: bad });
      expectError(valid, 401, 'invalid_token');
      gateway().advance(PAST_ACCESS);
      const expired = await go({ access: t.access, refresh: bad });
      expectError(expired, 401, 'invalid_token');
      expectNoCookies(expired);
      expectError(await go({ refresh: 'a.b.c' }), 401, 'invalid_token');
    });

    it('revoked session: both tokens → token_revoked, in cases 2 and 4', async () => {
      const t = await session();
      const out = await gateway().http().post('/auth/logout').set('Authorization', `Bearer ${t.access}`);
      expect(out.status).toBe(204);
      expectError(await go({ access: t.access, refresh: t.refresh }), 401, 'token_revoked');
      if (endpoint === 'verify') expectError(await go({ access: t.access }), 401, 'token_revoked');
      gateway().advance(PAST_ACCESS);
      const res = await go({ access: t.access, refresh: t.refresh });
      expectError(res, 401, 'token_revoked');
      expectNoCookies(res);
      expectError(await go({ refresh: t.refresh }), 401, 'token_revoked');
    });

    it('access and refresh of two different sessions → invalid_token (cases 4 and 2)', async () => {
      const gw = gateway();
      const user = await gw.sharedUser();
      const a = await gw.login(user);
      const b = await gw.login(user);
      expectError(await go({ access: a.access, refresh: b.refresh }), 401, 'invalid_token');
      gw.advance(PAST_ACCESS);
      const res = await go({ access: a.access, refresh: b.refresh });
      expectError(res, 401, 'invalid_token');
      expectNoCookies(res);
      expectReissued(await go({ refresh: b.refresh }), endpoint, mode, ['access', 'refresh'], { refresh: b.refresh });
    });

    describe('REFRESH_ROTATION=on-expiry', () => {
      it('case 2 reissues only the access token; the refresh token stays usable', async () => {
        const gw = onExpiry();
        const t = await session(gw);
        gw.advance(PAST_ACCESS);
        const first = expectReissued(await go(t, gw), endpoint, mode, ['access'], t);
        expect(first.refresh).toBe(t.refresh);
        gw.advance(PAST_ACCESS);
        expectReissued(await go({ refresh: t.refresh }, gw), endpoint, mode, ['access'], { refresh: t.refresh });
      });

      it('case 3 is reached naturally: the reissued access token outlives the refresh token', async () => {
        const gw = onExpiry();
        const t = await session(gw);
        gw.advance(TTL.refresh - 50);
        const mid = expectReissued(await go(t, gw), endpoint, mode, ['access'], t);
        gw.advance(50 + TTL.skew + 1);
        const sent = { access: mid.access, refresh: t.refresh };
        const after = expectReissued(await go(sent, gw), endpoint, mode, ['refresh'], sent);
        expectReissued(await go(after, gw), endpoint, mode, [], after);
      });
    });
  });
}
