import type { AuditLog } from '../domain/ports/audit-log';
import type { Clock } from '../domain/ports/clock';
import type { RevocationList } from '../domain/ports/revocation-list';
import type { SessionRepository } from '../domain/ports/session-repository';
import type { UserRepository } from '../domain/ports/user-repository';
import { findUserOrFail } from './find-user';

/** Disables a user and revokes every one of their sessions at once. */
export class DisableUser {
  constructor(
    private readonly users: UserRepository,
    private readonly sessions: SessionRepository,
    private readonly revocations: RevocationList,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
  ) {}

  /** Returns the ids of the sessions revoked. */
  async execute(username: string): Promise<string[]> {
    const user = await findUserOrFail(this.users, username);
    const now = this.clock.now();
    await this.users.setDisabled(user.id, true, now);
    const revoked = await this.sessions.revokeAllForUser(user.id, 'user_disabled', now);
    this.revocations.add(revoked, now);
    this.audit.record({ type: 'user_disabled', userId: user.id, username: user.username, count: revoked.length });
    return revoked;
  }
}
