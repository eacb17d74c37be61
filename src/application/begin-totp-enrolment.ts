import { DomainError } from '../domain/errors';
import type { SecondFactorRepository } from '../domain/ports/second-factor-repository';
import type { Totp } from '../domain/ports/totp';
import type { UserRepository } from '../domain/ports/user-repository';

export interface TotpEnrolmentOffer {
  userId: string;
  username: string;
  /** Base32, for manual entry; nothing is stored before the confirmation. */
  secret: string;
  /** `otpauth://totp/...`, for the QR code. */
  uri: string;
}

/** First half of an enrolment (SPEC §12): a fresh secret to show; {@link ConfirmTotpEnrolment} stores it. */
export class BeginTotpEnrolment {
  constructor(
    private readonly users: UserRepository,
    private readonly totp: Totp,
    private readonly factors: SecondFactorRepository,
  ) {}

  /**
   * Throws `invalid_request` for an unknown user. Null when the user has a second factor and
   * `replace` is false (self-service never replaces one; the admin CLI does).
   */
  async execute(username: string, replace = true): Promise<TotpEnrolmentOffer | null> {
    const user = await this.users.findByUsername(username);
    if (!user) throw new DomainError('invalid_request', `no user named "${username}"`);
    if (!replace && (await this.factors.find(user.id)) !== null) return null;
    const secret = this.totp.newSecret();
    return { userId: user.id, username: user.username, secret, uri: this.totp.uri(secret, user.username) };
  }
}
