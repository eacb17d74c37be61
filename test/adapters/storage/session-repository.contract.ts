import type { SessionRepository } from '../../../src/domain/ports/session-repository';
import { sessionListingContract } from './session-listing.contract';
import { sessionPurgeContract } from './session-purge.contract';
import { revocationSequenceContract } from './revocation-sequence.contract';
import { sessionRotationContract } from './session-rotation.contract';
import { aSession, T0, type StorageFactory, type StorageUnderTest } from './storage-fixtures';

/** The {@link SessionRepository} contract every storage adapter must pass (Keyv style). */
export function sessionRepositoryContract(name: string, factory: StorageFactory): void {
  describe(`SessionRepository contract (${name})`, () => {
    let storage: StorageUnderTest;
    let repo: SessionRepository;
    beforeEach(async () => {
      storage = await factory();
      repo = storage.sessions;
    });
    afterEach(() => storage.close());

    sessionRotationContract(() => repo);
    sessionListingContract(() => repo);
    revocationSequenceContract(() => repo);
    sessionPurgeContract(() => repo);

    describe('create and findById', () => {
      it('reads back every field, times as the exact millisecond numbers', async () => {
        const session = aSession({
          previousJti: 'jti-old',
          rotatedAt: T0 + 1,
          currentIssuedAt: T0 + 1,
          lastUsedAt: T0 + 999,
          expiresAt: Number.MAX_SAFE_INTEGER,
          revokedAt: T0 + 7,
          revokeReason: 'admin',
        });
        await repo.create(session);
        const found = await repo.findById(session.id);
        expect(found).toStrictEqual(session);
        expect(typeof found?.createdAt).toBe('number');
      });

      it('records how the login was done (amr), and leaves it out when the session has none', async () => {
        const otp = aSession({ amr: ['pwd', 'otp'] });
        const plain = aSession();
        await repo.create(otp);
        await repo.create(plain);
        expect((await repo.findById(otp.id))?.amr).toStrictEqual(['pwd', 'otp']);
        expect(await repo.findById(plain.id)).not.toHaveProperty('amr');
      });

      it('keeps null optional fields null', async () => {
        const session = aSession({ userAgent: null, ip: null });
        await repo.create(session);
        expect(await repo.findById(session.id)).toStrictEqual(session);
      });

      it('returns null for an unknown id', async () => {
        expect(await repo.findById('no-such-session')).toBeNull();
      });

      it('rejects a second session with the same id', async () => {
        const session = aSession();
        await repo.create(session);
        await expect(repo.create(aSession({ id: session.id }))).rejects.toBeDefined();
      });

      it('truncates the user agent to 512 code points', async () => {
        const session = aSession({ userAgent: '😀'.repeat(600) });
        await repo.create(session);
        expect((await repo.findById(session.id))?.userAgent).toBe('😀'.repeat(512));
      });

      it('hands out copies: changing a session after create or after a read changes nothing stored', async () => {
        const session = aSession();
        await repo.create(session);
        const stored = { ...session };
        session.currentJti = 'changed-after-create';
        const found = await repo.findById(session.id);
        if (found) found.revokedAt = T0;
        expect(await repo.findById(session.id)).toStrictEqual(stored);
      });
    });

    describe('touch', () => {
      it('marks the session used at now', async () => {
        const session = aSession();
        await repo.create(session);
        await repo.touch(session.id, T0 + 5_000);
        expect(await repo.findById(session.id)).toStrictEqual({ ...session, lastUsedAt: T0 + 5_000 });
      });

      it('leaves a revoked session as it was', async () => {
        const session = aSession();
        await repo.create(session);
        await repo.revoke(session.id, 'logout', T0 + 1);
        await repo.touch(session.id, T0 + 5_000);
        expect((await repo.findById(session.id))?.lastUsedAt).toBe(T0);
      });

      it('never moves lastUsedAt backwards', async () => {
        const session = aSession({ lastUsedAt: T0 + 10_000 });
        await repo.create(session);
        await repo.touch(session.id, T0 + 5_000);
        expect((await repo.findById(session.id))?.lastUsedAt).toBe(T0 + 10_000);
      });

      it('resolves for an unknown session', async () => {
        await expect(repo.touch('no-such-session', T0)).resolves.toBeUndefined();
      });
    });

    describe('revoke', () => {
      it('is true only for the call that flipped the session; the first reason and time stay', async () => {
        const session = aSession();
        await repo.create(session);
        expect(await repo.revoke(session.id, 'logout', T0 + 1)).toBe(true);
        expect(await repo.revoke(session.id, 'admin', T0 + 2)).toBe(false);
        expect(await repo.findById(session.id)).toStrictEqual({ ...session, revokedAt: T0 + 1, revokeReason: 'logout' });
      });

      it('is false for an unknown session', async () => {
        expect(await repo.revoke('no-such-session', 'logout', T0)).toBe(false);
      });

      it('of N concurrent calls exactly one is true', async () => {
        const session = aSession();
        await repo.create(session);
        const results = await Promise.all(Array.from({ length: 10 }, (_, i) => repo.revoke(session.id, 'logout', T0 + i)));
        expect(results.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('ping', () => {
      it('resolves while storage answers', async () => {
        await expect(repo.ping()).resolves.toBeUndefined();
      });
    });
  });
}
