import type { Response } from 'supertest';
import { TYPES } from '../../src/container';
import { forEachStorage, freshIp, itLeaksNoSecrets, TTL, useGateway, type SecurityGateway } from '../support/security-harness';
import { payloadOf } from './support/jwt-craft';

type Entry = Record<string, unknown>;

/** Who did it, from where, in which request: what every request-borne event line carries. */
const fromRequest = (res: Response, ip: string) => ({ ip, requestId: res.headers['x-request-id'] as string });
const sid = (token: string): string => String(payloadOf(token).sid);

forEachStorage('security: security events in the logs', (target) => {
  const gateway = useGateway(target, { LOGIN_RATE_LIMIT: '2/15m', LOG_LEVEL: 'trace' });
  const events = (gw: SecurityGateway, type: string): Entry[] => gw.logs.entries().filter((e) => e.component === 'audit' && e.event === type);

  it('logs a whole flow, each line with user, session, client IP and request id', async () => {
    const gw = gateway();
    const alice = await gw.addUser('alice');
    const bob = await gw.addUser('bob');

    const ip1 = freshIp();
    const login = await gw.login(alice, ip1);
    expect(events(gw, 'login_success')).toEqual([
      expect.objectContaining({ userId: alice.id, sessionId: sid(login.access), ...fromRequest(login.res, ip1) }),
    ]);

    const ip2 = freshIp();
    const refreshed = await gw.refresh(login.refresh, ip2);
    expect(events(gw, 'refresh')).toEqual([
      expect.objectContaining({ userId: alice.id, sessionId: sid(login.access), ...fromRequest(refreshed, ip2) }),
    ]);

    gw.advance(TTL.grace + 1);
    const ip3 = freshIp();
    const reused = await gw.refresh(login.refresh, ip3);
    expect(reused.status).toBe(401);
    expect(events(gw, 'reuse_detected')).toEqual([
      expect.objectContaining({ level: 40, userId: alice.id, sessionId: sid(login.access), ...fromRequest(reused, ip3) }),
    ]);

    const second = await gw.login(alice);
    const ip4 = freshIp();
    const logout = gw.track(await gw.http().post('/auth/logout').set('X-Forwarded-For', ip4).send({ refreshToken: second.refresh }));
    expect(logout.status).toBe(204);
    expect(events(gw, 'logout')).toEqual([
      expect.objectContaining({ userId: alice.id, sessionId: sid(second.access), reason: 'local', ...fromRequest(logout, ip4) }),
    ]);

    const third = await gw.login(alice);
    await gw.comp.container.get(TYPES.RevokeSession).execute(sid(third.access));
    expect(events(gw, 'session_revoked')).toEqual([expect.objectContaining({ userId: alice.id, sessionId: sid(third.access), reason: 'admin' })]);

    await gw.login(alice);
    await gw.changePassword(alice, 'alice-new-password-1234');
    expect(events(gw, 'password_changed')).toEqual([expect.objectContaining({ userId: alice.id, count: 1 })]);

    const ip5 = freshIp();
    const failed = await gw.tryLogin(bob.username, 'bob-wrong-password-1', ip5);
    await gw.tryLogin(bob.username, 'bob-wrong-password-2');
    expect(events(gw, 'login_failure')[0]).toEqual(
      expect.objectContaining({ userId: bob.id, username: bob.username.toLowerCase(), reason: 'wrong_password', ...fromRequest(failed, ip5) }),
    );
    const ip6 = freshIp();
    const throttled = await gw.tryLogin(bob.username, bob.password, ip6);
    expect(throttled.status).toBe(429);
    expect(events(gw, 'login_throttled')).toEqual([expect.objectContaining({ username: bob.username.toLowerCase(), ...fromRequest(throttled, ip6) })]);

  });

  it('logs disabling a user with the number of sessions it revoked', async () => {
    const gw = gateway();
    const carol = await gw.addUser('carol');
    await gw.login(carol);
    await gw.login(carol);
    await gw.disable(carol.username);
    expect(events(gw, 'user_disabled')).toEqual([expect.objectContaining({ userId: carol.id, count: 2 })]);
  });

  it('counts the same events in /metrics', async () => {
    const text = (await gateway().http().get('/metrics')).text;
    for (const line of [
      /tokengate_logins_total\{result="success"\} [1-9]/,
      /tokengate_logins_total\{result="failure"\} [1-9]/,
      /tokengate_logins_total\{result="throttled"\} [1-9]/,
      /tokengate_gate_outcomes_total\{outcome="reused"\} [1-9]/,
      /tokengate_gate_outcomes_total\{outcome="revoked"\} \d/,
    ]) {
      expect(text).toMatch(line);
    }
  });

  it('never logs tokens carried in headers, cookies, bodies or a refused query string', async () => {
    const gw = gateway();
    const dave = await gw.addUser('dave');
    const t = await gw.login(dave);
    await gw.http().get('/auth/verify').set('Cookie', `access_token=${t.access}; refresh_token=${t.refresh}`);
    await gw.http().get('/auth/me').set('Authorization', `Bearer ${t.access}x`);
    await gw.http().post('/auth/refresh').send({ refreshToken: `${t.refresh}x` });
    await gw.http().post(`/auth/refresh?refresh_token=${t.refresh}`).set('X-Refresh-Token', t.refresh);
    await gw.http().get(`/somewhere?access_token=${t.access}`);
    gw.remember(`${t.access}x`, `${t.refresh}x`);
    const text = gw.logs.text();
    expect(text).toContain(dave.id);
    for (const secret of [t.access, t.refresh, ...t.access.split('.'), ...t.refresh.split('.'), dave.password]) {
      expect(text).not.toContain(secret);
    }
  });

  itLeaksNoSecrets(gateway);
});
