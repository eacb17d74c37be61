import type { User } from '../domain/user';
import type { Clock } from '../domain/ports/clock';
import type { IdGenerator } from '../domain/ports/id-generator';
import type { MfaTokenSigner } from '../domain/ports/mfa-token-signer';

/** The answer to a right password of an enrolled user: the second step is pending. */
export interface MfaChallenge {
  mfaRequired: true;
  mfaToken: string;
  /** Seconds. */
  expiresIn: number;
}

/** mfaTokens live five minutes (SPEC §12). */
export const MFA_TOKEN_TTL = 300;

/** Mints the mfaToken of a pending second step. */
export class MfaChallenges {
  constructor(
    private readonly signer: MfaTokenSigner,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  issue(user: User): MfaChallenge {
    const iat = Math.floor(this.clock.now() / 1000);
    const mfaToken = this.signer.signMfa({ sub: user.id, jti: this.ids.next(), iat, exp: iat + MFA_TOKEN_TTL });
    return { mfaRequired: true, mfaToken, expiresIn: MFA_TOKEN_TTL };
  }
}
