import type { LoginResult } from '../../src/application/login';
import { createAppHarness, type AppHarness } from '../support/app-harness';
import { ALICE } from '../support/gate-arrange';

describe('RevokeSession', () => {
  let h: AppHarness;
  let target: LoginResult;
  let kept: LoginResult;
  beforeEach(async () => {
    h = createAppHarness();
    await h.addUser(ALICE.username, ALICE.password, []);
    target = await h.login('alice', ALICE.password);
    kept = await h.login('alice', ALICE.password);
  });

  it("ends that one session at once: its tokens are token_revoked, the user's others still pass", async () => {
    await expect(h.useCases.revokeSession.execute(target.sessionId)).resolves.toBe(true);
    expect(await h.session(target.sessionId)).toMatchObject({ revokedAt: h.clock.now(), revokeReason: 'admin' });
    await expect(h.gate({ accessToken: target.accessToken })).rejects.toMatchObject({ code: 'token_revoked' });
    await expect(h.gate({ refreshToken: target.refreshToken })).rejects.toMatchObject({ code: 'token_revoked' });
    await expect(h.gate({ accessToken: kept.accessToken, refreshToken: kept.refreshToken })).resolves.toMatchObject({ outcome: 'pass' });
    expect(h.audit.ofType('session_revoked')).toEqual([expect.objectContaining({ sessionId: target.sessionId, reason: 'admin' })]);
  });

  it('answers false, and logs nothing more, for a session already revoked', async () => {
    await h.useCases.revokeSession.execute(target.sessionId);
    await expect(h.useCases.revokeSession.execute(target.sessionId)).resolves.toBe(false);
    expect(h.audit.ofType('session_revoked')).toHaveLength(1);
  });

  it('is not_found for an unknown session id', async () => {
    await expect(h.useCases.revokeSession.execute('no-such-session')).rejects.toMatchObject({ code: 'not_found' });
  });
});
