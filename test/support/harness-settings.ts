import type { RotationPolicyName } from '../../src/domain/rotation-policy';
import type { LoginThrottleLimits } from '../../src/adapters/throttle/flexible-login-throttle';
import type { RequestContext } from '../../src/application/settings';

/** What a test may tune; durations in seconds, as in `Config`. */
export interface HarnessSettings {
  accessTokenTtl: number;
  refreshTokenTtl: number;
  sessionMaxLifetime: number;
  refreshReuseGrace: number;
  rotation: RotationPolicyName;
  clockSkew: number;
  /** `REVOCATION_TTL`: how often another instance polls revocations. */
  revocationTtl: number;
  loginRateLimit: LoginThrottleLimits;
}

/**
 * SPEC §7 defaults, except a one-hour refresh lifetime so that tests can reach expiry in
 * few steps while keeping ACCESS_TOKEN_TTL ≤ REFRESH_TOKEN_TTL ≤ SESSION_MAX_LIFETIME.
 */
export const DEFAULT_SETTINGS: HarnessSettings = {
  accessTokenTtl: 15 * 60,
  refreshTokenTtl: 60 * 60,
  sessionMaxLifetime: 30 * 24 * 60 * 60,
  refreshReuseGrace: 10,
  rotation: 'always',
  clockSkew: 30,
  revocationTtl: 5,
  loginRateLimit: { count: 10, windowSeconds: 15 * 60 },
};

export const DEFAULT_CONTEXT: RequestContext = {
  ip: '203.0.113.7',
  userAgent: 'Mozilla/5.0 (jest)',
  requestId: 'req-test',
};

/** The HS256 key every harness signs with (≥ 32 bytes). */
export const HARNESS_SECRET = Buffer.from('tokengate-application-tests-secret-0123456789');
