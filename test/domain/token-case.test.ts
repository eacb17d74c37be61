import { decideTokenCase, TOKEN_CASE_TABLE, type TokenOutcome } from '../../src/domain/token-case';
import type { TokenState } from '../../src/domain/token';

type Row = [access: TokenState, refresh: TokenState, sameSession: boolean, expected: TokenOutcome];

/**
 * SPEC §3, written out row by row (5 × 5 × 2 = 50). Precedence where two rows apply:
 * invalid beats everything (a revoked state needs a good signature), revoked beats a sid
 * mismatch. `sameSession: false` can only be true of two tokens that both carry claims; a
 * missing token names no session, so for it the flag is meaningless and the row's outcome
 * must not change (the header-only row is `pass` however the caller fills the flag).
 */
const ROWS: Row[] = [
  // case 1: expired or missing × expired or missing → login_required
  ['expired', 'expired', true, 'login_required'],
  ['expired', 'missing', true, 'login_required'],
  ['missing', 'expired', true, 'login_required'],
  ['missing', 'missing', true, 'login_required'],
  // two expired tokens naming different sessions: a session mismatch (§4 invalid_token)
  ['expired', 'expired', false, 'invalid_token'],
  ['expired', 'missing', false, 'login_required'],
  ['missing', 'expired', false, 'login_required'],
  ['missing', 'missing', false, 'login_required'],
  // case 2: expired or missing × valid → reissue the access token
  ['expired', 'valid', true, 'reissue_access'],
  ['missing', 'valid', true, 'reissue_access'],
  ['expired', 'valid', false, 'invalid_token'], // §3 rule: access sid must equal refresh sid
  ['missing', 'valid', false, 'reissue_access'],
  // case 3: valid × expired → reissue the refresh token
  ['valid', 'expired', true, 'reissue_refresh'],
  ['valid', 'expired', false, 'invalid_token'], // §3 rule: refresh sid must equal access sid
  // case 4: valid × valid → pass
  ['valid', 'valid', true, 'pass'],
  ['valid', 'valid', false, 'invalid_token'], // the sid-mismatch row
  // header-only API clients: valid × missing → pass
  ['valid', 'missing', true, 'pass'],
  ['valid', 'missing', false, 'pass'],
  // invalid access (any refresh) → invalid_token
  ['invalid', 'valid', true, 'invalid_token'],
  ['invalid', 'expired', true, 'invalid_token'],
  ['invalid', 'missing', true, 'invalid_token'],
  ['invalid', 'invalid', true, 'invalid_token'],
  ['invalid', 'revoked', true, 'invalid_token'],
  ['invalid', 'valid', false, 'invalid_token'],
  ['invalid', 'expired', false, 'invalid_token'],
  ['invalid', 'missing', false, 'invalid_token'],
  ['invalid', 'invalid', false, 'invalid_token'],
  ['invalid', 'revoked', false, 'invalid_token'],
  // any access, invalid refresh → invalid_token
  ['valid', 'invalid', true, 'invalid_token'],
  ['expired', 'invalid', true, 'invalid_token'],
  ['missing', 'invalid', true, 'invalid_token'],
  ['revoked', 'invalid', true, 'invalid_token'],
  ['valid', 'invalid', false, 'invalid_token'],
  ['expired', 'invalid', false, 'invalid_token'],
  ['missing', 'invalid', false, 'invalid_token'],
  ['revoked', 'invalid', false, 'invalid_token'],
  // revoked access (any refresh but invalid) → token_revoked
  ['revoked', 'valid', true, 'token_revoked'],
  ['revoked', 'expired', true, 'token_revoked'],
  ['revoked', 'missing', true, 'token_revoked'],
  ['revoked', 'revoked', true, 'token_revoked'],
  ['revoked', 'valid', false, 'token_revoked'],
  ['revoked', 'expired', false, 'token_revoked'],
  ['revoked', 'missing', false, 'token_revoked'],
  ['revoked', 'revoked', false, 'token_revoked'],
  // any access (but invalid), revoked refresh → token_revoked
  ['valid', 'revoked', true, 'token_revoked'],
  ['expired', 'revoked', true, 'token_revoked'],
  ['missing', 'revoked', true, 'token_revoked'],
  ['valid', 'revoked', false, 'token_revoked'],
  ['expired', 'revoked', false, 'token_revoked'],
  ['missing', 'revoked', false, 'token_revoked'],
];

const STATES: TokenState[] = ['valid', 'expired', 'missing', 'invalid', 'revoked'];

describe('decideTokenCase (SPEC §3)', () => {
  it('has exactly one row for every access × refresh × sameSession combination', () => {
    const keys = ROWS.map(([a, r, s]) => `${a}/${r}/${s}`);
    expect(new Set(keys).size).toBe(keys.length);
    const all = STATES.flatMap((a) => STATES.flatMap((r) => [true, false].map((s) => `${a}/${r}/${s}`)));
    expect([...keys].sort()).toEqual([...all].sort());
  });

  it.each(ROWS)('access %s, refresh %s, sameSession %s → %s', (access, refresh, sameSession, expected) => {
    expect(decideTokenCase({ access, refresh, sameSession })).toBe(expected);
  });
});

describe('TOKEN_CASE_TABLE', () => {
  const live = ['valid', 'expired', 'missing'] as const;

  it('covers all 9 live combinations', () => {
    const cells = live.flatMap((a) => live.map((r) => TOKEN_CASE_TABLE[a]?.[r]));
    expect(cells).toHaveLength(9);
    cells.forEach((cell) => expect(cell).toBeDefined());
    expect(Object.keys(TOKEN_CASE_TABLE).sort()).toEqual([...live].sort());
    live.forEach((a) => expect(Object.keys(TOKEN_CASE_TABLE[a]).sort()).toEqual([...live].sort()));
  });

  it('agrees with the same-session rows of the spec', () => {
    const sameSessionLive = ROWS.filter(
      ([a, r, s]) => s && (live as readonly string[]).includes(a) && (live as readonly string[]).includes(r),
    );
    expect(sameSessionLive).toHaveLength(9);
    for (const [a, r, , expected] of sameSessionLive) {
      expect({ a, r, outcome: TOKEN_CASE_TABLE[a as (typeof live)[number]][r as (typeof live)[number]] }).toEqual({
        a,
        r,
        outcome: expected,
      });
    }
  });
});
