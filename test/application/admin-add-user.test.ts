import { createAppHarness, type AppHarness } from '../support/app-harness';

describe('AddUser', () => {
  let h: AppHarness;
  beforeEach(() => {
    h = createAppHarness();
  });

  it('stores the user with a salted argon2id hash, never the password, and the user can log in', async () => {
    const user = await h.addUser('Alice', 's3cret password', ['admin', 'reader', 'admin']);
    expect(user).toMatchObject({ username: 'Alice', roles: ['admin', 'reader'], disabled: false, createdAt: h.clock.now() });
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(user.passwordHash).not.toContain('s3cret');
    const twin = await h.addUser('Bob', 's3cret password', []);
    expect(twin.passwordHash).not.toBe(user.passwordHash);
    await expect(h.login('alice', 's3cret password')).resolves.toMatchObject({ userId: user.id });
  });

  it('stores the name as written, in NFC', async () => {
    const user = await h.addUser('Zoe\u0308', 'pw', []);
    expect(user.username).toBe('Zoë');
  });

  const INVALID: [string, string, string, string[]][] = [
    ['an empty username', '', 'pw', []],
    ['a username over 128 characters', 'a'.repeat(129), 'pw', []],
    ['a username with a control character', 'a\u0007b', 'pw', []],
    ['a username with a format character', 'a\u202eb', 'pw', []],
    ['an empty password', 'alice', '', []],
    ['a password over 1024 characters', 'alice', 'p'.repeat(1025), []],
    ['an empty role', 'alice', 'pw', ['']],
    ['a role with a space', 'alice', 'pw', ['site admin']],
    ['a role over 64 characters', 'alice', 'pw', ['r'.repeat(65)]],
    ['a role with a comma (it would split X-User-Roles)', 'alice', 'pw', ['a,b']],
  ];
  it.each(INVALID)('refuses %s with invalid_request and stores nothing', async (_, username, password, roles) => {
    await expect(h.addUser(username, password, roles)).rejects.toMatchObject({ code: 'invalid_request' });
    expect(await h.users.count()).toBe(0);
  });

  it.each(['alice', 'ALICE', 'Alice'])('refuses %s when Alice exists (names are case-insensitive)', async (name) => {
    await h.addUser('Alice', 'pw', []);
    await expect(h.addUser(name, 'other', [])).rejects.toMatchObject({ code: 'invalid_request' });
    expect(await h.users.count()).toBe(1);
  });

  it('accepts zoe beside zoë (accents are significant)', async () => {
    await h.addUser('zoë', 'pw', []);
    await expect(h.addUser('zoe', 'pw', [])).resolves.toMatchObject({ username: 'zoe' });
  });
});
