import type { RotationPolicy } from '../domain/rotation-policy';

/** The lifetimes and policies the use-cases apply. Durations in seconds. */
export interface SessionSettings {
  accessTokenTtl: number;
  refreshTokenTtl: number;
  sessionMaxLifetime: number;
  refreshReuseGrace: number;
  rotation: RotationPolicy;
}

/** Who is calling, for audit lines and session records. */
export interface RequestContext {
  ip: string | null;
  userAgent: string | null;
  requestId: string;
  /** Aborts when the client has gone before its answer: work not yet begun for it (a queued password hash) is skipped. */
  signal?: AbortSignal;
}
