import type pino from 'pino';
import type { AuditLog, SecurityEvent } from '../../domain/ports/audit-log';

/** Security events as structured lines: `{ event: <type>, ...fields }` under `component: "audit"`. */
export class PinoAuditLog implements AuditLog {
  private readonly log: pino.Logger;

  constructor(logger: pino.Logger) {
    this.log = logger.child({ component: 'audit' });
  }

  record(event: SecurityEvent): void {
    const { type, ...fields } = event;
    try {
      if (type === 'reuse_detected') this.log.warn({ event: type, ...fields }, type);
      else this.log.info({ event: type, ...fields }, type);
    } catch {
      // The port promises never to throw: a failing log sink must not fail a login.
    }
  }
}
