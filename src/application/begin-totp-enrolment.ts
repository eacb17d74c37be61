import { DomainError } from '../domain/errors';
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
  ) {}

  /** Throws `invalid_request` for an unknown user. */
  async execute(username: string): Promise<TotpEnrolmentOffer> {
    const user = await this.users.findByUsername(username);
    if (!user) throw new DomainError('invalid_request', `no user named "${username}"`);
    const secret = this.totp.newSecret();
    return { userId: user.id, username: user.username, secret, uri: this.totp.uri(secret, user.username) };
  }
}
