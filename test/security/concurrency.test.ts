import { throttleKey } from '../../src/adapters/throttle/flexible-login-throttle';
import { THROTTLE_TABLE } from '../../src/adapters/throttle/mysql-limiter-store';
import { describeWithMysql } from '../support/mysql';
import { expectError, freshIp, itLeaksNoSecrets, SecurityGateway } from '../support/security-harness';
import { payloadOf } from './support/jwt-craft';

const REFRESHES = 100;
const LOGINS = 50;

const tally = (statuses: number[]): Record<number, number> =>
  statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});

describeWithMysql('security: concurrency on MySQL', (database) => {
  let gw: SecurityGateway | null = null;
  beforeAll(async () => {
    gw = await SecurityGateway.start({ kind: 'mysql', databaseUrl: () => database().url }, { LOGIN_RATE_LIMIT: `${LOGINS}/15m` });
  });
  afterAll(async () => {
    await gw?.stop();
  });
  const gateway = () => gw as SecurityGateway;

  it(`${REFRESHES} parallel refreshes with one token: no 500, all converge on one new token, one consistent session row`, async () => {
    const g = gateway();
    const user = await g.addUser();
    const t = await g.login(user);
    const sid = String(payloadOf(t.refresh).sid);
    const results = await Promise.all(Array.from({ length: REFRESHES }, () => g.refresh(t.refresh)));
    expect(tally(results.map((r) => r.status))).toEqual({ 200: REFRESHES });
    const handedOut = new Set(results.map((r) => r.body.refreshToken as string));
    expect(handedOut.size).toBe(1);
    const [current] = [...handedOut];

    const rows = (await g.db()('sessions').where('user_id', user.id)) as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: sid, current_jti: payloadOf(current!).jti, previous_jti: payloadOf(t.refresh).jti, revoked_at: null });
    const audit = (type: string) => g.logs.entries().filter((e) => e.event === type && e.sessionId === sid);
    expect(audit('refresh')).toHaveLength(1);
    expect(audit('grace_hit')).toHaveLength(REFRESHES - 1);

    const next = await g.refresh(current!);
    expect(next.status).toBe(200);
    expect(await g.db()('sessions').where('user_id', user.id)).toHaveLength(1);
  });

  it(`${LOGINS} parallel wrong-password logins of one user: no 500, every attempt counted, the user then throttled`, async () => {
    const g = gateway();
    const user = await g.addUser();
    const attacker = freshIp();
    const results = await Promise.all(Array.from({ length: LOGINS }, (_, i) => g.tryLogin(user.username, `parallel-guess-${i}`, attacker)));
    // With LOGIN_RATE_LIMIT = 50, none can be refused before verification: each saw at most 49 failures.
    expect(tally(results.map((r) => r.status))).toEqual({ 401: LOGINS });
    for (const res of results) expectError(res, 401, 'invalid_credentials');

    // The 51st attempt is refused, even with the right password and from a fresh IP: all 50 were counted.
    expectError(await g.tryLogin(user.username, user.password, freshIp()), 429, 'rate_limited');
    const other = await g.addUser();
    expectError(await g.tryLogin(other.username, other.password, attacker), 429, 'rate_limited');
    expect(await g.db()('sessions').where('user_id', user.id)).toHaveLength(0);
    expect(g.logs.entries().filter((e) => e.event === 'login_failure' && e.userId === user.id)).toHaveLength(LOGINS);

    // Where the counters are in MySQL (the shared store), the stored count is exactly 50.
    if (await g.db().schema.hasTable(THROTTLE_TABLE)) {
      const row = (await g.db()(THROTTLE_TABLE).where('key', `login_user:${throttleKey(user.username.toLowerCase())}`).first()) as { points: number };
      expect(Number(row.points)).toBe(LOGINS);
    }
  });

  itLeaksNoSecrets(gateway);
});
