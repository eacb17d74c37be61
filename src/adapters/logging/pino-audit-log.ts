import { createHmac, randomBytes } from 'node:crypto';
import type pino from 'pino';
import type { AuditLog, SecurityEvent } from '../../domain/ports/audit-log';

export interface PinoAuditLogOptions {
  /**
   * Keys the hash that stands for a typed username naming no user. The same key on every
   * instance makes the hashes comparable across them; by default a random key per process.
   */
  usernameHashKey?: Buffer;
}

/**
 * The hash key derived from the signing key (HMAC secret or private key PEM), so that every
 * instance hashes a typed username alike without the key itself being reusable; undefined
 * when there is none (a random key per process then).
 */
export function usernameHashKeyFrom(signingKey: Buffer | string | null): Buffer | undefined {
  if (signingKey === null) return undefined;
  return createHmac('sha256', signingKey).update('tokengate audit: typed usernames').digest();
}

/** Characters of the base64url HMAC-SHA256 kept: 96 bits, enough to correlate attempts. */
const HASH_LENGTH = 16;

/** Security events as structured lines: `{ event: <type>, ...fields }` under `component: "audit"`. */
export class PinoAuditLog implements AuditLog {
  private readonly log: pino.Logger;
  private readonly key: Buffer;

  constructor(logger: pino.Logger, options: PinoAuditLogOptions = {}) {
    this.log = logger.child({ component: 'audit' });
    this.key = options.usernameHashKey ?? randomBytes(32);
  }

  record(event: SecurityEvent): void {
    const { type, typedUsername, ...fields } = event;
    try {
      const line = typedUsername === undefined ? { event: type, ...fields } : { event: type, ...fields, usernameHash: this.hash(typedUsername) };
      if (type === 'reuse_detected') this.log.warn(line, type);
      else this.log.info(line, type);
    } catch {
      // The port promises never to throw: a failing log sink must not fail a login.
    }
  }

  private hash(value: string): string {
    return createHmac('sha256', this.key).update(value, 'utf8').digest('base64url').slice(0, HASH_LENGTH);
  }
}
