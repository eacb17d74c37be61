import { createAppHarness, type AppHarness } from '../support/app-harness';
import { ALICE } from '../support/gate-arrange';

describe('Login', () => {
  let h: AppHarness;
  beforeEach(async () => {
    h = createAppHarness();
    await h.addUser('Alice', ALICE.password, ['reader', 'admin']);
  });

  it('opens a session and hands out both tokens, naming the user and the session', async () => {
    const l = await h.login('Alice', ALICE.password);
    expect(l).toMatchObject({ expiresIn: h.settings.accessTokenTtl, refreshExpiresIn: h.settings.refreshTokenTtl, reissued: ['access', 'refresh'] });
    expect(h.signer.verifyAccess(l.accessToken)).toMatchObject({
      state: 'valid',
      claims: { sub: l.userId, sid: l.sessionId, roles: ['reader', 'admin'], username: 'Alice' },
    });
    const session = await h.session(l.sessionId);
    expect(h.signer.verifyRefresh(l.refreshToken)).toMatchObject({ state: 'valid', claims: { sub: l.userId, sid: l.sessionId, jti: session.currentJti } });
    expect(session).toMatchObject({
      userId: l.userId,
      createdAt: h.clock.now(),
      expiresAt: h.clock.now() + h.settings.sessionMaxLifetime * 1000,
      revokedAt: null,
      ip: h.ctx.ip,
      userAgent: h.ctx.userAgent,
    });
    expect(h.audit.ofType('login_success')).toEqual([expect.objectContaining({ userId: l.userId, sessionId: l.sessionId })]);
  });

  it('opens a new session on every login', async () => {
    const one = await h.login('Alice', ALICE.password);
    const two = await h.login('Alice', ALICE.password);
    expect(two.sessionId).not.toBe(one.sessionId);
    await expect(h.gate({ accessToken: one.accessToken, refreshToken: one.refreshToken })).resolves.toMatchObject({ outcome: 'pass' });
  });

  it('refuses a wrong password, an unknown user and a disabled user alike', async () => {
    await h.addUser('bob', 'bob-password', []);
    await h.useCases.disableUser.execute('bob');
    const failures = [h.login('Alice', 'wrong password'), h.login('nobody', ALICE.password), h.login('bob', 'bob-password')];
    const errors = await Promise.all(failures.map((p) => p.catch((e: unknown) => e)));
    for (const e of errors) expect(e).toMatchObject({ code: 'invalid_credentials' });
    expect(new Set(errors.map((e) => (e as Error).message)).size).toBe(1);
    expect(h.audit.ofType('login_failure')).toHaveLength(3);
    expect(h.audit.ofType('login_success')).toEqual([]);
  });

  it.each(['alice', 'ALICE', 'aLiCe'])('treats %s as the same user as Alice', async (name) => {
    const alice = await h.users.findByUsername('Alice');
    const l = await h.login(name, ALICE.password);
    expect(l.userId).toBe(alice?.id);
  });

  it('keeps accents significant: zoë is not zoe, but ZOË and a decomposed zoë are', async () => {
    const zoe = await h.addUser('zoë', 'zoë-password', []);
    await expect(h.login('zoe', 'zoë-password')).rejects.toMatchObject({ code: 'invalid_credentials' });
    await expect(h.login('ZOË', 'zoë-password')).resolves.toMatchObject({ userId: zoe.id });
    await expect(h.login('zoe\u0308', 'zoë-password')).resolves.toMatchObject({ userId: zoe.id });
  });

  const BAD_INPUT: [string, string, string][] = [
    ['an empty username', '', 'pw'],
    ['a username of 129 characters', 'a'.repeat(129), 'pw'],
    ['a username with a control character', 'ali\u0000ce', 'pw'],
    ['a username with a format character', 'ali\u200bce', 'pw'],
    ['an empty password', 'Alice', ''],
    ['a password of 1025 characters', 'Alice', 'p'.repeat(1025)],
  ];
  it.each(BAD_INPUT)('answers %s with invalid_request, before any throttling', async (_, username, password) => {
    await expect(h.login(username, password)).rejects.toMatchObject({ code: 'invalid_request' });
    expect(h.audit.ofType('login_failure')).toEqual([]);
  });

  it('counts code points, not UTF-16 units: 128 emoji make a valid username, 1024 a valid password', async () => {
    const name = '😀'.repeat(128);
    const password = '🔑'.repeat(1024);
    await h.addUser(name, password, []);
    await expect(h.login(name, password)).resolves.toMatchObject({ reissued: ['access', 'refresh'] });
  });

  it('accepts any characters in a password', async () => {
    const password = 'tab\tnew\nline\u0000nul\u200b';
    await h.addUser('carol', password, []);
    await expect(h.login('carol', password)).resolves.toMatchObject({ reissued: ['access', 'refresh'] });
  });
});

describe('Login whose client has gone', () => {
  it('skips the password hash still waiting for a slot, and records neither success nor failure', async () => {
    const h = createAppHarness();
    await h.addUser('Alice', ALICE.password);
    const stored = (await h.users.findByUsername('Alice'))?.passwordHash as string;
    // The module object itself: the namespace an `import *` makes cannot be spied on.
    const verify = jest.spyOn(jest.requireActual<typeof import('argon2')>('argon2'), 'verify');
    try {
      // The harness hashes four at a time: four checks take every slot.
      const holders = Array.from({ length: 4 }, () => h.hasher.verify(stored, ALICE.password));
      const controller = new AbortController();
      const gone = h.login('Alice', ALICE.password, { signal: controller.signal });
      await new Promise((resolve) => setImmediate(resolve));
      const reason = new Error('the client closed the connection');
      controller.abort(reason);
      await expect(gone).rejects.toBe(reason);
      await expect(Promise.all(holders)).resolves.toEqual([true, true, true, true]);
      expect(verify).toHaveBeenCalledTimes(4);
      expect(h.audit.ofType('login_success')).toEqual([]);
      expect(h.audit.ofType('login_failure')).toEqual([]);
      // The attempt was given back: as many abandoned logins as the window allows, and more, never throttle the account.
      for (let i = 0; i < h.settings.loginRateLimit.count + 1; i++) {
        const again = new AbortController();
        again.abort(new Error('gone before it was queued'));
        await expect(h.login('Alice', ALICE.password, { signal: again.signal })).rejects.toThrow('gone before it was queued');
      }
      // The next login is checked as usual.
      await expect(h.login('Alice', ALICE.password)).resolves.toMatchObject({ reissued: ['access', 'refresh'] });
    } finally {
      verify.mockRestore();
    }
  });
});
