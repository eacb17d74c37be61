import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretBoxKeys } from './aes-gcm-secret-box';
import { publishOnce } from './jwt-secret-file';

export const TOTP_KEY_FILE_NAME = 'totp-key';
const KEY_BYTES = 32;

export interface FileTotpKeysOptions {
  /** `DATA_DIR`: the key is kept in `<dataDir>/totp-key`. */
  dataDir: string;
  /** The signing secrets (current first, then previous) or private key PEM: earlier versions sealed under keys derived from them. */
  signingMaterials: ReadonlyArray<Buffer | string>;
}

/**
 * The key earlier versions derived from the signing secret (or private key PEM) outside
 * production; it only opens what they sealed.
 */
export function derivedTotpKey(material: Buffer | string): Buffer {
  return createHash('sha256').update('tokengate totp key\0').update(material).digest();
}

/**
 * Development TOTP keys without `TOTP_ENCRYPTION_KEY`: a random key kept in `<dataDir>/totp-key`
 * (base64url, mode 0600) seals, so changing or rotating the signing secret locks nobody out. The
 * file is created at the first seal only (a start that enrols nobody writes nothing); opening
 * tries it, then the keys derived from the signing secrets, for secrets sealed before it existed.
 */
export class FileTotpKeys implements SecretBoxKeys {
  private readonly file: string;
  private readonly derived: Buffer[];
  private kept: Buffer | null = null;

  constructor(private readonly options: FileTotpKeysOptions) {
    this.file = join(options.dataDir, TOTP_KEY_FILE_NAME);
    this.derived = options.signingMaterials.map(derivedTotpKey);
  }

  sealKey(): Buffer {
    this.kept ??= this.loadOrCreate();
    return this.kept;
  }

  openKeys(): Buffer[] {
    // Absence is not remembered: another process may create the file at its first enrolment.
    this.kept ??= this.readIfPresent();
    return this.kept ? [this.kept, ...this.derived] : this.derived;
  }

  private loadOrCreate(): Buffer {
    try {
      mkdirSync(this.options.dataDir, { recursive: true, mode: 0o700 });
      publishOnce(this.file, randomBytes(KEY_BYTES).toString('base64url'));
      if ((statSync(this.file).mode & 0o077) !== 0) chmodSync(this.file, 0o600);
    } catch (e) {
      throw new Error(
        `TOTP_ENCRYPTION_KEY is not set, and the generated TOTP key cannot be kept in "${this.file}": ${(e as Error).message} (set TOTP_ENCRYPTION_KEY: openssl rand -base64 32)`,
      );
    }
    return this.readIfPresent()!;
  }

  private readIfPresent(): Buffer | null {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new Error(`the generated TOTP key in "${this.file}" cannot be read: ${(e as Error).message}`);
    }
    const trimmed = text.trim();
    const key = /^[A-Za-z0-9_-]+$/.test(trimmed) ? Buffer.from(trimmed, 'base64url') : Buffer.alloc(0);
    if (key.length !== KEY_BYTES) {
      throw new Error(`"${this.file}" is not base64url of a ${KEY_BYTES}-byte TOTP key: restore it, or delete it and re-enrol every second factor`);
    }
    return key;
  }
}
