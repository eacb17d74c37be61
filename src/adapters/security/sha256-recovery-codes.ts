import { createHash, randomInt } from 'node:crypto';
import type { RecoveryCodes } from '../../domain/ports/recovery-codes';

// Crockford-like: no 0/O, 1/I/L, so a code read aloud or retyped survives.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const LENGTH = 16;

const normalize = (code: string): string => code.replace(/[\s-]/g, '').toUpperCase();

/**
 * Codes of 16 symbols from 31 (about 79 bits), shown as `XXXX-XXXX-XXXX-XXXX`. So much entropy
 * needs no slow hash: SHA-256 of the normalized code cannot be searched back.
 */
export class Sha256RecoveryCodes implements RecoveryCodes {
  generate(count: number): string[] {
    return Array.from({ length: count }, () => {
      const raw = Array.from({ length: LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
      return raw.match(/.{4}/g)!.join('-');
    });
  }

  hash(code: string): string {
    return createHash('sha256').update(normalize(code), 'utf8').digest('base64url');
  }
}
