import { passwordProblem } from '../domain/user';
import type { AuditLog } from '../domain/ports/audit-log';
import type { Clock } from '../domain/ports/clock';
import type { PasswordHasher } from '../domain/ports/password-hasher';
import type { RevocationList } from '../domain/ports/revocation-list';
import type { SessionRepository } from '../domain/ports/session-repository';
import type { UserRepository } from '../domain/ports/user-repository';
import { reject } from './errors';
import { findUserOrFail } from './find-user';

/** Sets a new password and revokes every session of the user (a credential event). */
export class ChangePassword {
  constructor(
    private readonly users: UserRepository,
    private readonly sessions: SessionRepository,
    private readonly hasher: PasswordHasher,
    private readonly revocations: RevocationList,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
  ) {}

  /** Returns the ids of the sessions revoked. */
  async execute(username: string, password: string): Promise<string[]> {
    const problem = passwordProblem(password);
    if (problem) throw reject('invalid_request', problem);
    const user = await findUserOrFail(this.users, username);
    const now = this.clock.now();
    await this.users.setPasswordHash(user.id, await this.hasher.hash(password), now);
    const revoked = await this.sessions.revokeAllForUser(user.id, 'password_changed', now);
    this.revocations.add(revoked, now);
    this.audit.record({ type: 'password_changed', userId: user.id, username: user.username, count: revoked.length });
    return revoked;
  }
}
