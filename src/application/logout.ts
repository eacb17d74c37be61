import type { AccessClaims, RefreshClaims, TokenCheck } from '../domain/token';
import { classifyRefreshUse, type Session } from '../domain/session';
import type { AuditLog } from '../domain/ports/audit-log';
import type { Clock } from '../domain/ports/clock';
import type { RevocationList } from '../domain/ports/revocation-list';
import type { SessionRepository } from '../domain/ports/session-repository';
import type { TokenSigner } from '../domain/ports/token-signer';
import type { PresentedTokens } from './authenticate-request';
import { reject } from './errors';
import type { RequestContext, SessionSettings } from './settings';

export const LOGOUT_SCOPES = ['local', 'others', 'global'] as const;
export type LogoutScope = (typeof LOGOUT_SCOPES)[number];

type Verified<C> = { claims: C; valid: boolean } | null;

/**
 * Ends the session named by the refresh or access token (signature valid, expiry aside):
 * `local` that one, `others` the user's other sessions, `global` all of them.
 * A missing, invalid or already revoked token revokes nothing and is not an error.
 * `others` and `global` need a token that would pass the gate (a current access token, or the
 * session's current refresh token or one within grace), else `login_required`: a stale token
 * (expired, or spent by rotation) may end its own session only.
 */
export class Logout {
  constructor(
    private readonly signer: TokenSigner,
    private readonly sessions: SessionRepository,
    private readonly revocations: RevocationList,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly settings: Pick<SessionSettings, 'refreshReuseGrace'>,
  ) {}

  /** Returns the ids of the sessions revoked. */
  async execute(tokens: PresentedTokens, scope: LogoutScope, ctx: RequestContext): Promise<string[]> {
    const refresh = this.verified(tokens.refreshToken, (t) => this.signer.verifyRefresh(t));
    const access = this.verified(tokens.accessToken, (t) => this.signer.verifyAccess(t));
    const claims = refresh?.claims ?? access?.claims;
    if (!claims) return [];
    const session = await this.sessions.findById(claims.sid);
    if (!session || session.revokedAt !== null || session.userId !== claims.sub) return [];
    const now = this.clock.now();
    if (scope !== 'local' && !this.passesGate(session, access, refresh, now)) {
      throw reject('login_required', `logout scope ${scope} needs a current token: log in again`);
    }
    let revoked: string[];
    if (scope === 'local') {
      revoked = (await this.sessions.revoke(session.id, 'logout', now)) ? [session.id] : [];
    } else if (scope === 'others') {
      revoked = await this.sessions.revokeAllForUser(session.userId, 'logout_others', now, session.id);
    } else {
      revoked = await this.sessions.revokeAllForUser(session.userId, 'logout_global', now);
    }
    this.revocations.add(revoked, now);
    this.audit.record({
      type: 'logout',
      userId: session.userId,
      sessionId: session.id,
      reason: scope,
      count: revoked.length,
      ip: ctx.ip,
      requestId: ctx.requestId,
    });
    return revoked;
  }

  /** Whether a presented token would let this session through the gate now. */
  private passesGate(session: Session, access: Verified<AccessClaims>, refresh: Verified<RefreshClaims>, now: number): boolean {
    const ours = (c: { sid: string; sub: string }) => c.sid === session.id && c.sub === session.userId;
    if (access?.valid && ours(access.claims)) return true;
    if (!refresh?.valid || !ours(refresh.claims)) return false;
    const use = classifyRefreshUse(session, refresh.claims.jti, now, this.settings.refreshReuseGrace * 1000);
    return use === 'current' || use === 'grace';
  }

  private verified<C>(token: string | null, verify: (t: string) => TokenCheck<C>): Verified<C> {
    if (!token) return null;
    const r = verify(token);
    return r.state === 'invalid' ? null : { claims: r.claims, valid: r.state === 'valid' };
  }
}
