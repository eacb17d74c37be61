import { createAppHarness, type AppHarness } from '../support/app-harness';
import { ALICE } from '../support/gate-arrange';

const list = (h: AppHarness, userId: string, current: string | null = null) => h.useCases.listSessions.execute(userId, current);

describe('ListSessions', () => {
  let h: AppHarness;
  let aliceId: string;
  beforeEach(async () => {
    h = createAppHarness();
    aliceId = (await h.addUser(ALICE.username, ALICE.password, [])).id;
    await h.addUser('bob', 'bob-password', []);
  });

  it("lists the user's live sessions newest first, marks the caller's, and shows no one else's", async () => {
    const one = await h.login('alice', ALICE.password, { userAgent: 'Firefox', ip: '198.51.100.1' });
    h.advanceSeconds(5);
    const two = await h.login('alice', ALICE.password, { userAgent: 'curl', ip: '198.51.100.2' });
    await h.login('bob', 'bob-password');
    const views = await list(h, aliceId, one.sessionId);
    expect(views.map((v) => v.id)).toEqual([two.sessionId, one.sessionId]);
    expect(views.map((v) => v.current)).toEqual([false, true]);
    expect(views[1]).toEqual({
      id: one.sessionId,
      createdAt: h.clock.now() - 5000,
      lastUsedAt: h.clock.now() - 5000,
      expiresAt: h.clock.now() - 5000 + h.settings.refreshTokenTtl * 1000,
      userAgent: 'Firefox',
      ip: '198.51.100.1',
      current: true,
    });
  });

  it('omits revoked sessions', async () => {
    const one = await h.login('alice', ALICE.password);
    const two = await h.login('alice', ALICE.password);
    await h.logout({ accessToken: one.accessToken });
    expect((await list(h, aliceId)).map((v) => v.id)).toEqual([two.sessionId]);
  });

  it('omits sessions past their absolute lifetime', async () => {
    h = createAppHarness({ refreshTokenTtl: 3600, sessionMaxLifetime: 3600 });
    const user = await h.addUser('dave', 'dave-password', []);
    await h.login('dave', 'dave-password');
    h.advanceSeconds(3600);
    expect(await list(h, user.id)).toEqual([]);
  });

  it('omits idle sessions, except the caller’s own (a valid access token proves recent use)', async () => {
    const one = await h.login('alice', ALICE.password);
    h.advanceSeconds(h.settings.refreshTokenTtl + h.settings.clockSkew + 1);
    expect(await list(h, aliceId)).toEqual([]);
    expect((await list(h, aliceId, one.sessionId)).map((v) => v.id)).toEqual([one.sessionId]);
  });

  it('moves lastUsedAt and the idle end when the session is used to refresh', async () => {
    const one = await h.login('alice', ALICE.password);
    h.advanceSeconds(1200);
    await h.gate({ refreshToken: one.refreshToken });
    const [view] = await list(h, aliceId, one.sessionId);
    expect(view).toMatchObject({ lastUsedAt: h.clock.now(), expiresAt: h.clock.now() + h.settings.refreshTokenTtl * 1000 });
  });

  it('caps the end it shows at the absolute lifetime', async () => {
    h = createAppHarness({ refreshTokenTtl: 3600, sessionMaxLifetime: 5400 });
    const user = await h.addUser('erin', 'erin-password', []);
    const l = await h.login('erin', 'erin-password');
    const end = (await h.session(l.sessionId)).expiresAt;
    h.advanceSeconds(3000);
    await h.gate({ refreshToken: l.refreshToken });
    expect(await list(h, user.id)).toEqual([expect.objectContaining({ expiresAt: end })]);
  });
});
