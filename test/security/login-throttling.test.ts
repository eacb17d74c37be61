import type { Response } from 'supertest';
import { expectError, forEachStorage, itLeaksNoSecrets, freshIp, useGateway, type SecurityGateway } from '../support/security-harness';

/** `LOGIN_RATE_LIMIT` for this file: 3 failures per 15 minutes, per username and per IP. */
const LIMIT = 3;
const WINDOW = 15 * 60;

async function failTimes(gw: SecurityGateway, n: number, username: string, ip: () => string = freshIp): Promise<void> {
  for (let i = 0; i < n; i++) {
    expectError(await gw.tryLogin(username, `wrong-guess-${i}`, ip()), 401, 'invalid_credentials');
  }
}

function expectThrottled(res: Response): number {
  expectError(res, 429, 'rate_limited');
  expect(res.headers['retry-after']).toMatch(/^\d+$/);
  const seconds = Number(res.headers['retry-after']);
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(WINDOW);
  expect(res.body).not.toHaveProperty('accessToken');
  expect(res.headers['set-cookie']).toBeUndefined();
  return seconds;
}

forEachStorage('security: login throttling', (target) => {
  const gateway = useGateway(target, { LOGIN_RATE_LIMIT: `${LIMIT}/15m` });

  it('answers 429 rate_limited with Retry-After once a username has LOGIN_RATE_LIMIT failures, whatever its case or the IP', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    await failTimes(gw, LIMIT, user.username.toUpperCase());
    expectThrottled(await gw.tryLogin(user.username, 'yet another guess'));
  });

  it('trailing spaces name another user: they neither log in as the user nor get guesses past its limit (MySQL padded them)', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    expectError(await gw.tryLogin(`${user.username} `, user.password), 401, 'invalid_credentials');
    await failTimes(gw, LIMIT, user.username);
    // Guesses under padded spellings reach no account, so they cannot sidestep the limit.
    for (let pad = 1; pad <= LIMIT; pad++) {
      expectError(await gw.tryLogin(user.username + ' '.repeat(pad), user.password), 401, 'invalid_credentials');
    }
    expectThrottled(await gw.tryLogin(user.username, user.password));
  });

  it('refuses even the correct password while the username is throttled', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    await failTimes(gw, LIMIT, user.username);
    expectThrottled(await gw.tryLogin(user.username, user.password));
    const lines = gw.logs.entries().filter((e) => e.event === 'login_success' && e.username === user.username.toLowerCase());
    expect(lines).toEqual([]);
  });

  it('throttles an unknown username exactly as a known one: same status, body and headers', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    const ghost = `ghost-${user.username}`;
    await failTimes(gw, LIMIT, user.username);
    await failTimes(gw, LIMIT, ghost);
    const known = await gw.tryLogin(user.username, user.password);
    const unknown = await gw.tryLogin(ghost, 'whatever-password');
    expectThrottled(known);
    expectThrottled(unknown);
    expect(unknown.body).toEqual(known.body);
    const names = (res: Response) => Object.keys(res.headers).filter((h) => h !== 'date').sort();
    expect(names(unknown)).toEqual(names(known));
  });

  it("a successful login clears that username's failures", async () => {
    const gw = gateway();
    const user = await gw.addUser();
    await failTimes(gw, LIMIT - 1, user.username);
    expect((await gw.tryLogin(user.username, user.password)).status).toBe(200);
    await failTimes(gw, LIMIT - 1, user.username);
    expect((await gw.tryLogin(user.username, user.password)).status).toBe(200);
  });

  it('throttles one client IP across usernames, and only that IP', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    const attacker = freshIp();
    for (let i = 0; i < LIMIT; i++) await failTimes(gw, 1, `stranger-${i}-${user.username}`, () => attacker);
    expectThrottled(await gw.tryLogin(user.username, user.password, attacker));
    expect((await gw.tryLogin(user.username, user.password, freshIp())).status).toBe(200);
  });

  it('logs each throttled attempt as login_throttled and counts it in /metrics', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    await failTimes(gw, LIMIT, user.username);
    expectThrottled(await gw.tryLogin(user.username, user.password));
    const metrics = await gw.http().get('/metrics');
    const lines = gw.logs.entries().filter((e) => e.event === 'login_throttled' && e.username === user.username.toLowerCase());
    expect(lines).toEqual([expect.objectContaining({ ip: expect.any(String), requestId: expect.any(String) })]);
    expect(metrics.text).toMatch(/tokengate_logins_total\{result="throttled"\} [1-9]/);
  });

  itLeaksNoSecrets(gateway);
});
