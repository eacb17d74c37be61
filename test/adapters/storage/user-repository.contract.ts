import type { UserRepository } from '../../../src/domain/ports/user-repository';
import { normalizeUsername } from '../../../src/domain/user';
import { aUser, T0, type StorageFactory, type StorageUnderTest } from './storage-fixtures';

const taken = { code: 'invalid_request', message: 'username already exists' };

/** The {@link UserRepository} contract every storage adapter must pass (Keyv style). */
export function userRepositoryContract(name: string, factory: StorageFactory): void {
  describe(`UserRepository contract (${name})`, () => {
    let storage: StorageUnderTest;
    let repo: UserRepository;
    beforeEach(async () => {
      storage = await factory();
      repo = storage.users;
    });
    afterEach(() => storage.close());

    it('creates a user whose updatedAt is its createdAt, and finds it by id and by normalized name', async () => {
      const input = aUser({ username: 'Alice', roles: ['admin', 'ops:read'], createdAt: T0 });
      const created = await repo.create(input);
      expect(created).toStrictEqual({ ...input, updatedAt: T0 });
      expect(await repo.findById(input.id)).toStrictEqual(created);
      expect(await repo.findByUsername(normalizeUsername('Alice'))).toStrictEqual(created);
    });

    it('round-trips roles in order, and no roles', async () => {
      const many = await repo.create(aUser({ roles: ['b', 'a', 'c.d_e-f:g'] }));
      const none = await repo.create(aUser({ roles: [] }));
      expect((await repo.findById(many.id))?.roles).toStrictEqual(['b', 'a', 'c.d_e-f:g']);
      expect((await repo.findById(none.id))?.roles).toStrictEqual([]);
    });

    it('returns null for an unknown id or username', async () => {
      expect(await repo.findById('no-such-user')).toBeNull();
      expect(await repo.findByUsername('nobody')).toBeNull();
    });

    it('keeps accents significant: zoe and zoë are two users', async () => {
      const zoe = await repo.create(aUser({ username: 'zoe' }));
      const zoeAccent = await repo.create(aUser({ username: 'Zoë' }));
      expect((await repo.findByUsername('zoe'))?.id).toBe(zoe.id);
      expect((await repo.findByUsername(normalizeUsername('Zoë')))?.id).toBe(zoeAccent.id);
      expect(await repo.count()).toBe(2);
    });

    it('keeps spaces significant: "alice " finds neither "alice" nor "alice" finds it, and both can exist', async () => {
      const alice = await repo.create(aUser({ username: 'alice' }));
      expect(await repo.findByUsername('alice ')).toBeNull();
      expect(await repo.findByUsername('alice  ')).toBeNull();
      expect(await repo.findByUsername(' alice')).toBeNull();
      const padded = await repo.create(aUser({ username: 'alice ' }));
      expect((await repo.findByUsername('alice '))?.id).toBe(padded.id);
      expect((await repo.findByUsername('alice'))?.id).toBe(alice.id);
      expect(await repo.count()).toBe(2);
    });

    it('rejects a username whose normalized form is taken (case, and composed vs decomposed)', async () => {
      await repo.create(aUser({ username: 'alice' }));
      await repo.create(aUser({ username: 'zoë' }));
      await expect(repo.create(aUser({ username: 'ALICE' }))).rejects.toMatchObject(taken);
      await expect(repo.create(aUser({ username: 'zoe\u0308' }))).rejects.toMatchObject(taken);
      expect(await repo.count()).toBe(2);
    });

    it('of concurrent creates with one normalized name, exactly one succeeds', async () => {
      const names = ['bob', 'Bob', 'BOB', 'bOb', 'boB'];
      const results = await Promise.allSettled(names.map((username) => repo.create(aUser({ username }))));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject(taken);
    });

    it('stores 128-character names, including ones that lengthen when normalized', async () => {
      const astral = await repo.create(aUser({ username: '𝒜'.repeat(128) }));
      const dotted = await repo.create(aUser({ username: 'İ'.repeat(128) }));
      expect((await repo.findByUsername('𝒜'.repeat(128)))?.id).toBe(astral.id);
      expect((await repo.findByUsername(normalizeUsername('İ'.repeat(128))))?.username).toBe(dotted.username);
    });

    it('setDisabled flips the flag and updatedAt; false only for an unknown user', async () => {
      const user = await repo.create(aUser());
      expect(await repo.setDisabled(user.id, true, T0 + 1)).toBe(true);
      expect(await repo.findById(user.id)).toStrictEqual({ ...user, disabled: true, updatedAt: T0 + 1 });
      expect(await repo.setDisabled(user.id, true, T0 + 1)).toBe(true);
      expect(await repo.setDisabled(user.id, false, T0 + 2)).toBe(true);
      expect(await repo.findById(user.id)).toMatchObject({ disabled: false, updatedAt: T0 + 2 });
      expect(await repo.setDisabled('no-such-user', true, T0)).toBe(false);
    });

    it('setPasswordHash replaces the hash and updatedAt; false only for an unknown user', async () => {
      const user = await repo.create(aUser());
      expect(await repo.setPasswordHash(user.id, '$scrypt$new', T0 + 3)).toBe(true);
      expect(await repo.findById(user.id)).toStrictEqual({ ...user, passwordHash: '$scrypt$new', updatedAt: T0 + 3 });
      expect(await repo.setPasswordHash('no-such-user', 'x', T0)).toBe(false);
    });

    it('lists every user ordered by username, and counts them', async () => {
      for (const username of ['carol', 'Alice', 'bob']) await repo.create(aUser({ username }));
      expect((await repo.list()).map((u) => u.username)).toStrictEqual(['Alice', 'bob', 'carol']);
      expect(await repo.count()).toBe(3);
    });

    it('hands out copies: changing a returned user changes nothing stored', async () => {
      const input = aUser({ roles: ['reader'] });
      const created = await repo.create(input);
      input.roles.push('admin-via-input');
      created.roles.push('admin-via-result');
      const found = await repo.findById(created.id);
      found?.roles.push('admin-via-read');
      expect((await repo.findById(created.id))?.roles).toStrictEqual(['reader']);
    });
  });
}
