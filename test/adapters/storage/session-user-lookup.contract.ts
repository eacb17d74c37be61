import type { SessionUserLookup } from '../../../src/domain/ports/session-user-lookup';
import { aSession, aUser, T0, type StorageFactory, type StorageUnderTest } from './storage-fixtures';

/**
 * The {@link SessionUserLookup} contract: whether it joins or asks two repositories at once,
 * it answers exactly what `sessions.findById` and `users.findById` would.
 */
export function sessionUserLookupContract(name: string, factory: StorageFactory): void {
  describe(`SessionUserLookup contract (${name})`, () => {
    let storage: StorageUnderTest;
    let lookup: SessionUserLookup;
    beforeEach(async () => {
      storage = await factory();
      lookup = storage.sessionUsers;
    });
    afterEach(() => storage.close());

    it('returns the session and its user, field for field as the repositories read them', async () => {
      const user = await storage.users.create(aUser({ roles: ['admin', 'reader'], createdAt: T0 + 5 }));
      const session = aSession({ userId: user.id, previousJti: 'jti-old', rotatedAt: T0 + 1, earlierSpent: [{ jti: 'jti-older', spentAt: T0 }], amr: ['pwd', 'otp'] });
      await storage.sessions.create(session);
      const found = await lookup.find(session.id, user.id);
      expect(found.session).toStrictEqual(await storage.sessions.findById(session.id));
      expect(found.session).toStrictEqual(session);
      expect(found.user).toStrictEqual(await storage.users.findById(user.id));
      expect(found.user).toMatchObject({ id: user.id, username: user.username, roles: ['admin', 'reader'], disabled: false, createdAt: T0 + 5 });
      expect(typeof found.user?.updatedAt).toBe('number');
    });

    it('returns a disabled user as disabled, and a revoked session with its revocation', async () => {
      const user = await storage.users.create(aUser());
      const session = aSession({ userId: user.id });
      await storage.sessions.create(session);
      await storage.users.setDisabled(user.id, true, T0 + 10);
      await storage.sessions.revoke(session.id, 'user_disabled', T0 + 10);
      const found = await lookup.find(session.id, user.id);
      expect(found.user).toMatchObject({ id: user.id, disabled: true, updatedAt: T0 + 10 });
      expect(found.session).toMatchObject({ id: session.id, revokedAt: T0 + 10, revokeReason: 'user_disabled' });
    });

    it('sees a rotation at once (no stale copy)', async () => {
      const user = await storage.users.create(aUser());
      const session = aSession({ userId: user.id, currentJti: 'jti-1' });
      await storage.sessions.create(session);
      expect(await storage.sessions.rotate(session.id, 'jti-1', { jti: 'jti-2', issuedAt: T0 + 3 }, T0 + 3)).toBe(true);
      expect((await lookup.find(session.id, user.id)).session).toMatchObject({ currentJti: 'jti-2', previousJti: 'jti-1', rotatedAt: T0 + 3, lastUsedAt: T0 + 3 });
    });

    it('an unknown session: neither session nor user, even when the user exists', async () => {
      const user = await storage.users.create(aUser());
      expect(await lookup.find('no-such-session', user.id)).toStrictEqual({ session: null, user: null });
    });

    it('a session of another user: the session, but no user (neither the asked one nor the owner)', async () => {
      const owner = await storage.users.create(aUser());
      const other = await storage.users.create(aUser());
      const session = aSession({ userId: owner.id });
      await storage.sessions.create(session);
      expect(await lookup.find(session.id, other.id)).toStrictEqual({ session, user: null });
      expect(await lookup.find(session.id, owner.id.toUpperCase())).toStrictEqual({ session, user: null });
    });

    it('a session whose user is gone: the session, and no user', async () => {
      const session = aSession({ userId: 'user-that-was-never-stored' });
      await storage.sessions.create(session);
      expect(await lookup.find(session.id, session.userId)).toStrictEqual({ session, user: null });
    });

    it('ids are compared by case: another letter case finds no session', async () => {
      const user = await storage.users.create(aUser());
      const session = aSession({ userId: user.id });
      await storage.sessions.create(session);
      expect(await lookup.find(session.id.toUpperCase(), user.id)).toStrictEqual({ session: null, user: null });
    });
  });
}
