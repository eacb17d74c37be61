import type { TokenState } from './token';

/** What the gate does with a request, before any storage check. */
export type TokenOutcome =
  | 'pass'
  | 'reissue_access'
  | 'reissue_refresh'
  | 'login_required'
  | 'invalid_token'
  | 'token_revoked';

export interface TokenCaseInput {
  access: TokenState;
  refresh: TokenState;
  /** False when the two tokens name different sessions (`sid`); ignored when either is missing. */
  sameSession: boolean;
}

type Live = 'valid' | 'expired' | 'missing';

/** SPEC §3 cases 1–4 and the header-only row, as data: TABLE[access][refresh]. */
export const TOKEN_CASE_TABLE: Readonly<Record<Live, Readonly<Record<Live, TokenOutcome>>>> = {
  expired: { expired: 'login_required', missing: 'login_required', valid: 'reissue_access' },
  missing: { expired: 'login_required', missing: 'login_required', valid: 'reissue_access' },
  valid: { expired: 'reissue_refresh', valid: 'pass', missing: 'pass' },
};

/**
 * The decision table. Precedence: an invalid token anywhere, then a revoked one, then a
 * session mismatch, then cases 1–4. Pure: storage checks happen after, on reissue outcomes.
 */
export function decideTokenCase({ access, refresh, sameSession }: TokenCaseInput): TokenOutcome {
  if (access === 'invalid' || refresh === 'invalid') return 'invalid_token';
  if (access === 'revoked' || refresh === 'revoked') return 'token_revoked';
  if (!sameSession && access !== 'missing' && refresh !== 'missing') return 'invalid_token';
  return TOKEN_CASE_TABLE[access][refresh];
}
