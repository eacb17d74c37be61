import * as argon2 from 'argon2';
import type { PasswordHasher } from '../../domain/ports/password-hasher';
import { Semaphore } from '../system/semaphore';

/** OWASP Password Storage Cheat Sheet, argon2id minimum: 19 MiB, 2 iterations, 1 lane. */
export const OWASP_ARGON2ID = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/**
 * Libuv runs 4 threads by default; more concurrent hashes would only queue there while
 * holding 19 MiB each and starving other pool users (fs, dns), so they queue here instead.
 */
const DEFAULT_CONCURRENCY = 4;

export class Argon2PasswordHasher implements PasswordHasher {
  private readonly slots: Semaphore;

  constructor(options: { concurrency?: number } = {}) {
    this.slots = new Semaphore(options.concurrency ?? DEFAULT_CONCURRENCY);
  }

  hash(password: string): Promise<string> {
    return this.slots.run(() => argon2.hash(password, OWASP_ARGON2ID));
  }

  async verify(hash: string, password: string, signal?: AbortSignal): Promise<boolean> {
    if (typeof hash !== 'string' || !hash.startsWith('$argon2')) return false;
    try {
      return await this.slots.run(() => argon2.verify(hash, password), signal);
    } catch (err) {
      if (signal?.aborted && err === signal.reason) throw err;
      return false;
    }
  }
}
