import type { AccessClaims, RefreshClaims } from '../domain/token';
import { hasTokenShape } from '../domain/token';
import type { AuditLog } from '../domain/ports/audit-log';
import type { Clock } from '../domain/ports/clock';
import type { RevocationList } from '../domain/ports/revocation-list';
import type { SessionRepository } from '../domain/ports/session-repository';
import type { TokenSigner } from '../domain/ports/token-signer';
import type { PresentedTokens } from './authenticate-request';
import type { RequestContext } from './settings';

export const LOGOUT_SCOPES = ['local', 'others', 'global'] as const;
export type LogoutScope = (typeof LOGOUT_SCOPES)[number];

/**
 * Ends the session named by the refresh or access token (signature valid, expiry aside):
 * `local` that one, `others` the user's other sessions, `global` all of them.
 * A missing, invalid or already revoked token revokes nothing and is not an error.
 */
export class Logout {
  constructor(
    private readonly signer: TokenSigner,
    private readonly sessions: SessionRepository,
    private readonly revocations: RevocationList,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
  ) {}

  /** Returns the ids of the sessions revoked. */
  async execute(tokens: PresentedTokens, scope: LogoutScope, ctx: RequestContext): Promise<string[]> {
    const claims = this.claimsOf(tokens);
    if (!claims) return [];
    const session = await this.sessions.findById(claims.sid);
    if (!session || session.revokedAt !== null || session.userId !== claims.sub) return [];
    const now = this.clock.now();
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

  private claimsOf(tokens: PresentedTokens): RefreshClaims | AccessClaims | null {
    if (tokens.refreshToken && hasTokenShape(tokens.refreshToken)) {
      const r = this.signer.verifyRefresh(tokens.refreshToken);
      if (r.state !== 'invalid') return r.claims;
    }
    if (tokens.accessToken && hasTokenShape(tokens.accessToken)) {
      const a = this.signer.verifyAccess(tokens.accessToken);
      if (a.state !== 'invalid') return a.claims;
    }
    return null;
  }
}
