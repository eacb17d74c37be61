import type { SessionRepository } from '../../../src/domain/ports/session-repository';
import { aSession, T0 } from './storage-fixtures';

/** `rotate`, the compare-and-set at the heart of refresh (SPEC §3, §6). */
export function sessionRotationContract(repository: () => SessionRepository): void {
  let repo: SessionRepository;
  beforeEach(() => {
    repo = repository();
  });

  describe('rotate', () => {
    it('makes the expected jti the previous one and next the current one, used at now', async () => {
      const session = aSession({ currentJti: 'jti-a' });
      await repo.create(session);
      expect(await repo.rotate(session.id, 'jti-a', { jti: 'jti-b', issuedAt: T0 + 100 }, T0 + 200)).toBe(true);
      expect(await repo.findById(session.id)).toStrictEqual({
        ...session,
        currentJti: 'jti-b',
        currentIssuedAt: T0 + 100,
        previousJti: 'jti-a',
        rotatedAt: T0 + 200,
        lastUsedAt: T0 + 200,
      });
    });

    it('chains: the new jti rotates next, the spent one no longer does', async () => {
      const session = aSession({ currentJti: 'jti-a' });
      await repo.create(session);
      await repo.rotate(session.id, 'jti-a', { jti: 'jti-b', issuedAt: T0 + 1 }, T0 + 1);
      expect(await repo.rotate(session.id, 'jti-a', { jti: 'jti-x', issuedAt: T0 + 2 }, T0 + 2)).toBe(false);
      expect(await repo.rotate(session.id, 'jti-b', { jti: 'jti-c', issuedAt: T0 + 3 }, T0 + 3)).toBe(true);
      expect(await repo.findById(session.id)).toMatchObject({ currentJti: 'jti-c', previousJti: 'jti-b', rotatedAt: T0 + 3 });
    });

    it('stores the earlier spent tokens it is given, replaces them at the next rotation, and clears them when given none', async () => {
      const session = aSession({ currentJti: 'jti-a' });
      await repo.create(session);
      const spent = [{ jti: 'jti-0', spentAt: T0 + 5 }, { jti: 'jti-minus-1', spentAt: T0 + 1 }];
      expect(await repo.rotate(session.id, 'jti-a', { jti: 'jti-b', issuedAt: T0 + 10, earlierSpent: spent }, T0 + 10)).toBe(true);
      expect(await repo.findById(session.id)).toMatchObject({ currentJti: 'jti-b', previousJti: 'jti-a', earlierSpent: spent });
      const next = [{ jti: 'jti-a', spentAt: T0 + 10 }];
      expect(await repo.rotate(session.id, 'jti-b', { jti: 'jti-c', issuedAt: T0 + 20, earlierSpent: next }, T0 + 20)).toBe(true);
      expect((await repo.findById(session.id))?.earlierSpent).toStrictEqual(next);
      expect(await repo.rotate(session.id, 'jti-c', { jti: 'jti-d', issuedAt: T0 + 30 }, T0 + 30)).toBe(true);
      expect((await repo.findById(session.id))?.earlierSpent).toStrictEqual([]);
    });

    it('a lost compare-and-set leaves the earlier spent tokens as they were', async () => {
      const spent = [{ jti: 'jti-0', spentAt: T0 + 5 }];
      const session = aSession({ currentJti: 'jti-a' });
      await repo.create(session);
      await repo.rotate(session.id, 'jti-a', { jti: 'jti-b', issuedAt: T0 + 10, earlierSpent: spent }, T0 + 10);
      expect(await repo.rotate(session.id, 'jti-a', { jti: 'jti-x', issuedAt: T0 + 11, earlierSpent: [] }, T0 + 11)).toBe(false);
      expect((await repo.findById(session.id))?.earlierSpent).toStrictEqual(spent);
    });

    it('is false and changes nothing when the expected jti is not the current one', async () => {
      const session = aSession({ currentJti: 'jti-a' });
      await repo.create(session);
      expect(await repo.rotate(session.id, 'JTI-A', { jti: 'jti-b', issuedAt: T0 + 1 }, T0 + 1)).toBe(false);
      expect(await repo.findById(session.id)).toStrictEqual(session);
    });

    it('is false and changes nothing on a revoked session', async () => {
      const session = aSession({ currentJti: 'jti-a' });
      await repo.create(session);
      await repo.revoke(session.id, 'reuse_detected', T0 + 1);
      const revoked = await repo.findById(session.id);
      expect(await repo.rotate(session.id, 'jti-a', { jti: 'jti-b', issuedAt: T0 + 2 }, T0 + 2)).toBe(false);
      expect(await repo.findById(session.id)).toStrictEqual(revoked);
    });

    it('is false for an unknown session', async () => {
      expect(await repo.rotate('no-such-session', 'jti-a', { jti: 'jti-b', issuedAt: T0 }, T0)).toBe(false);
    });

    it('of 20 concurrent calls with one expected jti, exactly one wins and its write is the one kept', async () => {
      const session = aSession({ currentJti: 'jti-old' });
      await repo.create(session);
      const attempts = Array.from({ length: 20 }, (_, i) => ({ jti: `jti-new-${i}`, issuedAt: T0 + 1_000 + i }));

      const results = await Promise.all(attempts.map((next) => repo.rotate(session.id, 'jti-old', next, next.issuedAt)));

      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = attempts[results.indexOf(true)]!;
      expect(await repo.findById(session.id)).toStrictEqual({
        ...session,
        currentJti: winner.jti,
        currentIssuedAt: winner.issuedAt,
        previousJti: 'jti-old',
        rotatedAt: winner.issuedAt,
        lastUsedAt: winner.issuedAt,
      });
    });
  });
}
