import type { ErrorCode } from '../errors';

/** What the gate decided for one request: a pass or reissue, or the rejection's code. */
export type GateOutcome = 'pass' | 'reissue_access' | 'reissue_refresh' | ErrorCode;

/** Counters the use-cases feed. Fire and forget: synchronous, never throws. */
export interface Metrics {
  gateOutcome(outcome: GateOutcome, graceHit: boolean): void;
  loginResult(result: 'success' | 'failure' | 'throttled'): void;
}

/** For compositions that keep no metrics. */
export const NO_METRICS: Metrics = { gateOutcome: () => {}, loginResult: () => {} };
