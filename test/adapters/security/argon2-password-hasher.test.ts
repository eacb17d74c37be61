import { Argon2PasswordHasher } from '../../../src/adapters/security/argon2-password-hasher';

describe('Argon2PasswordHasher', () => {
  const hasher = new Argon2PasswordHasher();

  it('hashes with argon2id at the OWASP parameters and verifies the password', async () => {
    const hash = await hasher.hash('correct horse battery staple');
    const [, type, , params] = hash.split('$');
    expect(type).toBe('argon2id');
    expect(params!.split(',').sort()).toEqual(['m=19456', 'p=1', 't=2']);
    await expect(hasher.verify(hash, 'correct horse battery staple')).resolves.toBe(true);
  });

  it('salts every hash', async () => {
    expect(await hasher.hash('pw')).not.toBe(await hasher.hash('pw'));
  });

  it('answers false for a wrong password', async () => {
    const hash = await hasher.hash('secret');
    await expect(hasher.verify(hash, 'Secret')).resolves.toBe(false);
    await expect(hasher.verify(hash, '')).resolves.toBe(false);
  });

  it('handles any code points in a password', async () => {
    const pw = 'zoë 🔑 \u0000 パスワード';
    await expect(hasher.verify(await hasher.hash(pw), pw)).resolves.toBe(true);
  });

  it.each([
    ['empty', ''],
    ['not a hash', 'plaintext'],
    ['bcrypt', '$2b$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234'],
    ['truncated argon2', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA'],
    ['bad parameters', '$argon2id$v=19$m=x,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g'],
  ])('answers false, without throwing, for a malformed hash (%s)', async (_name, hash) => {
    await expect(hasher.verify(hash, 'pw')).resolves.toBe(false);
  });

  it('keeps at most `concurrency` hashes running at once and finishes them all', async () => {
    const limited = new Argon2PasswordHasher({ concurrency: 2 });
    const hashes = await Promise.all(Array.from({ length: 5 }, (_, i) => limited.hash(`pw${i}`)));
    const checks = await Promise.all(hashes.map((h, i) => limited.verify(h, `pw${i}`)));
    expect(checks).toEqual([true, true, true, true, true]);
  });
});
