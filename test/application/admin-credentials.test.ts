import type { LoginResult } from '../../src/application/login';
import { createAppHarness, type AppHarness } from '../support/app-harness';
import { ALICE } from '../support/gate-arrange';

describe('DisableUser and ChangePassword', () => {
  let h: AppHarness;
  let sessions: LoginResult[];
  let bob: LoginResult;
  beforeEach(async () => {
    h = createAppHarness();
    await h.addUser(ALICE.username, ALICE.password, []);
    await h.addUser('bob', 'bob-password', []);
    sessions = [await h.login('alice', ALICE.password), await h.login('alice', ALICE.password)];
    bob = await h.login('bob', 'bob-password');
  });

  const expectAllRefused = async () => {
    for (const l of sessions) {
      await expect(h.gate({ accessToken: l.accessToken })).rejects.toMatchObject({ code: 'token_revoked' });
      await expect(h.gate({ refreshToken: l.refreshToken })).rejects.toMatchObject({ code: 'token_revoked' });
    }
    await expect(h.gate({ accessToken: bob.accessToken, refreshToken: bob.refreshToken })).resolves.toMatchObject({ outcome: 'pass' });
  };

  it('DisableUser revokes every session of the user, and login then answers invalid_credentials', async () => {
    const revoked = await h.useCases.disableUser.execute('ALICE');
    expect([...revoked].sort()).toEqual(sessions.map((l) => l.sessionId).sort());
    for (const l of sessions) expect(await h.session(l.sessionId)).toMatchObject({ revokeReason: 'user_disabled' });
    await expectAllRefused();
    await expect(h.login('alice', ALICE.password)).rejects.toMatchObject({ code: 'invalid_credentials', message: 'invalid username or password' });
    expect(h.audit.ofType('user_disabled')).toEqual([expect.objectContaining({ count: 2 })]);
  });

  it('ChangePassword revokes every session of the user; only the new password works', async () => {
    const revoked = await h.useCases.changePassword.execute('alice', 'a brand new password');
    expect([...revoked].sort()).toEqual(sessions.map((l) => l.sessionId).sort());
    for (const l of sessions) expect(await h.session(l.sessionId)).toMatchObject({ revokeReason: 'password_changed' });
    await expectAllRefused();
    await expect(h.login('alice', ALICE.password)).rejects.toMatchObject({ code: 'invalid_credentials' });
    await expect(h.login('alice', 'a brand new password')).resolves.toMatchObject({ reissued: ['access', 'refresh'] });
  });

  it('ChangePassword refuses an invalid password and changes nothing', async () => {
    await expect(h.useCases.changePassword.execute('alice', '')).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(h.gate({ refreshToken: sessions[0]?.refreshToken ?? null })).resolves.toMatchObject({ outcome: 'reissue_access' });
  });

  it.each([
    ['DisableUser', (hh: AppHarness) => hh.useCases.disableUser.execute('nobody')],
    ['ChangePassword', (hh: AppHarness) => hh.useCases.changePassword.execute('nobody', 'pw')],
  ])('%s of an unknown user is not_found', async (_, run) => {
    await expect(run(h)).rejects.toMatchObject({ code: 'not_found' });
  });
});
