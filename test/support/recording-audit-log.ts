import type { AuditLog, SecurityEvent, SecurityEventType } from '../../src/domain/ports/audit-log';

/** An {@link AuditLog} that keeps every event, in order, for assertions. */
export class RecordingAuditLog implements AuditLog {
  readonly events: SecurityEvent[] = [];

  record(event: SecurityEvent): void {
    this.events.push({ ...event });
  }

  ofType(type: SecurityEventType): SecurityEvent[] {
    return this.events.filter((e) => e.type === type);
  }
}
