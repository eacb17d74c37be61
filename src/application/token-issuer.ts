import { accessTokenTimes, refreshTokenTimes, type Session } from '../domain/session';
import type { User } from '../domain/user';
import { AMR_PASSWORD } from '../domain/second-factor';
import type { IdGenerator } from '../domain/ports/id-generator';
import type { TokenSigner } from '../domain/ports/token-signer';
import type { SessionSettings } from './settings';

/** A minted token and how many seconds it lives from now. */
export interface IssuedToken {
  token: string;
  expiresIn: number;
  /** `exp` claim, seconds since the epoch. */
  exp: number;
}

/** Mints the tokens of a session; the single place their claims are assembled. */
export class TokenIssuer {
  constructor(
    private readonly signer: TokenSigner,
    private readonly ids: IdGenerator,
    private readonly settings: SessionSettings,
  ) {}

  /** A fresh access token for `user` in `session`, minted at `now` (ms). */
  access(session: Session, user: User, now: number): IssuedToken {
    const { iat, exp } = accessTokenTimes(session, now, this.settings.accessTokenTtl);
    const token = this.signer.signAccess({
      sub: user.id,
      sid: session.id,
      jti: this.ids.next(),
      iat,
      exp,
      roles: [...user.roles],
      username: user.username,
      amr: [...(session.amr ?? AMR_PASSWORD)],
    });
    return { token, exp, expiresIn: Math.max(0, exp - Math.floor(now / 1000)) };
  }

  /** The refresh token with `jti` issued at `issuedAt` (ms): same inputs, same token. */
  refresh(session: Session, jti: string, issuedAt: number, now: number): IssuedToken {
    const { iat, exp } = refreshTokenTimes(session, issuedAt, this.settings.refreshTokenTtl);
    const token = this.signer.signRefresh({ sub: session.userId, sid: session.id, jti, iat, exp });
    return { token, exp, expiresIn: Math.max(0, exp - Math.floor(now / 1000)) };
  }

  /** The session's current refresh token, re-minted (grace-window convergence). */
  currentRefresh(session: Session, now: number): IssuedToken {
    return this.refresh(session, session.currentJti, session.currentIssuedAt, now);
  }

  newTokenId(): string {
    return this.ids.next();
  }
}
