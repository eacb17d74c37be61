import { forEachStorage, freshIp, itLeaksNoSecrets, useGateway, type SecurityGateway } from '../support/security-harness';

type Entry = Record<string, unknown>;
const events = (gw: SecurityGateway, type: string): Entry[] => gw.logs.entries().filter((e) => e.component === 'audit' && e.event === type);

/** Issue 12 #9: what was typed as a username is sometimes a password; it reaches the log only when it names a user. */
forEachStorage('security: typed usernames in the log', (target) => {
  const gateway = useGateway(target, { LOGIN_RATE_LIMIT: '2/15m' });

  it('logs a failure for an unknown name with a short keyed hash, never the typed text', async () => {
    const gw = gateway();
    const typed = `Tr0ub4dor&3-${process.pid}-${Date.now()}`;
    gw.remember(typed);
    const ip = freshIp();
    await gw.tryLogin(typed, 'whatever-1', ip);
    await gw.tryLogin(typed, 'whatever-2', ip);
    await gw.tryLogin(`${typed}-other`, 'whatever-3');
    const failures = events(gw, 'login_failure').filter((e) => e.reason === 'unknown_user');
    expect(failures).toHaveLength(3);
    for (const e of failures) {
      expect(e).not.toHaveProperty('username');
      expect(e.usernameHash).toMatch(/^[A-Za-z0-9_-]{16}$/);
    }
    expect(failures[0]!.usernameHash).toBe(failures[1]!.usernameHash);
    expect(failures[2]!.usernameHash).not.toBe(failures[0]!.usernameHash);
    expect(gw.logs.text().toLowerCase()).not.toContain(typed.toLowerCase());
  });

  it('throttled attempts on an unknown name are logged with the same hash, not the text', async () => {
    const gw = gateway();
    const typed = `hunter2-${process.pid}-${Date.now()}`;
    gw.remember(typed);
    await gw.tryLogin(typed, 'x-guess-1');
    await gw.tryLogin(typed, 'x-guess-2');
    expect((await gw.tryLogin(typed, 'x-guess-3')).status).toBe(429);
    const failure = events(gw, 'login_failure').find((e) => e.reason === 'unknown_user' && e.usernameHash !== undefined);
    const throttled = events(gw, 'login_throttled').at(-1)!;
    expect(throttled).not.toHaveProperty('username');
    expect(throttled.usernameHash).toEqual(expect.any(String));
    expect(events(gw, 'login_failure').map((e) => e.usernameHash)).toContain(throttled.usernameHash);
    expect(failure).toBeDefined();
  });

  it('still names an existing user whose password was wrong', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    await gw.tryLogin(user.username, 'wrong-password-1');
    expect(events(gw, 'login_failure').at(-1)).toEqual(expect.objectContaining({ username: user.username.toLowerCase(), userId: user.id, reason: 'wrong_password' }));
  });

  itLeaksNoSecrets(gateway);
});
