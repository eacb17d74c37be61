import { setTimeout as sleep } from 'node:timers/promises';
import { adminDeps, runAdminCommand } from '../../src/container';
import { MemorySessionRepository } from '../../src/adapters/storage/memory-session-repository';
import { PurgeSessions } from '../../src/application/purge-sessions';
import type { Session } from '../../src/domain/session';
import { FixedClock } from '../support/fixed-clock';
import { forEachStorage, itLeaksNoSecrets, TTL, useGateway, type SecurityGateway } from '../support/security-harness';
import { payloadOf } from './support/jwt-craft';

const sidOf = (token: string): string => String(payloadOf(token).sid);
const stored = async (gw: SecurityGateway, sid: string): Promise<Session | null> => gw.comp.storage.sessions.findById(sid);

/** Issue 12 #8 (SPEC §6): sessions are deleted once no token can use them, in the background and by `tokengate session purge`. */
forEachStorage('security: stale sessions are purged', (target) => {
  const gateway = useGateway(target, { SESSION_PURGE_INTERVAL: '1s', SESSION_RETENTION: '1h' });

  it('the background purge deletes an idle session and keeps a live one', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    const idle = await gw.login(user);
    gw.advance(TTL.refresh + TTL.skew + 1);
    const live = await gw.login(user);
    await sleep(1_500);
    expect(await stored(gw, sidOf(idle.access))).toBeNull();
    expect(await stored(gw, sidOf(live.access))).not.toBeNull();
    expect(gw.logs.entries().some((e) => e.msg === 'purged stale sessions' && Number(e.count) >= 1)).toBe(true);
  });

  it('`tokengate session purge` deletes revoked sessions past SESSION_RETENTION at once', async () => {
    const gw = gateway();
    const user = await gw.addUser();
    const t = await gw.login(user);
    expect((await gw.http().post('/auth/logout').set('Authorization', `Bearer ${t.access}`)).status).toBe(204);
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: () => {}, readPassword: async () => '', readLine: async () => '' };
    await runAdminCommand(['session', 'purge'], adminDeps(gw.comp.container), io);
    expect(await stored(gw, sidOf(t.access))).not.toBeNull();
    gw.advance(3600 + 1);
    await runAdminCommand(['session', 'purge'], adminDeps(gw.comp.container), io);
    expect(await stored(gw, sidOf(t.access))).toBeNull();
    expect(out.at(-1)).toMatch(/^purged [1-9]\d* session\(s\)$/);
  });

  itLeaksNoSecrets(gateway);
});

describe('PurgeSessions', () => {
  const S = { accessTokenTtl: 60, refreshTokenTtl: 300, clockSkew: 5, sessionRetention: 0 };
  const session = (over: Partial<Session>): Session => ({
    id: `s-${Math.random()}`, userId: 'u', currentJti: 'j', currentIssuedAt: 0, previousJti: null, rotatedAt: null, earlierSpent: [],
    createdAt: 0, lastUsedAt: 0, expiresAt: 10_000_000, revokedAt: null, revokeReason: null, userAgent: null, ip: null, ...over,
  });

  it('keeps what a token could still use within CLOCK_SKEW, and revocations while an access token may live', async () => {
    const clock = new FixedClock(1_000_000);
    const repo = new MemorySessionRepository();
    const now = clock.now();
    const keep = [
      session({ lastUsedAt: now - 305_000 }),
      session({ lastUsedAt: now, expiresAt: now - 65_000 }),
      session({ lastUsedAt: now, revokedAt: now - 65_000, revokeReason: 'logout' }),
    ];
    const gone = [
      session({ lastUsedAt: now - 305_001 }),
      session({ lastUsedAt: now, expiresAt: now - 65_001 }),
      session({ lastUsedAt: now, revokedAt: now - 65_001, revokeReason: 'logout' }),
    ];
    for (const s of [...keep, ...gone]) await repo.create(s);
    expect(await new PurgeSessions(repo, clock, S, 2).execute()).toBe(3);
    for (const s of keep) expect(await repo.findById(s.id)).not.toBeNull();
  });

  it('works through any number of batches', async () => {
    const clock = new FixedClock(1_000_000);
    const repo = new MemorySessionRepository();
    for (let i = 0; i < 25; i++) await repo.create(session({ lastUsedAt: 0 }));
    expect(await new PurgeSessions(repo, clock, S, 4).execute()).toBe(25);
  });
});
