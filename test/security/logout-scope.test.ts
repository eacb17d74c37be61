import { expectError, forEachStorage, itLeaksNoSecrets, TTL, useGateway, type SecurityGateway, type Tokens } from '../support/security-harness';

const logout = (gw: SecurityGateway, scope: string, headers: Record<string, string>) =>
  gw.http().post(`/auth/logout?scope=${scope}`).set(headers);
const alive = async (gw: SecurityGateway, t: Tokens): Promise<boolean> => (await gw.me(t.access)).status === 200;

/**
 * Issue 12 #10: `others` and `global` need a token that would pass the gate (a current access
 * token, or the session's current refresh token or one within grace); a stale one may still
 * end its own session (`local`).
 */
forEachStorage('security: logout scope with a stale token', (target) => {
  const gateway = useGateway(target);

  it('refuses scope=global with a spent refresh token past the grace window: 401 login_required, nothing revoked', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    const first = await gw.login(user);
    expect((await gw.refresh(first.refresh)).status).toBe(200);
    gw.advance(TTL.grace + 1);
    const other = await gw.login(user);
    expectError(await logout(gw, 'global', { 'X-Refresh-Token': first.refresh }), 401, 'login_required');
    expect(await alive(gw, other)).toBe(true);
  });

  it.each(['global', 'others'])('refuses scope=%s with expired access and refresh tokens', async (scope) => {
    const gw = gateway();
    const user = await gw.addUser();
    const stale = await gw.login(user);
    gw.advance(TTL.refresh + TTL.skew + 1);
    const other = await gw.login(user);
    expectError(await logout(gw, scope, { Authorization: `Bearer ${stale.access}`, 'X-Refresh-Token': stale.refresh }), 401, 'login_required');
    expect(await alive(gw, other)).toBe(true);
  });

  it('lets a stale token end its own session (scope=local)', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    const stale = await gw.login(user);
    gw.advance(TTL.refresh + TTL.skew + 1);
    expect((await logout(gw, 'local', { 'X-Refresh-Token': stale.refresh })).status).toBe(204);
    expectError(await gw.refresh(stale.refresh), 401, 'token_revoked');
  });

  it('accepts scope=global with the current refresh token, its access token expired', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    const t = await gw.login(user);
    const other = await gw.login(user);
    gw.advance(TTL.access + TTL.skew + 1);
    const fresh = await gw.login(user);
    expect((await logout(gw, 'global', { Authorization: `Bearer ${t.access}`, 'X-Refresh-Token': t.refresh })).status).toBe(204);
    expect(await alive(gw, fresh)).toBe(false);
    expectError(await gw.refresh(other.refresh), 401, 'token_revoked');
  });

  it('accepts scope=others with a current access token alone, and with a refresh token within grace', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    const a = await gw.login(user);
    const b = await gw.login(user);
    expect((await logout(gw, 'others', { Authorization: `Bearer ${a.access}` })).status).toBe(204);
    expect(await alive(gw, a)).toBe(true);
    expect(await alive(gw, b)).toBe(false);
    expect((await gw.refresh(a.refresh)).status).toBe(200);
    const c = await gw.login(user);
    expect((await logout(gw, 'others', { 'X-Refresh-Token': a.refresh })).status).toBe(204);
    expect(await alive(gw, c)).toBe(false);
  });

  itLeaksNoSecrets(gateway);
});
