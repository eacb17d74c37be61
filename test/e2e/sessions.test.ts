import { cookieHeader, setCookies } from '../support/e2e-cookies';
import { expectError, forEachStorage, itKeepsSecretsOutOfLogs, TTL, useGateway } from '../support/e2e-harness';
import { jwtPayload } from '../support/e2e-jwt';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const iso = (ms: number): string => new Date(ms).toISOString();

interface SessionRow {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  userAgent: string | null;
  ip: string | null;
  current: boolean;
}

forEachStorage('e2e: /auth/me, /auth/sessions and session lifetimes', (target) => {
  const gateway = useGateway(target);

  it('GET /auth/me answers {sub, username, roles, sid, exp} for a valid access token', async () => {
    const gw = gateway();
    const user = await gw.addUser({ roles: ['admin', 'ops'] });
    const t = await gw.login(user);
    for (const req of [
      gw.http().get('/auth/me').set('Authorization', `Bearer ${t.access}`),
      gw.http().get('/auth/me').set('Cookie', cookieHeader({ access: t.access })),
    ]) {
      const res = await req;
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({ sub: user.id, username: user.username, roles: ['admin', 'ops'], sid: t.sid, exp: jwtPayload(t.access).exp });
    }
  });

  it('GET /auth/me and /auth/sessions without a token → 401 login_required', async () => {
    const gw = gateway();
    expectError(await gw.http().get('/auth/me'), 401, 'login_required');
    expectError(await gw.http().get('/auth/sessions'), 401, 'login_required');
  });

  it('GET /auth/me with an expired access token and a refresh cookie reissues (case 2)', async () => {
    const gw = gateway();
    const t = await gw.login(await gw.addUser());
    gw.advance(TTL.access + TTL.skew + 1);
    const res = gw.track(await gw.http().get('/auth/me').set('Cookie', cookieHeader(t)));
    expect(res.status).toBe(200);
    const cookies = setCookies(res);
    expect(res.body.exp).toBe(jwtPayload(cookies.access_token?.value ?? '').exp);
    expect(Object.keys(cookies).sort()).toEqual(['access_token', 'refresh_token']);
  });

  it('GET /auth/sessions lists the caller\'s live sessions, ISO times, `current` on the caller\'s', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    const other = await gw.login(await gw.addUser());
    const a = await gw.login(user, { 'User-Agent': 'agent-A/1.0' });
    const loginA = gw.clock.now();
    gw.advance(30);
    const b = await gw.login(user, { 'User-Agent': 'agent-B/2.0' });
    const loggedOut = await gw.login(user);
    expect((await gw.http().post('/auth/logout').set('Authorization', `Bearer ${loggedOut.access}`)).status).toBe(204);
    const res = await gw.http().get('/auth/sessions').set('Authorization', `Bearer ${a.access}`);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const rows = res.body as SessionRow[];
    expect(rows.map((r) => r.id).sort()).toEqual([a.sid, b.sid].sort());
    expect(rows.map((r) => r.id)).not.toContain(other.sid);
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(['createdAt', 'current', 'expiresAt', 'id', 'ip', 'lastUsedAt', 'userAgent']);
      for (const t of [row.createdAt, row.lastUsedAt, row.expiresAt]) expect(t).toMatch(ISO);
      expect(row.ip).toEqual(expect.any(String));
    }
    const rowA = rows.find((r) => r.id === a.sid) as SessionRow;
    const rowB = rows.find((r) => r.id === b.sid) as SessionRow;
    expect(rowA).toMatchObject({ current: true, userAgent: 'agent-A/1.0', createdAt: iso(loginA), lastUsedAt: iso(loginA) });
    expect(rowB).toMatchObject({ current: false, userAgent: 'agent-B/2.0' });
    expect(Date.parse(rowA.expiresAt)).toBeGreaterThan(loginA);
    expect(Date.parse(rowA.expiresAt)).toBeLessThanOrEqual(loginA + TTL.max * 1000);
    const fromB = await gw.http().get('/auth/sessions').set('Cookie', cookieHeader({ access: b.access }));
    expect((fromB.body as SessionRow[]).filter((r) => r.current).map((r) => r.id)).toEqual([b.sid]);
  });

  it('a refresh moves lastUsedAt', async () => {
    const gw = gateway();
    const t = await gw.login(await gw.addUser());
    gw.advance(100);
    const refreshed = gw.track(await gw.http().post('/auth/refresh').set('X-Refresh-Token', t.refresh));
    const res = await gw.http().get('/auth/sessions').set('Authorization', `Bearer ${refreshed.body.accessToken}`);
    const row = (res.body as SessionRow[]).find((r) => r.id === t.sid) as SessionRow;
    expect(row.lastUsedAt).toBe(iso(gw.clock.now()));
    expect(Date.parse(row.createdAt)).toBe(gw.clock.now() - 100_000);
  });

  it('the idle limit: a refresh token unused for REFRESH_TOKEN_TTL → login_required', async () => {
    const gw = gateway();
    const t = await gw.login(await gw.addUser());
    gw.advance(TTL.refresh + TTL.skew + 1);
    expectError(await gw.http().post('/auth/refresh').set('Cookie', cookieHeader(t)), 401, 'login_required');
    expectError(await gw.http().get('/auth/verify').set('Cookie', cookieHeader(t)), 401, 'login_required');
  });

  it('past SESSION_MAX_LIFETIME the session is over (login_required), however active it was', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    const t = await gw.login(user);
    const end = gw.clock.now() + TTL.max * 1000;
    let refresh = t.refresh;
    let last: { refreshExpiresIn: number } = { refreshExpiresIn: TTL.refresh };
    while (gw.clock.now() + (TTL.refresh - 60) * 1000 < end) {
      gw.advance(TTL.refresh - 60);
      const res = gw.track(await gw.http().post('/auth/refresh').set('X-Refresh-Token', refresh));
      expect(res.status).toBe(200);
      refresh = res.body.refreshToken;
      last = res.body;
    }
    expect(jwtPayload(refresh).exp).toBe(Math.floor(end / 1000));
    expect(last.refreshExpiresIn).toBeLessThan(TTL.refresh);
    gw.advance((end - gw.clock.now()) / 1000 + 1);
    // Past the end, still inside the clock skew: the refresh token verifies, the stored session refuses.
    expectError(await gw.http().post('/auth/refresh').set('X-Refresh-Token', refresh), 401, 'login_required');
    gw.advance(TTL.skew);
    expectError(await gw.http().get('/auth/verify').set('X-Refresh-Token', refresh), 401, 'login_required');
    expect((await gw.login(user)).sid).not.toBe(t.sid);
  });

  itKeepsSecretsOutOfLogs(gateway);
});
