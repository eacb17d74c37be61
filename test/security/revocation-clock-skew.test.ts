import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TYPES } from '../../src/container';
import { PollingRevocationList } from '../../src/adapters/revocation/polling-revocation-list';
import { MemorySessionRepository } from '../../src/adapters/storage/memory-session-repository';
import { aSession, T0 } from '../adapters/storage/storage-fixtures';
import { FixedClock } from '../support/fixed-clock';
import { expectError, forEachStorage, SecurityGateway, type StorageTarget } from '../support/security-harness';

/** Long enough that a token made on the lagging instance is still live on the other. */
const LIFETIMES = { ACCESS_TOKEN_TTL: '10m', REFRESH_TOKEN_TTL: '1h', SESSION_MAX_LIFETIME: '2h' };

/** A revocation list's poll, run now (its timer runs every `REVOCATION_TTL`). */
const poll = (gw: SecurityGateway) => (gw.comp.container.get(TYPES.Revocations) as unknown as { poll(): Promise<void> }).poll();

/**
 * Two gateways on one store for the describe block, the second's clock `lagSeconds` behind
 * the first's; started before its tests, stopped after.
 */
function skewedPair(target: () => StorageTarget, lagSeconds: number, lifetimes: Record<string, string>): { ahead: () => SecurityGateway; behind: () => SecurityGateway } {
  let ahead: SecurityGateway;
  let behind: SecurityGateway;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokengate-skew-'));
    const shared: StorageTarget = { kind: target().kind, databaseUrl: () => target().databaseUrl(dir) };
    ahead = await SecurityGateway.start(shared, lifetimes, dir);
    behind = await SecurityGateway.start(shared, lifetimes, mkdtempSync(join(tmpdir(), 'tokengate-skew-b-')));
    behind.advance(-lagSeconds);
  });
  afterAll(async () => {
    await behind?.stop();
    await ahead?.stop();
  });
  return { ahead: () => ahead, behind: () => behind };
}

/**
 * Issue 12 #7: revocation reaches other instances however far apart their clocks are. Two
 * gateways on one store; B's clock lags A's by a minute (far more than REVOCATION_TTL).
 */
forEachStorage('security: revocation across instances with skewed clocks', (target) => {
  const pair = skewedPair(target, 60, LIFETIMES);
  let a: SecurityGateway;
  let b: SecurityGateway;
  beforeAll(() => {
    a = pair.ahead();
    b = pair.behind();
  });

  it('a logout on the lagging instance reaches the other at its next poll', async () => {
    const user = await a.addUser();
    const t = await b.login(user);
    await poll(a);
    a.advance(2);
    expect((await a.me(t.access)).status).toBe(200);
    expect((await b.http().post('/auth/logout').set('X-Refresh-Token', t.refresh)).status).toBe(204);
    a.advance(5);
    await poll(a);
    expectError(await a.me(t.access), 401, 'token_revoked');
  });

  it('a logout on the leading instance reaches the lagging one too', async () => {
    const user = await a.addUser();
    const t = await b.login(user);
    await poll(b);
    expect((await b.me(t.access)).status).toBe(200);
    expect((await a.http().post('/auth/logout').set('X-Refresh-Token', t.refresh)).status).toBe(204);
    b.advance(5);
    await poll(b);
    await poll(b);
    expectError(await b.me(t.access), 401, 'token_revoked');
  });
});

/**
 * Regression: a refresh with a revoked session's token re-recorded that revocation at the
 * revoking instance's clock. With that clock behind by more than an access token's life, the
 * next poll dropped the entry as expired, and the session's access tokens passed again.
 */
forEachStorage('security: a refresh on an instance ahead of the one that revoked', (target) => {
  const pair = skewedPair(target, 300, { ACCESS_TOKEN_TTL: '60s', REFRESH_TOKEN_TTL: '1h', SESSION_MAX_LIFETIME: '2h' });
  let ahead: SecurityGateway;
  let behind: SecurityGateway;
  beforeAll(() => {
    ahead = pair.ahead();
    behind = pair.behind();
  });

  it('keeps the revocation for the access token\'s life on its own clock: its access token stays token_revoked', async () => {
    const user = await ahead.addUser();
    const t = await ahead.login(user);
    await poll(ahead);
    // `tokengate session revoke` run where the clock is five minutes behind.
    const sid = JSON.parse(Buffer.from(t.access.split('.')[1]!, 'base64url').toString()).sid as string;
    expect(await behind.comp.container.get(TYPES.RevokeSession).execute(sid)).toBe(true);
    // Before `ahead` polls: its refresh finds the revocation in storage.
    expectError(await ahead.http().post('/auth/refresh').send({ refreshToken: t.refresh }), 401, 'token_revoked');
    expectError(await ahead.me(t.access), 401, 'token_revoked');
    ahead.advance(2);
    await poll(ahead);
    expectError(await ahead.me(t.access), 401, 'token_revoked');
  });
});

describe('security: an instance starting with a clock ahead of its peers', () => {
  it('still loads a revocation made just before its start by an instance 20 minutes behind', async () => {
    const sessions = new MemorySessionRepository();
    const s = aSession();
    await sessions.create(s);
    await sessions.revoke(s.id, 'logout', T0);
    const list = new PollingRevocationList(sessions, new FixedClock(T0 + 20 * 60_000), { intervalMs: 5_000, retainMs: 65_000 });
    await list.poll();
    expect(list.isRevoked(s.id)).toBe(true);
  });
});

describe('security: a revocation learnt twice', () => {
  it('keeps the later of its two times: recorded again with an earlier one, it is not dropped sooner', async () => {
    const clock = new FixedClock(T0);
    const list = new PollingRevocationList(new MemorySessionRepository(), clock, { intervalMs: 5_000, retainMs: 65_000 });
    list.add(['s1'], T0);
    list.add(['s1'], T0 - 10 * 60_000);
    clock.advance(60_000);
    await list.poll();
    expect(list.isRevoked('s1')).toBe(true);
    clock.advance(6_000);
    await list.poll();
    expect(list.isRevoked('s1')).toBe(false);
  });
});
