import { createAppHarness, type AppHarness } from '../support/app-harness';
import { ALICE } from '../support/gate-arrange';
import { SPEND_ROUTES, spendRefresh } from '../support/spent-refresh';
import { forgeWithWrongKey } from '../support/token-forgery';

const label = (r: (typeof SPEND_ROUTES)[number]) => `${r.rotation}, spent via ${r.via}`;
const ROUTES = SPEND_ROUTES.map((r) => [label(r), r] as const);

describe.each(ROUTES)('reuse detection (%s)', (_, route) => {
  it('within the grace window the spent token succeeds and converges on the current token, byte for byte', async () => {
    const s = await spendRefresh(route);
    const graceMs = s.h.settings.refreshReuseGrace * 1000;
    for (const at of [1, 2_000, graceMs - 1]) {
      s.h.clock.set(s.rotatedAt + at);
      const result = await s.h.gate(s.replay);
      expect(result.graceHit).toBe(true);
      expect(result.reissued.refresh?.token).toBe(s.next);
      if (result.reissued.access) expect(s.h.signer.verifyAccess(result.reissued.access.token)).toMatchObject({ state: 'valid', claims: { sid: s.sessionId } });
    }
    expect((await s.h.session(s.sessionId)).revokedAt).toBeNull();
    expect(s.h.audit.ofType('grace_hit')).toHaveLength(3);
  });

  it('after the grace window the spent token is token_reused, the session is revoked, and the newest token is token_revoked', async () => {
    const s = await spendRefresh(route);
    s.h.clock.set(s.rotatedAt + s.h.settings.refreshReuseGrace * 1000 + 1);
    await expect(s.h.gate(s.replay)).rejects.toMatchObject({ code: 'token_reused' });
    expect(await s.h.session(s.sessionId)).toMatchObject({ revokeReason: 'reuse_detected' });
    expect(s.h.audit.ofType('reuse_detected')).toEqual([expect.objectContaining({ sessionId: s.sessionId })]);
    await expect(s.h.gate({ refreshToken: s.next })).rejects.toMatchObject({ code: 'token_revoked' });
    await expect(s.h.secondInstance().gate({ refreshToken: s.next })).rejects.toMatchObject({ code: 'token_revoked' });
    await expect(s.h.gate({ accessToken: s.access })).rejects.toMatchObject({ code: 'token_revoked' });
  });
});

describe('case 4 never consults storage for the refresh token', () => {
  it('a valid access token beside a spent refresh token past grace passes, and revokes nothing', async () => {
    const s = await spendRefresh({ rotation: 'always', via: 'case 2' });
    s.h.clock.set(s.rotatedAt + s.h.settings.refreshReuseGrace * 1000 + 1);
    await expect(s.h.gate({ accessToken: s.access, refreshToken: s.replay.refreshToken })).resolves.toMatchObject({ outcome: 'pass', reissued: {} });
    expect((await s.h.session(s.sessionId)).revokedAt).toBeNull();
  });
});

type Held = { access: string; other: string; refresh: string };
type Failing = [string, (t: Held, h: AppHarness) => { accessToken: string; refreshToken: string }];

describe('a failed refresh never counts as a use', () => {
  const FAILURES: Failing[] = [
    ['a forged access token beside it', (t, h) => ({ accessToken: forgeWithWrongKey(t.access, h.clock), refreshToken: t.refresh })],
    ['an expired access token of another session beside it', (t) => ({ accessToken: t.other, refreshToken: t.refresh })],
    ['a refresh token where the access token goes beside it', (t) => ({ accessToken: t.refresh, refreshToken: t.refresh })],
  ];

  it.each(FAILURES)('rejected with %s: the token stays current and later rotates normally', async (_, tokens) => {
    const h = createAppHarness({ rotation: 'always' });
    await h.addUser(ALICE.username, ALICE.password, [...ALICE.roles]);
    const l = await h.login(ALICE.username, ALICE.password);
    const other = await h.login(ALICE.username, ALICE.password);
    h.advanceSeconds(h.settings.accessTokenTtl + h.settings.clockSkew + 1);
    const before = await h.session(l.sessionId);
    const presented = tokens({ access: l.accessToken, other: other.accessToken, refresh: l.refreshToken }, h);
    await expect(h.gate(presented)).rejects.toMatchObject({ code: 'invalid_token' });
    expect(await h.session(l.sessionId)).toEqual(before);
    h.advanceSeconds(h.settings.refreshReuseGrace + 1);
    const result = await h.gate({ refreshToken: l.refreshToken });
    expect(result).toMatchObject({ outcome: 'reissue_access', graceHit: false });
    expect(result.reissued.refresh).toBeDefined();
  });
});

describe('reuse detection revokes every session of the user (issue 4: a credential event)', () => {
  it('the other sessions of the user are refused afterwards, another user keeps theirs', async () => {
    const h: AppHarness = createAppHarness({ rotation: 'always', refreshReuseGrace: 10 });
    await h.addUser('uma', 'pw-uma-123');
    await h.addUser('vic', 'pw-vic-123');
    const stolen = await h.login('uma', 'pw-uma-123');
    const laptop = await h.login('uma', 'pw-uma-123');
    const other = await h.login('vic', 'pw-vic-123');
    await h.gate({ refreshToken: stolen.refreshToken });
    h.advanceSeconds(11);
    await expect(h.gate({ refreshToken: stolen.refreshToken })).rejects.toMatchObject({ code: 'token_reused' });
    expect(await h.session(laptop.sessionId)).toMatchObject({ revokeReason: 'reuse_detected' });
    await expect(h.gate({ accessToken: laptop.accessToken })).rejects.toMatchObject({ code: 'token_revoked' });
    await expect(h.gate({ refreshToken: laptop.refreshToken })).rejects.toMatchObject({ code: 'token_revoked' });
    expect(h.audit.ofType('reuse_detected')).toEqual([expect.objectContaining({ sessionId: stolen.sessionId, count: 2 })]);
    await expect(h.gate({ accessToken: other.accessToken })).resolves.toMatchObject({ outcome: 'pass' });
  });
});

describe('a chain of quick rotations (parallel tabs): each spent token keeps its own grace window', () => {
  /** A rotated to B at t0, B to C four seconds later; grace 10 s. */
  async function chain() {
    const h = createAppHarness({ rotation: 'always', refreshReuseGrace: 10 });
    await h.addUser(ALICE.username, ALICE.password, [...ALICE.roles]);
    const l = await h.login(ALICE.username, ALICE.password);
    const t0 = h.clock.now();
    const b = (await h.gate({ refreshToken: l.refreshToken })).reissued.refresh?.token as string;
    h.advanceSeconds(4);
    const c = (await h.gate({ refreshToken: b })).reissued.refresh?.token as string;
    expect(new Set([l.refreshToken, b, c]).size).toBe(3);
    return { h, t0, a: l.refreshToken, b, c, sessionId: l.sessionId };
  }

  it('both spent tokens converge on the newest one while their windows are open', async () => {
    const { h, t0, a, b, c, sessionId } = await chain();
    h.clock.set(t0 + 7_000);
    for (const spent of [a, b, a]) {
      const result = await h.gate({ refreshToken: spent });
      expect(result.graceHit).toBe(true);
      expect(result.reissued.refresh?.token).toBe(c);
    }
    expect((await h.session(sessionId)).revokedAt).toBeNull();
  });

  it('the older token turns token_reused when its own window ends, though the newer one is still in grace', async () => {
    const { h, t0, a } = await chain();
    h.clock.set(t0 + 10_001);
    await expect(h.gate({ refreshToken: a })).rejects.toMatchObject({ code: 'token_reused' });
  });

  it('the newer spent token keeps its window after the older one has closed', async () => {
    const { h, t0, b, c } = await chain();
    h.clock.set(t0 + 13_000);
    await expect(h.gate({ refreshToken: b })).resolves.toMatchObject({ graceHit: true, reissued: { refresh: { token: c } } });
    h.clock.set(t0 + 14_001);
    await expect(h.gate({ refreshToken: b })).rejects.toMatchObject({ code: 'token_reused' });
  });

  it('a third rotation still honours the first token inside its window', async () => {
    const { h, t0, a, c } = await chain();
    h.clock.set(t0 + 6_000);
    const d = (await h.gate({ refreshToken: c })).reissued.refresh?.token as string;
    h.clock.set(t0 + 9_000);
    await expect(h.gate({ refreshToken: a })).resolves.toMatchObject({ graceHit: true, reissued: { refresh: { token: d } } });
  });
});
