import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { issuesOf, load, tempDir, writeKeys } from './config-fixtures';

describe('loadConfig with asymmetric keys', () => {
  const dir = tempDir();
  const rsa = writeKeys(dir, 'rsa');
  const ec = writeKeys(dir, 'ec');
  const otherRsa = writeKeys(dir, 'rsa', 'other');
  const weak = writeKeys(dir, 'rsa1024');

  it.each([
    ['RS256', rsa],
    ['ES256', ec],
  ] as const)('%s reads both PEM files and needs no secret', (alg, keys) => {
    const config = load({ JWT_ALGORITHM: alg, JWT_PRIVATE_KEY_FILE: keys.privateFile, JWT_PUBLIC_KEY_FILE: keys.publicFile, NODE_ENV: 'production', UPSTREAM_URL: 'http://app' });
    expect(config.jwt).toMatchObject({ algorithm: alg, secret: null });
    expect(config.jwt.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(config.jwt.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  });

  it('resolves key paths against cwd and accepts the algorithm in any case', () => {
    expect(load({ JWT_ALGORITHM: 'rs256', JWT_PRIVATE_KEY_FILE: 'rsa-private.pem', JWT_PUBLIC_KEY_FILE: 'rsa-public.pem' }, dir).jwt.algorithm).toBe('RS256');
  });

  it('names both missing key files', () => {
    expect(issuesOf({ JWT_ALGORITHM: 'RS256' })).toEqual([
      'JWT_PRIVATE_KEY_FILE: required when JWT_ALGORITHM is RS256 (path to a PEM file)',
      'JWT_PUBLIC_KEY_FILE: required when JWT_ALGORITHM is RS256 (path to a PEM file)',
    ]);
  });

  it('says which file cannot be read', () => {
    const issues = issuesOf({ JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEY_FILE: join(dir, 'missing.pem'), JWT_PUBLIC_KEY_FILE: ec.publicFile });
    expect(issues).toEqual([`JWT_PRIVATE_KEY_FILE: cannot read "${join(dir, 'missing.pem')}": ENOENT`]);
  });

  it('refuses a file that is not a PEM key', () => {
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, 'not a key');
    expect(issuesOf({ JWT_ALGORITHM: 'RS256', JWT_PRIVATE_KEY_FILE: rsa.privateFile, JWT_PUBLIC_KEY_FILE: junk })).toEqual([
      `JWT_PUBLIC_KEY_FILE: "${junk}" is not an unencrypted PEM public key`,
    ]);
  });

  it.each([
    ['RS256', ec, 'RS256 needs an RSA key, got key type ec on prime256v1'],
    ['ES256', rsa, 'ES256 needs an EC P-256 key, got key type rsa'],
    ['RS256', weak, 'RS256 needs an RSA key of at least 2048 bits, got 1024 bits'],
  ] as const)('%s refuses the wrong key type', (alg, keys, message) => {
    const issues = issuesOf({ JWT_ALGORITHM: alg, JWT_PRIVATE_KEY_FILE: keys.privateFile, JWT_PUBLIC_KEY_FILE: keys.publicFile });
    expect(issues).toEqual([`JWT_PRIVATE_KEY_FILE: ${message}`, `JWT_PUBLIC_KEY_FILE: ${message}`]);
  });

  it('refuses a public key that does not belong to the private key', () => {
    expect(issuesOf({ JWT_ALGORITHM: 'RS256', JWT_PRIVATE_KEY_FILE: rsa.privateFile, JWT_PUBLIC_KEY_FILE: otherRsa.publicFile })).toEqual([
      'JWT_PUBLIC_KEY_FILE: is not the public half of JWT_PRIVATE_KEY_FILE',
    ]);
  });
});
