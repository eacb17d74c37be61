import { payloadOf } from './support/jwt-craft';
import { expectError, forEachStorage, itLeaksNoSecrets, TTL, useGateway, type SecurityGateway, type Tokens } from '../support/security-harness';

/** Both tokens of a revoked session are refused as `token_revoked`, on every path that checks them. */
async function expectRevoked(gw: SecurityGateway, t: { access: string; refresh: string }): Promise<void> {
  expectError(await gw.me(t.access), 401, 'token_revoked');
  expectError(await gw.http().get('/auth/verify').set('Authorization', `Bearer ${t.access}`), 401, 'token_revoked');
  expectError(await gw.refresh(t.refresh), 401, 'token_revoked');
}

async function expectLive(gw: SecurityGateway, t: { access: string }): Promise<void> {
  expect((await gw.me(t.access)).status).toBe(200);
}

forEachStorage('security: credential events revoke sessions', (target) => {
  const gateway = useGateway(target);

  it('a password change revokes every session of the user at once; old password refused, new one works', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    const bystander = await gw.login(await gw.addUser());
    const sessions: Tokens[] = [await gw.login(user), await gw.login(user)];
    const revoked = await gw.changePassword(user, 'a-brand-new-long-password');
    expect(revoked).toHaveLength(2);
    for (const t of sessions) await expectRevoked(gw, t);
    expectError(await gw.tryLogin(user.username, user.password), 401, 'invalid_credentials');
    expect((await gw.tryLogin(user.username, 'a-brand-new-long-password')).status).toBe(200);
    await expectLive(gw, bystander);
  });

  it('disabling a user revokes every session at once, and login then answers invalid_credentials', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    const bystander = await gw.login(await gw.addUser());
    const sessions: Tokens[] = [await gw.login(user), await gw.login(user)];
    expect(await gw.disable(user.username)).toHaveLength(2);
    for (const t of sessions) await expectRevoked(gw, t);
    expectError(await gw.tryLogin(user.username, user.password), 401, 'invalid_credentials');
    await expectLive(gw, bystander);
  });

  it('a spent refresh token presented after the grace window answers token_reused and revokes its whole session', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    const stolen = await gw.login(user);
    const rotated = await gw.refresh(stolen.refresh);
    expect(rotated.status).toBe(200);
    const current = { access: rotated.body.accessToken as string, refresh: rotated.body.refreshToken as string };
    gw.advance(TTL.grace + 1);
    expectError(await gw.refresh(stolen.refresh), 401, 'token_reused');
    await expectRevoked(gw, current);
    expectError(await gw.me(stolen.access), 401, 'token_revoked');
    const session = await gw.comp.storage.sessions.findById(String(payloadOf(stolen.access).sid));
    expect(session?.revokeReason).toBe('reuse_detected');
  });

  it('within the grace window a spent refresh token converges on the current one instead (no false alarm)', async () => {
    const gw = gateway();
    const t = await gw.login(await gw.addUser());
    const first = await gw.refresh(t.refresh);
    gw.advance(TTL.grace - 1);
    const again = await gw.refresh(t.refresh);
    expect(again.status).toBe(200);
    expect(again.body.refreshToken).toBe(first.body.refreshToken);
  });

  itLeaksNoSecrets(gateway);
});
