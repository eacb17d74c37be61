import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretBox } from '../../domain/ports/secret-box';

/** Where an {@link AesGcmSecretBox} finds its keys: one seals, several may open. Each key is 32 bytes. */
export interface SecretBoxKeys {
  /** The key that seals; null when none is configured. May create it (a generated key file); throws one clear line when it cannot. */
  sealKey(): Buffer | null;
  /** The keys tried in order to open, the sealing key first; empty when none is configured. */
  openKeys(): Buffer[];
}

interface Messages {
  /** Why there is no key, told by `seal`/`open` (e.g. "TOTP_ENCRYPTION_KEY is required in production"). */
  missingKeyMessage: string;
  /** Told by `open` when no key opens the text; defaults to the `TOTP_ENCRYPTION_KEY` one. */
  wrongKeyMessage?: string;
}

/** One key (`TOTP_ENCRYPTION_KEY`, 32 bytes, or null when none is configured), or a {@link SecretBoxKeys}. */
export type AesGcmSecretBoxOptions = Messages & ({ key: Buffer | null } | { keys: SecretBoxKeys });

const VERSION = 'v1';
const WRONG_KEY = 'TOTP_ENCRYPTION_KEY does not decrypt the stored TOTP secrets (wrong key?)';

/** AES-256-GCM: `v1.<iv>.<tag>.<ciphertext>`, base64url parts, a fresh 12-byte IV each time. */
export class AesGcmSecretBox implements SecretBox {
  private readonly keys: SecretBoxKeys;

  constructor(private readonly options: AesGcmSecretBoxOptions) {
    if ('keys' in options) {
      this.keys = options.keys;
      return;
    }
    const key = options.key;
    if (key && key.length !== 32) throw new Error('TOTP_ENCRYPTION_KEY must be 32 bytes');
    this.keys = { sealKey: () => key, openKeys: () => (key ? [key] : []) };
  }

  seal(plain: string): string {
    const key = this.keys.sealKey();
    if (!key) throw new Error(this.options.missingKeyMessage);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  open(sealed: string): string {
    const keys = this.keys.openKeys();
    if (keys.length === 0) throw new Error(this.options.missingKeyMessage);
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || body === undefined) throw new Error('not a sealed TOTP secret');
    for (const key of keys) {
      const plain = openWith(key, Buffer.from(iv, 'base64url'), Buffer.from(tag, 'base64url'), Buffer.from(body, 'base64url'));
      if (plain !== null) return plain;
    }
    throw new Error(this.options.wrongKeyMessage ?? WRONG_KEY);
  }
}

/** The plain text, or null when the tag does not check under `key` (wrong key, tampered text). */
function openWith(key: Buffer, iv: Buffer, tag: Buffer, body: Buffer): string | null {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
