import type { PresentedTokens } from '../../src/application/authenticate-request';
import type { LoginResult } from '../../src/application/login';
import { createAppHarness, type AppHarness } from '../support/app-harness';
import { ALICE } from '../support/gate-arrange';
import { ROTATIONS } from './gate-matrix';

type Pick = (l: LoginResult) => Partial<PresentedTokens>;

const REVOKED_ROWS: [string, Pick][] = [
  ['the access token alone', (l) => ({ accessToken: l.accessToken })],
  ['the refresh token alone', (l) => ({ refreshToken: l.refreshToken })],
  ['both tokens', (l) => ({ accessToken: l.accessToken, refreshToken: l.refreshToken })],
];

describe.each(ROTATIONS)('AuthenticateRequest (%s): revoked sessions', (rotation) => {
  let h: AppHarness;
  let l: LoginResult;
  beforeEach(async () => {
    h = createAppHarness({ rotation });
    await h.addUser(ALICE.username, ALICE.password, [...ALICE.roles]);
    l = await h.login(ALICE.username, ALICE.password);
  });

  it.each(REVOKED_ROWS)('after Logout, %s is token_revoked', async (_, pick) => {
    await h.logout(pick(l));
    await expect(h.gate(pick(l))).rejects.toMatchObject({ code: 'token_revoked' });
  });

  it('after Logout, an expired access token is token_revoked, not login_required', async () => {
    await h.logout({ accessToken: l.accessToken });
    h.advanceSeconds(h.settings.accessTokenTtl + h.settings.clockSkew + 1);
    await expect(h.gate({ accessToken: l.accessToken })).rejects.toMatchObject({ code: 'token_revoked' });
  });

  it('another instance refuses the refresh token from storage before it polls, and the access token once it has', async () => {
    const other = h.secondInstance();
    await h.logout({ accessToken: l.accessToken });
    await expect(other.gate({ refreshToken: l.refreshToken })).rejects.toMatchObject({ code: 'token_revoked' });
    const fresh = h.secondInstance();
    await fresh.revocations.poll();
    await expect(fresh.gate({ accessToken: l.accessToken })).rejects.toMatchObject({ code: 'token_revoked' });
  });

  it.each(REVOKED_ROWS)('after DisableUser, %s is token_revoked', async (_, pick) => {
    await h.useCases.disableUser.execute(ALICE.username);
    await expect(h.gate(pick(l))).rejects.toMatchObject({ code: 'token_revoked' });
  });

  it('after DisableUser, another instance refuses the refresh token from storage', async () => {
    await h.useCases.disableUser.execute(ALICE.username);
    await expect(h.secondInstance().gate({ refreshToken: l.refreshToken })).rejects.toMatchObject({ code: 'token_revoked' });
  });

  it('a user disabled in storage without a session sweep: the refresh is token_revoked and the session revoked', async () => {
    await h.users.setDisabled(l.userId, true, h.clock.now());
    await expect(h.gate({ refreshToken: l.refreshToken })).rejects.toMatchObject({ code: 'token_revoked' });
    expect(await h.session(l.sessionId)).toMatchObject({ revokedAt: h.clock.now(), revokeReason: 'user_disabled' });
    await expect(h.gate({ accessToken: l.accessToken })).rejects.toMatchObject({ code: 'token_revoked' });
  });

  it('case 3 for a user disabled in storage without a session sweep is token_revoked', async () => {
    await h.users.setDisabled(l.userId, true, h.clock.now());
    h.advanceSeconds(h.settings.refreshTokenTtl + h.settings.clockSkew + 1);
    const access = await h.mintAccess(l.sessionId);
    await expect(h.gate({ accessToken: access, refreshToken: l.refreshToken })).rejects.toMatchObject({ code: 'token_revoked' });
  });

  it('case 3 on a session revoked in storage only is token_revoked', async () => {
    await h.sessions.revoke(l.sessionId, 'admin', h.clock.now());
    h.advanceSeconds(h.settings.refreshTokenTtl + h.settings.clockSkew + 1);
    const access = await h.mintAccess(l.sessionId);
    await expect(h.gate({ accessToken: access, refreshToken: l.refreshToken })).rejects.toMatchObject({ code: 'token_revoked' });
  });

  it('a revoked session does not touch the other sessions of the user', async () => {
    const other = await h.login(ALICE.username, ALICE.password);
    await h.logout({ refreshToken: l.refreshToken });
    await expect(h.gate({ accessToken: other.accessToken, refreshToken: other.refreshToken })).resolves.toMatchObject({ outcome: 'pass' });
  });
});
