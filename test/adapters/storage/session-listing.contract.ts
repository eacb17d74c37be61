import type { SessionRepository } from '../../../src/domain/ports/session-repository';
import { aSession, DAY, T0 } from './storage-fixtures';

/** Bulk revocation and listings; `repo` yields the fresh repository of the current test. */
export function sessionListingContract(repository: () => SessionRepository): void {
  let repo: SessionRepository;
  beforeEach(() => {
    repo = repository();
  });

  describe('revokeAllForUser', () => {
    it('revokes every unrevoked session of the user except exceptId and returns their ids', async () => {
      const [keep, a, b, old] = [aSession(), aSession(), aSession(), aSession()];
      const other = aSession({ userId: 'user-2' });
      for (const s of [keep, a, b, old, other]) await repo.create(s);
      await repo.revoke(old.id, 'logout', T0 + 1);

      const ids = await repo.revokeAllForUser('user-1', 'logout_others', T0 + 2, keep.id);
      expect([...ids].sort()).toStrictEqual([a.id, b.id].sort());
      expect(await repo.findById(a.id)).toMatchObject({ revokedAt: T0 + 2, revokeReason: 'logout_others' });
      expect(await repo.findById(old.id)).toMatchObject({ revokedAt: T0 + 1, revokeReason: 'logout' });
      expect((await repo.findById(keep.id))?.revokedAt).toBeNull();
      expect((await repo.findById(other.id))?.revokedAt).toBeNull();
    });

    it('without exceptId revokes all of them, and a second call revokes nothing', async () => {
      const sessions = [aSession(), aSession()];
      for (const s of sessions) await repo.create(s);
      expect(await repo.revokeAllForUser('user-1', 'logout_global', T0)).toHaveLength(2);
      expect(await repo.revokeAllForUser('user-1', 'logout_global', T0 + 1)).toStrictEqual([]);
    });
  });

  describe('listActiveForUser', () => {
    it('lists the unrevoked, unexpired sessions of that user, newest first', async () => {
      const now = T0 + DAY;
      const older = aSession({ createdAt: T0 });
      const newer = aSession({ createdAt: T0 + 1 });
      const revoked = aSession({ createdAt: T0 + 2 });
      const expired = aSession({ createdAt: T0 + 3, expiresAt: now });
      const other = aSession({ userId: 'user-2' });
      for (const s of [older, newer, revoked, expired, other]) await repo.create(s);
      await repo.revoke(revoked.id, 'logout', T0 + 5);

      expect(await repo.listActiveForUser('user-1', now)).toStrictEqual([newer, older]);
      expect(await repo.listActiveForUser('nobody', now)).toStrictEqual([]);
    });
  });

  describe('listRevokedSince', () => {
    it('lists ids and times of sessions revoked at or after since', async () => {
      const [before, atSince, after, live] = [aSession(), aSession(), aSession(), aSession()];
      for (const s of [before, atSince, after, live]) await repo.create(s);
      await repo.revoke(before.id, 'logout', T0 + 9);
      await repo.revoke(atSince.id, 'logout', T0 + 10);
      await repo.revoke(after.id, 'admin', T0 + 11);

      const revoked = await repo.listRevokedSince(T0 + 10);
      expect([...revoked].sort((x, y) => x.revokedAt - y.revokedAt)).toStrictEqual([
        { id: atSince.id, revokedAt: T0 + 10 },
        { id: after.id, revokedAt: T0 + 11 },
      ]);
    });
  });
}
