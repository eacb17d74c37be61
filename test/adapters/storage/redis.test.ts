import { MemoryUserRepository } from '../../../src/adapters/storage/memory-user-repository';
import { RedisSessionRepository } from '../../../src/adapters/storage/redis-session-repository';
import { openStorage } from '../../../src/adapters/storage/open-storage';
import { deleteKeysWithPrefix, describeWithRedis } from '../../support/redis';
import { sessionRepositoryContract } from './session-repository.contract';
import { sessionUserLookupContract } from './session-user-lookup.contract';
import { ParallelSessionUserLookup } from '../../../src/adapters/storage/parallel-session-user-lookup';
import { aSession, aUser, DAY, T0 } from './storage-fixtures';

const HOUR = 3_600_000;

describeWithRedis('Redis session store', (redis) => {
  /** A fresh, empty store per test: its own key prefix on the shared connection. */
  const factory = async () => {
    const users = new MemoryUserRepository();
    const sessions = new RedisSessionRepository(redis().client, { keyPrefix: redis().newPrefix() });
    return { users, sessions, sessionUsers: new ParallelSessionUserLookup(sessions, users), close: async () => {} };
  };

  sessionRepositoryContract('redis', factory);
  sessionUserLookupContract('redis', factory);

  describe('keys', () => {
    let prefix: string;
    let repo: RedisSessionRepository;
    beforeEach(() => {
      prefix = redis().newPrefix();
      repo = new RedisSessionRepository(redis().client, { keyPrefix: prefix, expiryMarginMs: HOUR, revocationRetentionMs: DAY });
    });

    const keysOf = async (): Promise<string[]> =>
      (await redis().client.keys(`${prefix}*`)).map((key) => key.slice(prefix.length)).sort();

    it('writes a hash per session, a sorted set per user and one of revocations, all under the prefix', async () => {
      const session = aSession({ userId: 'user-k' });
      await repo.create(session);
      await repo.revoke(session.id, 'logout', T0 + 1);
      expect(await keysOf()).toStrictEqual(['revoked', 'revoked:n', 'revoked:seq', `s:${session.id}`, 'u:user-k'].sort());
      expect(await redis().client.type(`${prefix}s:${session.id}`)).toBe('hash');
      expect(await redis().client.type(`${prefix}u:user-k`)).toBe('zset');
    });

    it('expires session and user keys at the absolute end plus the margin, counted from creation', async () => {
      const session = aSession({ createdAt: T0, expiresAt: T0 + 2 * DAY });
      await repo.create(session);
      for (const key of [`${prefix}s:${session.id}`, `${prefix}u:${session.userId}`]) {
        const ttl = await redis().client.pttl(key);
        expect(ttl).toBeGreaterThan(2 * DAY + HOUR - 60_000);
        expect(ttl).toBeLessThanOrEqual(2 * DAY + HOUR);
      }
    });

    it("keeps the user's index alive as long as its longest session", async () => {
      await repo.create(aSession({ userId: 'user-t', expiresAt: T0 + 10 * DAY }));
      await repo.create(aSession({ userId: 'user-t', expiresAt: T0 + DAY }));
      expect(await redis().client.pttl(`${prefix}u:user-t`)).toBeGreaterThan(10 * DAY);
    });

    it('writes to no key of a session that does not exist (no key without an expiry)', async () => {
      await repo.rotate('ghost', 'jti', { jti: 'next', issuedAt: T0 }, T0);
      await repo.touch('ghost', T0);
      await repo.revoke('ghost', 'admin', T0);
      await repo.revokeAllForUser('user-1', 'admin', T0);
      expect(await keysOf()).toStrictEqual([]);
    });

    it('trims revocations older than the retention window, and expires the index after it', async () => {
      const [old, recent] = [aSession(), aSession()];
      await repo.create(old);
      await repo.create(recent);
      await repo.revoke(old.id, 'logout', T0);
      await repo.revoke(recent.id, 'logout', T0 + DAY + 1);
      expect(await repo.listRevokedSince(0)).toStrictEqual([{ id: recent.id, revokedAt: T0 + DAY + 1 }]);
      expect(await redis().client.pttl(`${prefix}revoked`)).toBeLessThanOrEqual(DAY);
    });

    it('revokeAllForUser drops index entries whose session hash has expired', async () => {
      const [gone, live] = [aSession({ userId: 'user-g' }), aSession({ userId: 'user-g' })];
      await repo.create(gone);
      await repo.create(live);
      await redis().client.del(`${prefix}s:${gone.id}`);
      expect(await repo.revokeAllForUser('user-g', 'logout_global', T0 + 1)).toStrictEqual([live.id]);
      expect(await redis().client.zrange(`${prefix}u:user-g`, 0, -1)).toStrictEqual([live.id]);
    });

    it('keeps large times exact (no exponent form from Lua numbers)', async () => {
      const session = aSession({ lastUsedAt: T0 });
      await repo.create(session);
      await repo.touch(session.id, 9_007_199_254_740_000);
      await repo.rotate(session.id, session.currentJti, { jti: 'n', issuedAt: 9_007_199_254_740_991 }, 9_007_199_254_740_991);
      expect(await repo.findById(session.id)).toMatchObject({
        currentIssuedAt: 9_007_199_254_740_991,
        lastUsedAt: 9_007_199_254_740_991,
        rotatedAt: 9_007_199_254_740_991,
      });
    });

    it('deleteKeysWithPrefix removes exactly the keys of one prefix', async () => {
      const other = new RedisSessionRepository(redis().client, { keyPrefix: `${prefix}x*` });
      await other.create(aSession());
      await repo.create(aSession());
      expect(await deleteKeysWithPrefix(redis().client, `${prefix}x*`)).toBe(2);
      expect(await keysOf()).toHaveLength(2);
    });
  });

  describe('openStorage with SESSION_STORE_URL', () => {
    it('keeps users in DATABASE_URL (migrated SQL) and sessions in Redis; close() closes both', async () => {
      const prefix = redis().newPrefix();
      const storage = await openStorage('sqlite::memory:', {
        sessionStoreUrl: redis().url,
        sessionStore: { keyPrefix: prefix },
      });
      try {
        await storage.migrate();
        const user = await storage.users.create(aUser());
        const session = aSession({ userId: user.id });
        await storage.sessions.create(session);
        expect(await storage.sessions.findById(session.id)).toStrictEqual(session);
        expect(await redis().client.exists(`${prefix}s:${session.id}`)).toBe(1);
        expect(await storage.users.findById(user.id)).toMatchObject({ username: user.username });
        expect(storage.kind).toBe('sqlite');
        expect(storage.description).toMatch(/^sqlite::memory: \(users\), redis:\/\/\S+:\d+\/\d+ \(sessions\)$/);
      } finally {
        await storage.close();
      }
      await expect(storage.sessions.ping()).rejects.toMatchObject({ code: 'service_unavailable' });
      await expect(storage.users.count()).rejects.toBeDefined();
    });
  });
});
