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

/**
 * Issue 12 #7: revocation reaches other instances however far apart their clocks are. Two
 * gateways on one store; B's clock lags A's by a minute (far more than REVOCATION_TTL).
 */
forEachStorage('security: revocation across instances with skewed clocks', (target) => {
  let a: SecurityGateway;
  let b: SecurityGateway;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokengate-skew-'));
    const shared: StorageTarget = { kind: target().kind, databaseUrl: () => target().databaseUrl(dir) };
    a = await SecurityGateway.start(shared, LIFETIMES, dir);
    b = await SecurityGateway.start(shared, LIFETIMES, mkdtempSync(join(tmpdir(), 'tokengate-skew-b-')));
    b.advance(-60);
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });
  const poll = (gw: SecurityGateway) => (gw.comp.container.get(TYPES.Revocations) as unknown as { poll(): Promise<void> }).poll();

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
