import type { GateResult } from '../../src/application/authenticate-request';
import type { ErrorCode } from '../../src/domain/errors';
import type { RotationPolicyName } from '../../src/domain/rotation-policy';
import type { Presented } from '../support/gate-arrange';

export type PassOutcome = GateResult['outcome'];
type Kind = 'access' | 'refresh';

/** SPEC §3 rows that let the request through: [access, refresh, outcome]. */
export const GATE_PASSES: [Presented, Presented, PassOutcome][] = [
  ['valid', 'valid', 'pass'], // case 4
  ['valid', 'missing', 'pass'], // header-only API clients
  ['valid', 'expired', 'reissue_refresh'], // case 3
  ['expired', 'valid', 'reissue_access'], // case 2
  ['missing', 'valid', 'reissue_access'], // case 2
];

/** SPEC §3 rows that reject: [access, refresh, code]. */
export const GATE_REJECTIONS: [Presented, Presented, ErrorCode][] = [
  ['expired', 'expired', 'login_required'], // case 1
  ['expired', 'missing', 'login_required'],
  ['missing', 'expired', 'login_required'],
  ['missing', 'missing', 'login_required'],
  ['invalid', 'valid', 'invalid_token'], // invalid access, any refresh
  ['invalid', 'expired', 'invalid_token'],
  ['invalid', 'missing', 'invalid_token'],
  ['invalid', 'invalid', 'invalid_token'],
  ['valid', 'invalid', 'invalid_token'], // any access, invalid refresh
  ['expired', 'invalid', 'invalid_token'],
  ['missing', 'invalid', 'invalid_token'],
];

/** What each policy reissues per outcome (SPEC §3 rotation policy). */
export const REISSUED: Record<RotationPolicyName, Record<PassOutcome, Kind[]>> = {
  always: { pass: [], reissue_access: ['access', 'refresh'], reissue_refresh: ['refresh'] },
  'on-expiry': { pass: [], reissue_access: ['access'], reissue_refresh: ['refresh'] },
};

export const ROTATIONS: RotationPolicyName[] = ['always', 'on-expiry'];

/** The passing rows whose refresh token the policy replaces (so the presented one is spent). */
export const rotatingRows = (rotation: RotationPolicyName): [Presented, Presented, PassOutcome][] =>
  GATE_PASSES.filter(([, , outcome]) => REISSUED[rotation][outcome].includes('refresh'));
