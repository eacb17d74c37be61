import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { secretKeyId } from './jwk';
import { loadOrCreateJwtSecret, MIN_SECRET_BYTES, SECRET_FILE_NAME } from './jwt-secret-file';

export const PREVIOUS_SECRETS_FILE_NAME = 'jwt-secret-previous';
const GENERATED_BYTES = 48;

/** One retired generated secret: it verifies, never signs. */
interface Retired {
  secret: Buffer;
  /** When it stopped signing, ms since the epoch. */
  retiredAt: number;
}

/**
 * The generated secrets that `tokengate keys rotate` retired, from `<dataDir>/jwt-secret-previous`
 * (one `<base64url> <ISO time it was retired>` per line, newest first); none when there is no file.
 */
export function loadPreviousSecrets(dataDir: string): Buffer[] {
  return readRetired(join(dataDir, PREVIOUS_SECRETS_FILE_NAME)).map((r) => r.secret);
}

function readRetired(file: string): Retired[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      const [encoded = '', at = ''] = line.trim().split(/\s+/);
      const secret = /^[A-Za-z0-9_-]+$/.test(encoded) ? Buffer.from(encoded, 'base64url') : Buffer.alloc(0);
      const retiredAt = Date.parse(at);
      if (secret.length < MIN_SECRET_BYTES || Number.isNaN(retiredAt)) {
        throw new Error(`line ${i + 1} of "${file}" is not "<base64url secret> <ISO time>"; fix or delete the line`);
      }
      return { secret, retiredAt };
    });
}

export interface RotationResult {
  oldKid: string;
  newKid: string;
  /** Previous secrets still kept (the one just retired included). */
  kept: number;
  /** Previous secrets dropped because every token they signed has expired. */
  dropped: number;
}

/**
 * `tokengate keys rotate`: the generated secret becomes previous (verification only) and a new
 * one is generated. Both files are replaced atomically (write, then rename), mode 0600.
 *
 * Running gateways keep signing with the secret they started with until they restart, so a
 * secret's retirement time is not when it stopped signing. A previous secret is dropped only
 * once the secret that replaced it has itself been retired for more than `retainSeconds` (the
 * refresh token lifetime plus the clock skew): a gateway restarted at any time before that
 * next rotation stopped signing with the old one by then, and every token it signed has
 * expired since. The secret retired by the previous rotation is therefore always kept, so a
 * second rotation before the restart drops nothing the gateway still signs with.
 */
export function rotateGeneratedSecret(dataDir: string, nowMs: number, retainSeconds: number): RotationResult {
  const current = loadOrCreateJwtSecret(dataDir);
  const previousFile = join(dataDir, PREVIOUS_SECRETS_FILE_NAME);
  const earlier = readRetired(previousFile);
  // Newest first: each one's successor was retired at the entry before it, the newest's now.
  const kept = earlier.filter((_, i) => nowMs - (i === 0 ? nowMs : earlier[i - 1]!.retiredAt) <= retainSeconds * 1000);
  const retired = [{ secret: current, retiredAt: nowMs }, ...kept];
  const next = randomBytes(GENERATED_BYTES);
  replaceFile(previousFile, retired.map((r) => `${r.secret.toString('base64url')} ${new Date(r.retiredAt).toISOString()}\n`).join(''));
  replaceFile(join(dataDir, SECRET_FILE_NAME), `${next.toString('base64url')}\n`);
  return { oldKid: secretKeyId(current), newKid: secretKeyId(next), kept: retired.length, dropped: earlier.length - kept.length };
}

function replaceFile(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
  renameSync(tmp, file);
}
