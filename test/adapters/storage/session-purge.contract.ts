import type { SessionRepository } from '../../../src/domain/ports/session-repository';
import { aSession, DAY, T0 } from './storage-fixtures';

/** Issue 12 #8 (SPEC §6): sessions no token can use any more are deleted, in batches. */
export function sessionPurgeContract(repo: () => SessionRepository): void {
  describe('purge', () => {
    const cutoffs = { expiredBefore: T0 + 10 * DAY, idleBefore: T0 + 5 * DAY, revokedBefore: T0 + 2 * DAY };

    it('deletes unrevoked sessions past their end or idle limit and revoked ones past retention, nothing else', async () => {
      const r = repo();
      const keep = [
        aSession({ lastUsedAt: T0 + 6 * DAY, expiresAt: T0 + 20 * DAY }),
        aSession({ lastUsedAt: T0 + 6 * DAY, expiresAt: T0 + 20 * DAY, revokedAt: T0 + 3 * DAY, revokeReason: 'logout' }),
        // Revoked sessions stay for audit until retention, idle or ended or not.
        aSession({ lastUsedAt: T0, expiresAt: T0 + DAY, revokedAt: T0 + 2 * DAY + 1, revokeReason: 'admin' }),
      ];
      const gone = [
        aSession({ lastUsedAt: T0 + 6 * DAY, expiresAt: T0 + 9 * DAY }),
        aSession({ lastUsedAt: T0 + 4 * DAY, expiresAt: T0 + 20 * DAY }),
        aSession({ lastUsedAt: T0 + 6 * DAY, expiresAt: T0 + 20 * DAY, revokedAt: T0 + DAY, revokeReason: 'logout' }),
      ];
      for (const s of [...keep, ...gone]) await r.create(s);
      expect(await r.purge(cutoffs, 100)).toBe(3);
      for (const s of keep) expect(await r.findById(s.id)).not.toBeNull();
      for (const s of gone) expect(await r.findById(s.id)).toBeNull();
      expect(await r.purge(cutoffs, 100)).toBe(0);
    });

    it('deletes at most `limit` a call', async () => {
      const r = repo();
      for (let i = 0; i < 7; i++) await r.create(aSession({ lastUsedAt: T0, expiresAt: T0 + DAY }));
      expect(await r.purge(cutoffs, 3)).toBe(3);
      expect(await r.purge(cutoffs, 3)).toBe(3);
      expect(await r.purge(cutoffs, 3)).toBe(1);
      expect(await r.purge(cutoffs, 3)).toBe(0);
    });
  });
}
