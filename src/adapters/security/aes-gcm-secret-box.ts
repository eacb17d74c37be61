import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretBox } from '../../domain/ports/secret-box';

export interface AesGcmSecretBoxOptions {
  /** 32 bytes (`TOTP_ENCRYPTION_KEY`), or null when none is configured. */
  key: Buffer | null;
  /** Why there is no key, told by `seal`/`open` (e.g. "TOTP_ENCRYPTION_KEY is required in production"). */
  missingKeyMessage: string;
}

const VERSION = 'v1';

/** AES-256-GCM: `v1.<iv>.<tag>.<ciphertext>`, base64url parts, a fresh 12-byte IV each time. */
export class AesGcmSecretBox implements SecretBox {
  constructor(private readonly options: AesGcmSecretBoxOptions) {
    if (options.key && options.key.length !== 32) throw new Error('TOTP_ENCRYPTION_KEY must be 32 bytes');
  }

  seal(plain: string): string {
    const key = this.key();
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  open(sealed: string): string {
    const key = this.key();
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || body === undefined) throw new Error('not a sealed TOTP secret');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('TOTP_ENCRYPTION_KEY does not decrypt the stored TOTP secrets (wrong key?)');
    }
  }

  private key(): Buffer {
    if (!this.options.key) throw new Error(this.options.missingKeyMessage);
    return this.options.key;
  }
}
