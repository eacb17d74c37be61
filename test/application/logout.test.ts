import type { PresentedTokens } from '../../src/application/authenticate-request';
import type { LoginResult } from '../../src/application/login';
import type { LogoutScope } from '../../src/application/logout';
import { createAppHarness, type AppHarness } from '../support/app-harness';
import { ALICE } from '../support/gate-arrange';
import { forgeWithWrongKey, tamperPayload } from '../support/token-forgery';

describe('Logout', () => {
  let h: AppHarness;
  let mine: LoginResult;
  let second: LoginResult;
  let third: LoginResult;
  let bobs: LoginResult;
  beforeEach(async () => {
    h = createAppHarness();
    await h.addUser(ALICE.username, ALICE.password, []);
    await h.addUser('bob', 'bob-password', []);
    [mine, second, third] = [await h.login('alice', ALICE.password), await h.login('alice', ALICE.password), await h.login('alice', ALICE.password)];
    bobs = await h.login('bob', 'bob-password');
  });

  const logout = (tokens: Partial<PresentedTokens>, scope: LogoutScope = 'local') => h.logout(tokens, scope);
  const isRevoked = async (l: LoginResult) => (await h.session(l.sessionId)).revokedAt !== null;
  const revokedOf = (all: LoginResult[]) => Promise.all(all.map(isRevoked));

  const SCOPES: [LogoutScope, boolean[]][] = [
    ['local', [true, false, false, false]],
    ['others', [false, true, true, false]],
    ['global', [true, true, true, false]],
  ];
  it.each(SCOPES)('scope %s revokes the right sessions, never another user\'s', async (scope, expected) => {
    const revoked = await logout({ refreshToken: mine.refreshToken }, scope);
    expect(await revokedOf([mine, second, third, bobs])).toEqual(expected);
    const ids = [mine, second, third].filter((_, i) => expected[i]).map((l) => l.sessionId);
    expect([...revoked].sort()).toEqual([...ids].sort());
    expect(h.audit.ofType('logout')).toEqual([expect.objectContaining({ sessionId: mine.sessionId, reason: scope, count: ids.length })]);
  });

  it('works from the access token alone', async () => {
    await expect(logout({ accessToken: mine.accessToken })).resolves.toEqual([mine.sessionId]);
  });

  it('accepts a genuine token past its expiry', async () => {
    h.advanceSeconds(h.settings.refreshTokenTtl + h.settings.clockSkew + 1);
    expect(h.signer.verifyRefresh(mine.refreshToken).state).toBe('expired');
    await expect(logout({ refreshToken: mine.refreshToken, accessToken: mine.accessToken })).resolves.toEqual([mine.sessionId]);
  });

  const INVALID: [string, (t: string, h: AppHarness) => string][] = [
    ['a token signed with a wrong key', (t, hh) => forgeWithWrongKey(t, hh.clock)],
    ['a token with an edited sid', (t) => tamperPayload(t, { sid: 'another-session' })],
    ['a malformed token', () => 'garbage'],
  ];
  it.each(INVALID)('revokes nothing for %s', async (_, spoil) => {
    await expect(logout({ accessToken: spoil(mine.accessToken, h), refreshToken: spoil(mine.refreshToken, h) }, 'global')).resolves.toEqual([]);
    expect(await revokedOf([mine, second, third])).toEqual([false, false, false]);
    expect(h.audit.ofType('logout')).toEqual([]);
  });

  it('revokes nothing when no token is given', async () => {
    await expect(logout({}, 'global')).resolves.toEqual([]);
  });

  it('revokes nothing for an already revoked session, whatever the scope', async () => {
    await logout({ refreshToken: mine.refreshToken });
    await expect(logout({ refreshToken: mine.refreshToken })).resolves.toEqual([]);
    await expect(logout({ refreshToken: mine.refreshToken }, 'global')).resolves.toEqual([]);
    expect(await revokedOf([second, third])).toEqual([false, false]);
  });

  it('afterwards the access token is token_revoked at the gate, here at once and elsewhere after a poll', async () => {
    await logout({ refreshToken: mine.refreshToken });
    await expect(h.gate({ accessToken: mine.accessToken })).rejects.toMatchObject({ code: 'token_revoked' });
    const other = h.secondInstance();
    await other.revocations.poll();
    await expect(other.gate({ accessToken: mine.accessToken })).rejects.toMatchObject({ code: 'token_revoked' });
    await expect(h.gate({ accessToken: second.accessToken })).resolves.toMatchObject({ outcome: 'pass' });
  });

  it('with scope global, the caller\'s own tokens are refused too', async () => {
    await logout({ accessToken: mine.accessToken }, 'global');
    for (const l of [mine, second, third]) {
      await expect(h.gate({ accessToken: l.accessToken, refreshToken: l.refreshToken })).rejects.toMatchObject({ code: 'token_revoked' });
    }
  });
});
