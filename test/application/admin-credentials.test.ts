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

/**
 * A login verifies the password for tens of milliseconds before it stores its session; a
 * DisableUser or ChangePassword that runs in that time sweeps the user's sessions before the
 * new one exists. Regression: that session survived (admitted for its access token's life,
 * refreshable for SESSION_MAX_LIFETIME) though the user was disabled or the password changed.
 */
describe('a login in flight while DisableUser or ChangePassword runs', () => {
  /** Runs once, right before the next session is stored: the admin action landing mid-login. */
  let beforeStore: (() => Promise<unknown>) | null = null;
  let h: AppHarness;
  beforeEach(async () => {
    beforeStore = null;
    h = createAppHarness({}, (inner) =>
      new Proxy(inner, {
        get(target, name, receiver) {
          if (name === 'create') {
            return async (...args: Parameters<typeof inner.create>) => {
              const hook = beforeStore;
              beforeStore = null;
              await hook?.();
              return target.create(...args);
            };
          }
          const value = Reflect.get(target, name, receiver) as unknown;
          return typeof value === 'function' ? value.bind(target) : value;
        },
      }),
    );
    await h.addUser(ALICE.username, ALICE.password, []);
  });

  const liveSessions = async () => {
    const user = await h.users.findByUsername('alice');
    return h.sessions.listActiveForUser(user!.id, h.clock.now());
  };

  it.each([
    ['DisableUser', 'user_disabled', () => h.useCases.disableUser.execute('alice')],
    ['ChangePassword', 'password_changed', () => h.useCases.changePassword.execute('alice', 'a brand new password')],
  ])('%s landing between the password check and the stored session: the login is refused and leaves no live session', async (_, reason, admin) => {
    beforeStore = admin;
    await expect(h.login('alice', ALICE.password)).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(beforeStore).toBeNull();
    expect(await liveSessions()).toEqual([]);
    expect(h.audit.ofType('login_failure')).toEqual([expect.objectContaining({ reason })]);
  });

  it('an unrelated write to the user (a second login) changes nothing: the login succeeds', async () => {
    beforeStore = () => h.login('alice', ALICE.password);
    await expect(h.login('alice', ALICE.password)).resolves.toMatchObject({ reissued: ['access', 'refresh'] });
    expect(await liveSessions()).toHaveLength(2);
  });
});
