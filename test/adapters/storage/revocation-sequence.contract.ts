import type { SessionRepository } from '../../../src/domain/ports/session-repository';
import { aSession, T0 } from './storage-fixtures';

/** Issue 12 #7 (SPEC §6): revocations are followed by sequence, not by comparing clocks. */
export function revocationSequenceContract(repo: () => SessionRepository): void {
  describe('revocation sequence', () => {
    it('lists the sessions revoked after a cursor, in order, whatever times the revokers wrote', async () => {
      const r = repo();
      const [a, b, c] = [aSession(), aSession({ userId: 'user-seq' }), aSession({ userId: 'user-seq' })];
      for (const s of [a, b, c]) await r.create(s);
      const start = await r.revocationCursor();
      await r.revoke(a.id, 'logout', T0 + 60_000);
      // A revoker whose clock lags by an hour: still after the cursor.
      expect(await r.revokeAllForUser('user-seq', 'logout_global', T0 - 3_600_000)).toHaveLength(2);
      const page = await r.listRevokedAfter(start);
      expect(page.ids[0]).toBe(a.id);
      expect([...page.ids].sort()).toEqual([a.id, b.id, c.id].sort());
      expect(page.cursor).toBeGreaterThan(start);
      expect(await r.revocationCursor()).toBe(page.cursor);
      expect(await r.listRevokedAfter(page.cursor)).toEqual({ ids: [], cursor: page.cursor });
    });

    it('a revocation that does not flip a session (already revoked) lists nothing new', async () => {
      const r = repo();
      const s = aSession();
      await r.create(s);
      await r.revoke(s.id, 'logout', T0);
      const cursor = await r.revocationCursor();
      expect(await r.revoke(s.id, 'admin', T0 + 1)).toBe(false);
      expect((await r.listRevokedAfter(cursor)).ids).toEqual([]);
    });

    it('a poller following the cursor during a long global logout and concurrent single revocations misses none', async () => {
      const r = repo();
      const many = Array.from({ length: 120 }, () => aSession({ userId: 'user-many' }));
      const singles = Array.from({ length: 6 }, () => aSession());
      for (const s of [...many, ...singles]) await r.create(s);
      let cursor = await r.revocationCursor();
      const seen = new Set<string>();
      let done = false;
      const poller = (async () => {
        while (!done) {
          const page = await r.listRevokedAfter(cursor);
          page.ids.forEach((id) => seen.add(id));
          cursor = page.cursor;
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      await Promise.all([r.revokeAllForUser('user-many', 'logout_global', T0), ...singles.map((s, i) => r.revoke(s.id, 'logout', T0 - i * 60_000))]);
      done = true;
      await poller;
      (await r.listRevokedAfter(cursor)).ids.forEach((id) => seen.add(id));
      expect(seen.size).toBe(many.length + singles.length);
    });
  });
}
