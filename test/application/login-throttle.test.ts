import { DomainError } from '../../src/domain/errors';
import { createAppHarness, type AppHarness } from '../support/app-harness';
import { ALICE } from '../support/gate-arrange';

const LIMIT = 3;

async function failTimes(h: AppHarness, n: number, username: string, ip: string | null = h.ctx.ip): Promise<void> {
  for (let i = 0; i < n; i++) {
    await expect(h.login(username, 'wrong password', { ip })).rejects.toMatchObject({ code: 'invalid_credentials' });
  }
}

async function expectRateLimited(p: Promise<unknown>): Promise<DomainError> {
  const e = await p.catch((err: unknown) => err);
  expect(e).toBeInstanceOf(DomainError);
  expect(e).toMatchObject({ code: 'rate_limited' });
  expect((e as DomainError).details.retryAfterSeconds).toBeGreaterThan(0);
  return e as DomainError;
}

/** SPEC §4 `rate_limited`: LOGIN_RATE_LIMIT failures per username and per IP. */
describe('Login throttling', () => {
  let h: AppHarness;
  beforeEach(async () => {
    h = createAppHarness({ loginRateLimit: { count: LIMIT, windowSeconds: 900 } });
    await h.addUser(ALICE.username, ALICE.password, []);
  });

  it('lets LIMIT failures through as invalid_credentials, then refuses even the right password', async () => {
    await failTimes(h, LIMIT, ALICE.username);
    await expectRateLimited(h.login(ALICE.username, ALICE.password));
    expect(h.audit.ofType('login_throttled')).toHaveLength(1);
    expect(h.audit.ofType('login_success')).toEqual([]);
  });

  it('answers an unknown user exactly as a known one', async () => {
    await failTimes(h, LIMIT, ALICE.username, null);
    await failTimes(h, LIMIT, 'nobody', null);
    const known = await expectRateLimited(h.login(ALICE.username, ALICE.password, { ip: null }));
    const unknown = await expectRateLimited(h.login('nobody', 'whatever', { ip: null }));
    expect(unknown.message).toBe(known.message);
  });

  it('counts the username case-insensitively', async () => {
    await failTimes(h, LIMIT, 'ALICE', null);
    await expectRateLimited(h.login('alice', ALICE.password, { ip: null }));
  });

  it('throttles one IP across usernames, and not another IP', async () => {
    await h.addUser('bob', 'bob-password', []);
    for (let i = 0; i < LIMIT; i++) await failTimes(h, 1, `stranger-${i}`, '198.51.100.1');
    await expectRateLimited(h.login('bob', 'bob-password', { ip: '198.51.100.1' }));
    await expect(h.login('bob', 'bob-password', { ip: '198.51.100.2' })).resolves.toBeDefined();
  });

  it("a successful login clears the username's failures", async () => {
    await failTimes(h, LIMIT - 1, ALICE.username, null);
    await h.login(ALICE.username, ALICE.password, { ip: null });
    await failTimes(h, LIMIT - 1, ALICE.username, null);
    await expect(h.login(ALICE.username, ALICE.password, { ip: null })).resolves.toBeDefined();
  });
});
