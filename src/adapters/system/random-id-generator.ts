import { randomBytes } from 'node:crypto';
import type { IdGenerator } from '../../domain/ports/id-generator';

/** Ids of `bytes` random bytes (16–24, i.e. 128–192 bits), base64url without padding. */
export class RandomIdGenerator implements IdGenerator {
  constructor(private readonly bytes = 16) {
    if (!Number.isInteger(bytes) || bytes < 16 || bytes > 24) throw new Error('bytes must be an integer from 16 to 24');
  }

  next(): string {
    return randomBytes(this.bytes).toString('base64url');
  }
}
