import type { AuditLog } from '../domain/ports/audit-log';
import type { Clock } from '../domain/ports/clock';
import type { RevocationList } from '../domain/ports/revocation-list';
import type { SessionRepository } from '../domain/ports/session-repository';
import { reject } from './errors';

/** An administrator ends one session; `not_found` when the id is unknown. */
export class RevokeSession {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly revocations: RevocationList,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
  ) {}

  /** True when the session was live and is now revoked; false when it already was. */
  async execute(sessionId: string): Promise<boolean> {
    const session = await this.sessions.findById(sessionId);
    if (!session) throw reject('not_found', `no session "${sessionId}"`);
    const now = this.clock.now();
    const revoked = await this.sessions.revoke(sessionId, 'admin', now);
    if (revoked) {
      this.revocations.add([sessionId], now);
      this.audit.record({ type: 'session_revoked', userId: session.userId, sessionId, reason: 'admin' });
    }
    return revoked;
  }
}
