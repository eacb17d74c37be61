import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const MIN_SECRET_BYTES = 32;
const GENERATED_BYTES = 48;
export const SECRET_FILE_NAME = 'jwt-secret';

/** The HMAC key from `JWT_SECRET` text (its UTF-8 bytes); refuses blank or short secrets. */
export function parseJwtSecret(raw: string): Buffer {
  if (raw.trim() === '') throw new Error('must not be blank');
  const bytes = Buffer.from(raw, 'utf8');
  if (bytes.length < MIN_SECRET_BYTES) {
    throw new Error(`must be at least ${MIN_SECRET_BYTES} bytes, got ${bytes.length} (generate one with: openssl rand -base64 48)`);
  }
  return bytes;
}

/**
 * The secret kept in `<dataDir>/jwt-secret` (base64url, mode 0600), created on first use.
 * Creation publishes the file with a hard link so that concurrent starts (workers) never
 * read a half-written file and all end up with the same secret.
 */
export function loadOrCreateJwtSecret(dataDir: string): Buffer {
  const file = join(dataDir, SECRET_FILE_NAME);
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // The data directory is the gateway's own: nobody else reads a signing key (SPEC §6).
    if ((statSync(dataDir).mode & 0o077) !== 0) chmodSync(dataDir, 0o700);
    publishOnce(file, randomBytes(GENERATED_BYTES).toString('base64url'));
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return decodeStored(readFileSync(file, 'utf8'), file);
  } catch (e) {
    if (e instanceof StoredSecretError) throw e;
    throw new Error(`not set, and the generated secret cannot be kept in "${file}": ${(e as Error).message}`);
  }
}

/**
 * Writes `text` to a private (0600) temporary file, then hard-links it into place unless `file`
 * exists: concurrent first starts (workers) all end up with the one file that won.
 */
export function publishOnce(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(tmp, `${text}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    unlinkSync(tmp);
  }
}

class StoredSecretError extends Error {}

function decodeStored(text: string, file: string): Buffer {
  const trimmed = text.trim();
  const bytes = /^[A-Za-z0-9_-]+$/.test(trimmed) ? Buffer.from(trimmed, 'base64url') : Buffer.alloc(0);
  if (bytes.length < MIN_SECRET_BYTES) {
    throw new StoredSecretError(
      `the stored secret in "${file}" is not base64url of at least ${MIN_SECRET_BYTES} bytes; delete the file to generate a new one`,
    );
  }
  return bytes;
}
