import type { RevokeReason, Session } from '../../domain/session';
import { decodeSpentTokens, encodeSpentTokens } from './spent-tokens-text';

/** A `sessions` row. BIGINT columns may come back as strings from some drivers. */
export interface SessionRow {
  id: string;
  user_id: string;
  current_jti: string;
  current_issued_at: number | string;
  previous_jti: string | null;
  rotated_at: number | string | null;
  /** JSON text; absent on rows read before migration 003 ran. */
  earlier_spent?: string | null;
  created_at: number | string;
  last_used_at: number | string;
  expires_at: number | string;
  revoked_at: number | string | null;
  revoke_reason: string | null;
  user_agent: string | null;
  ip: string | null;
  /** JSON array; null (or absent before migration 006) means `["pwd"]`. */
  amr?: string | null;
}

const optionalNumber = (value: number | string | null): number | null =>
  value === null ? null : Number(value);

export function toSessionRow(s: Session): SessionRow {
  return {
    id: s.id,
    user_id: s.userId,
    current_jti: s.currentJti,
    current_issued_at: s.currentIssuedAt,
    previous_jti: s.previousJti,
    rotated_at: s.rotatedAt,
    earlier_spent: encodeSpentTokens(s.earlierSpent),
    created_at: s.createdAt,
    last_used_at: s.lastUsedAt,
    expires_at: s.expiresAt,
    revoked_at: s.revokedAt,
    revoke_reason: s.revokeReason,
    user_agent: s.userAgent,
    ip: s.ip,
    // Written only when known, so a row stays writable to a schema from before migration 006.
    ...(s.amr ? { amr: JSON.stringify(s.amr) } : {}),
  };
}

export function fromSessionRow(r: SessionRow): Session {
  return {
    id: r.id,
    userId: r.user_id,
    currentJti: r.current_jti,
    currentIssuedAt: Number(r.current_issued_at),
    previousJti: r.previous_jti,
    rotatedAt: optionalNumber(r.rotated_at),
    earlierSpent: decodeSpentTokens(r.earlier_spent),
    createdAt: Number(r.created_at),
    lastUsedAt: Number(r.last_used_at),
    expiresAt: Number(r.expires_at),
    revokedAt: optionalNumber(r.revoked_at),
    revokeReason: r.revoke_reason as RevokeReason | null,
    userAgent: r.user_agent,
    ip: r.ip,
    ...(r.amr ? { amr: JSON.parse(r.amr) as string[] } : {}),
  };
}
