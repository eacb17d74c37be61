import type { GateResult } from '../../src/application/authenticate-request';
import { createAppHarness, type AppHarness } from '../support/app-harness';
import { ALICE, arrangeTokens, PRESENTED, type Arranged } from '../support/gate-arrange';
import { jtiOf } from '../support/token-forgery';
import { GATE_PASSES, GATE_REJECTIONS, REISSUED, ROTATIONS, rotatingRows } from './gate-matrix';

/** A reissued access token must be genuine, current and name the caller's session. */
function expectAccessOfSession(h: AppHarness, token: string, a: Arranged): void {
  const check = h.signer.verifyAccess(token);
  expect(check).toMatchObject({ state: 'valid', claims: { sid: a.sessionId, sub: a.userId, roles: [...ALICE.roles] } });
}

function expectRefreshOfSession(h: AppHarness, token: string, a: Arranged): void {
  expect(h.signer.verifyRefresh(token)).toMatchObject({ state: 'valid', claims: { sid: a.sessionId, sub: a.userId } });
}

const reissuedKinds = (r: GateResult): string[] => Object.keys(r.reissued).sort();

describe('the decision table covers every combination of presented states', () => {
  it('once each', () => {
    const rows = [...GATE_PASSES, ...GATE_REJECTIONS].map(([a, r]) => `${a}/${r}`).sort();
    const all = PRESENTED.flatMap((a) => PRESENTED.map((r) => `${a}/${r}`)).sort();
    expect(rows).toEqual(all);
  });
});

describe.each(ROTATIONS)('AuthenticateRequest with rotation %s', (rotation) => {
  let h: AppHarness;
  beforeEach(() => {
    h = createAppHarness({ rotation });
  });

  it.each(GATE_REJECTIONS)('access %s × refresh %s rejects with %s and leaves the session untouched', async (access, refresh, code) => {
    const a = await arrangeTokens(h, access, refresh);
    const before = await h.session(a.sessionId);
    await expect(h.gate(a.tokens)).rejects.toMatchObject({ code });
    expect(await h.session(a.sessionId)).toEqual(before);
  });

  it.each(GATE_PASSES)('access %s × refresh %s → %s, reissuing what the policy says', async (access, refresh, outcome) => {
    const a = await arrangeTokens(h, access, refresh);
    const result = await h.gate(a.tokens);
    expect(result.outcome).toBe(outcome);
    expect(result.graceHit).toBe(false);
    expect(reissuedKinds(result)).toEqual(REISSUED[rotation][outcome]);
    expect(result.identity).toMatchObject({ sub: a.userId, sid: a.sessionId, username: ALICE.username, roles: [...ALICE.roles] });
    if (result.reissued.access) {
      expectAccessOfSession(h, result.reissued.access.token, a);
      expect(result.identity.exp).toBe(result.reissued.access.exp);
    }
    if (result.reissued.refresh) expectRefreshOfSession(h, result.reissued.refresh.token, a);
  });

  it.each(GATE_PASSES)('access %s × refresh %s: the stored session records exactly the rotation made', async (access, refresh) => {
    const a = await arrangeTokens(h, access, refresh);
    const before = await h.session(a.sessionId);
    const result = await h.gate(a.tokens);
    const after = await h.session(a.sessionId);
    const next = result.reissued.refresh;
    if (next) {
      expect(after).toMatchObject({ currentJti: jtiOf(next.token), previousJti: a.refreshJti, rotatedAt: h.clock.now() });
      expect(after.currentJti).not.toBe(a.refreshJti);
    } else if (result.outcome === 'pass') {
      expect(after).toEqual(before); // cases 4 and header-only never touch storage
    } else {
      expect(after).toMatchObject({ currentJti: a.refreshJti, previousJti: null, lastUsedAt: h.clock.now() });
    }
  });

  it.each(rotatingRows(rotation))('access %s × refresh %s: the presented refresh token is spent after rotation', async (access, refresh) => {
    const a = await arrangeTokens(h, access, refresh);
    await h.gate(a.tokens);
    h.advanceSeconds(h.settings.refreshReuseGrace + 1);
    await expect(h.gate(a.tokens)).rejects.toMatchObject({ code: 'token_reused' });
  });
});
