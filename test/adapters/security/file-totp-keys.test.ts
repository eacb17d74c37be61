import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { derivedTotpKey, FileTotpKeys } from '../../../src/adapters/security/file-totp-keys';

let root: string;
let dataDir: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tokengate-totp-keys-'));
  dataDir = join(root, 'data');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const file = () => join(dataDir, 'totp-key');
const signing = randomBytes(48);
const previous = randomBytes(48);
const pem = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI...\n-----END PRIVATE KEY-----\n';
const keys = () => new FileTotpKeys({ dataDir, signingMaterials: [signing, previous] });

describe('FileTotpKeys (DATA_DIR/totp-key)', () => {
  it('derives the keys earlier versions used: SHA-256 of a label and the signing secret or PEM', () => {
    const earlier = (m: Buffer | string) => createHash('sha256').update('tokengate totp key\0').update(m).digest();
    expect(derivedTotpKey(signing)).toEqual(earlier(signing));
    expect(derivedTotpKey(pem)).toEqual(earlier(pem));
    expect(derivedTotpKey(signing)).toHaveLength(32);
  });

  it('before any seal, opening tries the derived keys only and writes nothing, not even the directory', () => {
    expect(keys().openKeys()).toEqual([derivedTotpKey(signing), derivedTotpKey(previous)]);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('the first seal creates the file: 32 random bytes as base64url, mode 0600, no temporary file left', () => {
    const key = keys().sealKey();
    expect(key).toHaveLength(32);
    expect(statSync(file()).mode & 0o777).toBe(0o600);
    expect(readFileSync(file(), 'utf8')).toBe(`${key.toString('base64url')}\n`);
    expect(readdirSync(dataDir)).toEqual(['totp-key']);
  });

  it('is reused: later seals and other instances get the same key, tried first when opening', () => {
    const first = keys().sealKey();
    expect(keys().sealKey()).toEqual(first);
    expect(keys().openKeys()).toEqual([first, derivedTotpKey(signing), derivedTotpKey(previous)]);
  });

  it('an instance that found no file sees the one another process created later', () => {
    const early = keys();
    expect(early.openKeys()).toHaveLength(2);
    const created = keys().sealKey();
    expect(early.openKeys()[0]).toEqual(created);
  });

  it('tightens an existing key file readable by others when sealing', () => {
    const first = keys().sealKey();
    chmodSync(file(), 0o644);
    expect(keys().sealKey()).toEqual(first);
    expect(statSync(file()).mode & 0o777).toBe(0o600);
  });

  it('a file that is not a 32-byte key is one line naming it', () => {
    keys().sealKey();
    writeFileSync(file(), 'not a key\n');
    const line = `"${file()}" is not base64url of a 32-byte TOTP key: restore it, or delete it and re-enrol every second factor`;
    expect(() => keys().openKeys()).toThrow(line);
    expect(() => keys().sealKey()).toThrow(line);
  });

  it('a data directory that cannot be written is one line naming the file and TOTP_ENCRYPTION_KEY', () => {
    writeFileSync(join(root, 'plain-file'), '');
    dataDir = join(root, 'plain-file', 'data');
    expect(() => keys().sealKey()).toThrow(
      new RegExp(`^TOTP_ENCRYPTION_KEY is not set, and the generated TOTP key cannot be kept in "${file().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}": ENOTDIR[^\\n]*\\(set TOTP_ENCRYPTION_KEY: openssl rand -base64 32\\)$`),
    );
  });
});
