import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config';

const base = { JWT_SECRET: 'k'.repeat(40) };

describe('TOTP_ENCRYPTION_KEY and MFA_REQUIRED_ROLES', () => {
  it('default to no key and no roles', () => {
    expect(loadConfig(base)).toMatchObject({ totpEncryptionKey: null, mfaRequiredRoles: [] });
  });

  it('take a 32-byte key as 64 hex digits or base64, and a list of roles', () => {
    const key = randomBytes(32);
    expect(loadConfig({ ...base, TOTP_ENCRYPTION_KEY: key.toString('hex') }).totpEncryptionKey).toEqual(key);
    expect(loadConfig({ ...base, TOTP_ENCRYPTION_KEY: key.toString('base64') }).totpEncryptionKey).toEqual(key);
    expect(loadConfig({ ...base, MFA_REQUIRED_ROLES: 'admin, ops' }).mfaRequiredRoles).toEqual(['admin', 'ops']);
  });

  it.each([
    ['TOTP_ENCRYPTION_KEY', 'short', 'TOTP_ENCRYPTION_KEY: must be 32 bytes, as 64 hex digits or base64 (openssl rand -base64 32)'],
    ['TOTP_ENCRYPTION_KEY', randomBytes(16).toString('base64'), 'TOTP_ENCRYPTION_KEY: must be 32 bytes, as 64 hex digits or base64 (openssl rand -base64 32)'],
    ['MFA_REQUIRED_ROLES', 'admin,bad role', 'MFA_REQUIRED_ROLES: role "bad role" must be 1-64 of A-Z a-z 0-9 . _ : -'],
  ])('%s=%s is one clear line', (name, value, line) => {
    expect(() => loadConfig({ ...base, [name]: value })).toThrow(line);
  });
});
