import { createAppHarness } from '../support/app-harness';
import { ALICE } from '../support/gate-arrange';
import { ROTATIONS } from './gate-matrix';

const HOUR = 3600;

/** SPEC §3: past SESSION_MAX_LIFETIME, cases 2 and 3 answer login_required; no activity extends it. */
describe.each(ROTATIONS)('AuthenticateRequest (%s): absolute session lifetime', (rotation) => {
  it('case 2 just inside the lifetime reissues; just past it is login_required', async () => {
    // The refresh token's exp is capped at the session's end, so CLOCK_SKEW keeps it `valid` past it.
    const h = createAppHarness({ rotation, refreshTokenTtl: HOUR, sessionMaxLifetime: HOUR });
    await h.addUser(ALICE.username, ALICE.password, [...ALICE.roles]);
    const l = await h.login(ALICE.username, ALICE.password);
    const session = await h.session(l.sessionId);
    h.clock.set(session.expiresAt - 1000);
    const inside = await h.gate({ refreshToken: l.refreshToken });
    expect(inside.outcome).toBe('reissue_access');
    expect(inside.identity.exp).toBeLessThanOrEqual(session.expiresAt / 1000);
    const held = inside.reissued.refresh?.token ?? l.refreshToken;
    h.clock.set(session.expiresAt + 5000);
    expect(h.signer.verifyRefresh(held).state).toBe('valid');
    await expect(h.gate({ refreshToken: held })).rejects.toMatchObject({ code: 'login_required' });
  });

  it('case 3 past the lifetime is login_required', async () => {
    const h = createAppHarness({ rotation, refreshTokenTtl: HOUR, sessionMaxLifetime: 2 * HOUR });
    await h.addUser(ALICE.username, ALICE.password, [...ALICE.roles]);
    const l = await h.login(ALICE.username, ALICE.password);
    const session = await h.session(l.sessionId);
    h.clock.set(session.expiresAt - 200_000);
    const access = await h.mintAccess(l.sessionId);
    h.clock.set(session.expiresAt + 5000);
    expect(h.signer.verifyAccess(access).state).toBe('valid');
    expect(h.signer.verifyRefresh(l.refreshToken).state).toBe('expired');
    await expect(h.gate({ accessToken: access, refreshToken: l.refreshToken })).rejects.toMatchObject({ code: 'login_required' });
  });

  it('reissued tokens never outlive the session', async () => {
    const h = createAppHarness({ rotation, refreshTokenTtl: HOUR, sessionMaxLifetime: 2 * HOUR });
    await h.addUser(ALICE.username, ALICE.password, [...ALICE.roles]);
    const l = await h.login(ALICE.username, ALICE.password);
    const end = (await h.session(l.sessionId)).expiresAt / 1000;
    h.advanceSeconds(HOUR + 60);
    const access = await h.mintAccess(l.sessionId);
    const result = await h.gate({ accessToken: access, refreshToken: l.refreshToken });
    expect(result.outcome).toBe('reissue_refresh');
    expect(result.reissued.refresh?.exp).toBe(end);
  });
});
