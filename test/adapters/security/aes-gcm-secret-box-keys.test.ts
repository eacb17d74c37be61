import { randomBytes } from 'node:crypto';
import { AesGcmSecretBox, type SecretBoxKeys } from '../../../src/adapters/security/aes-gcm-secret-box';

const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const WRONG_KEY = 'TOTP_ENCRYPTION_KEY does not decrypt the stored TOTP secrets (wrong key?)';

/** A key source: `seal` seals, `open` are tried in order; counts the seals asked for. */
function keys(seal: Buffer | null, open: Buffer[]): SecretBoxKeys & { seals: number } {
  const source = {
    seals: 0,
    sealKey: () => {
      source.seals += 1;
      return seal;
    },
    openKeys: () => open,
  };
  return source;
}

const single = (key: Buffer) => new AesGcmSecretBox({ key, missingKeyMessage: 'no key' });

describe('AesGcmSecretBox with several keys', () => {
  const kept = randomBytes(32);
  const fallbackA = randomBytes(32);
  const fallbackB = randomBytes(32);
  const box = new AesGcmSecretBox({ keys: keys(kept, [kept, fallbackA, fallbackB]), missingKeyMessage: 'no key' });

  it('opens what any of its keys sealed, the first or a fallback', () => {
    expect(box.open(single(kept).seal(SECRET))).toBe(SECRET);
    expect(box.open(single(fallbackA).seal(SECRET))).toBe(SECRET);
    expect(box.open(single(fallbackB).seal(SECRET))).toBe(SECRET);
  });

  it('seals with the sealing key only: a fallback alone does not open it', () => {
    const sealed = box.seal(SECRET);
    expect(single(kept).open(sealed)).toBe(SECRET);
    expect(() => single(fallbackA).open(sealed)).toThrow(WRONG_KEY);
    expect(() => single(fallbackB).open(sealed)).toThrow(WRONG_KEY);
  });

  it('asks for the sealing key only when sealing', () => {
    const source = keys(kept, [fallbackA]);
    const lazy = new AesGcmSecretBox({ keys: source, missingKeyMessage: 'no key' });
    lazy.open(single(fallbackA).seal(SECRET));
    expect(source.seals).toBe(0);
    lazy.seal(SECRET);
    expect(source.seals).toBe(1);
  });

  it('no key opening it, or a tampered text, is still the one clear error (or the one given)', () => {
    const sealed = single(randomBytes(32)).seal(SECRET);
    expect(() => box.open(sealed)).toThrow(WRONG_KEY);
    const tampered = box.seal(SECRET).split('.');
    tampered[3] = Buffer.from('X'.repeat(32)).toString('base64url');
    expect(() => box.open(tampered.join('.'))).toThrow(WRONG_KEY);
    const named = new AesGcmSecretBox({ keys: keys(kept, [kept]), missingKeyMessage: 'no key', wrongKeyMessage: 'neither "data/totp-key" nor the derived keys decrypt' });
    expect(() => named.open(sealed)).toThrow('neither "data/totp-key" nor the derived keys decrypt');
  });

  it('with no key at all, sealing and opening tell the missing-key message', () => {
    const none = new AesGcmSecretBox({ keys: keys(null, []), missingKeyMessage: 'TOTP_ENCRYPTION_KEY is required in production' });
    expect(() => none.seal(SECRET)).toThrow('TOTP_ENCRYPTION_KEY is required in production');
    expect(() => none.open(box.seal(SECRET))).toThrow('TOTP_ENCRYPTION_KEY is required in production');
  });

  it('a key source that cannot give a sealing key fails the seal with its own line', () => {
    const failing = new AesGcmSecretBox({
      keys: { sealKey: () => { throw new Error('cannot be kept in "x/totp-key"'); }, openKeys: () => [] },
      missingKeyMessage: 'no key',
    });
    expect(() => failing.seal(SECRET)).toThrow('cannot be kept in "x/totp-key"');
  });
});
