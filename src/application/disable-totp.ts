import { DomainError } from '../domain/errors';
import type { AuditLog } from '../domain/ports/audit-log';
import type { SecondFactorRepository } from '../domain/ports/second-factor-repository';
import type { UserRepository } from '../domain/ports/user-repository';

/** `tokengate user totp <name> --disable`: the user logs in with the password alone again. */
export class DisableTotp {
  constructor(
    private readonly users: UserRepository,
    private readonly factors: SecondFactorRepository,
    private readonly audit: AuditLog,
  ) {}

  /** False when the user had no second factor; throws `invalid_request` for an unknown user. */
  async execute(username: string): Promise<boolean> {
    const user = await this.users.findByUsername(username);
    if (!user) throw new DomainError('invalid_request', `no user named "${username}"`);
    const removed = await this.factors.remove(user.id);
    if (removed) this.audit.record({ type: 'totp_disabled', userId: user.id, username: user.username });
    return removed;
  }
}
