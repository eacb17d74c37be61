import { randomBytes } from 'node:crypto';
import { AesGcmSecretBox } from '../../../src/adapters/security/aes-gcm-secret-box';
import { OtpauthTotp } from '../../../src/adapters/security/otpauth-totp';
import { Sha256RecoveryCodes } from '../../../src/adapters/security/sha256-recovery-codes';

// RFC 6238 appendix B, SHA-1 seed "12345678901234567890" (base32 below); the 6-digit codes are
// the last six digits of the RFC's 8-digit values (RFC 4226 truncation is modulo 10^digits).
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const VECTORS: [number, string][] = [
  [59, '287082'],
  [1111111109, '081804'],
  [1111111111, '050471'],
  [1234567890, '005924'],
  [2000000000, '279037'],
  [20000000000, '353130'],
];

describe('OtpauthTotp (RFC 6238: SHA-1, 6 digits, 30 s)', () => {
  const totp = new OtpauthTotp({ issuer: 'tokengate' });

  it.each(VECTORS)('at T=%i s the code %s matches its own step', (seconds, code) => {
    expect(totp.matchStep(RFC_SECRET, code, seconds * 1000)).toBe(Math.floor(seconds / 30));
  });

  it('accepts one step of drift either way and refuses two', () => {
    const [seconds, code] = VECTORS[3]!;
    const at = (steps: number) => totp.matchStep(RFC_SECRET, code, (seconds + steps * 30) * 1000);
    expect([at(-1), at(1)]).toEqual([Math.floor(seconds / 30), Math.floor(seconds / 30)]);
    expect([at(-2), at(2)]).toEqual([null, null]);
  });

  it('refuses anything but six digits', () => {
    for (const bad of ['', '28708', '2870821', 'abcdef', ' 287082']) expect(totp.matchStep(RFC_SECRET, bad, 59_000)).toBeNull();
  });

  it('makes 160-bit secrets and an otpauth URI naming issuer, account, SHA1, 6 digits, 30 s', () => {
    const secret = totp.newSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(totp.newSecret()).not.toBe(secret);
    const uri = new URL(totp.uri(secret, 'alice'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(Object.fromEntries(uri.searchParams)).toMatchObject({ issuer: 'tokengate', algorithm: 'SHA1', digits: '6', period: '30' });
    expect(decodeURIComponent(uri.pathname)).toContain('alice');
  });
});

describe('AesGcmSecretBox (TOTP_ENCRYPTION_KEY)', () => {
  const key = randomBytes(32);
  const box = new AesGcmSecretBox({ key, missingKeyMessage: 'TOTP_ENCRYPTION_KEY is required' });

  it('round-trips, never stores the plain text, and uses a fresh IV each time', () => {
    const sealed = box.seal(RFC_SECRET);
    expect(sealed).not.toContain(RFC_SECRET);
    expect(box.seal(RFC_SECRET)).not.toBe(sealed);
    expect(box.open(sealed)).toBe(RFC_SECRET);
  });

  it('a wrong key or a tampered text is one clear error, not garbage', () => {
    const sealed = box.seal(RFC_SECRET);
    const other = new AesGcmSecretBox({ key: randomBytes(32), missingKeyMessage: 'x' });
    expect(() => other.open(sealed)).toThrow('TOTP_ENCRYPTION_KEY does not decrypt the stored TOTP secrets (wrong key?)');
    const parts = sealed.split('.');
    const tampered = [...parts.slice(0, 3), Buffer.from('X'.repeat(32)).toString('base64url')].join('.');
    expect(() => box.open(tampered)).toThrow(/wrong key/);
  });

  it('without a key, sealing and opening say the key is required', () => {
    const none = new AesGcmSecretBox({ key: null, missingKeyMessage: 'TOTP_ENCRYPTION_KEY is required in production' });
    expect(() => none.seal('x')).toThrow('TOTP_ENCRYPTION_KEY is required in production');
    expect(() => none.open(box.seal('x'))).toThrow('TOTP_ENCRYPTION_KEY is required in production');
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new AesGcmSecretBox({ key: randomBytes(16), missingKeyMessage: 'x' })).toThrow('TOTP_ENCRYPTION_KEY must be 32 bytes');
  });
});

describe('Sha256RecoveryCodes', () => {
  const codes = new Sha256RecoveryCodes();

  it('makes distinct readable codes whose hash ignores case, spaces and dashes', () => {
    const made = codes.generate(10);
    expect(made).toHaveLength(10);
    expect(new Set(made).size).toBe(10);
    for (const c of made) expect(c).toMatch(/^[A-HJKMNP-Z2-9]{4}(-[A-HJKMNP-Z2-9]{4}){3}$/);
    const first = made[0]!;
    expect(codes.hash(first.toLowerCase().replace(/-/g, ' '))).toBe(codes.hash(first));
    expect(codes.hash(first)).not.toContain(first.replace(/-/g, ''));
    expect(codes.hash(made[1]!)).not.toBe(codes.hash(first));
  });
});
