import type { RotationPolicyName } from './domain/rotation-policy';

export type JwtAlgorithm = 'HS256' | 'RS256' | 'ES256';

/** Every setting of SPEC §7, parsed and validated. Durations are in seconds. */
export interface Config {
  nodeEnv: string;
  production: boolean;
  port: number;
  host: string;
  databaseUrl: string;
  /** Where generated files live (the signing secret, the default SQLite file): `./data`. */
  dataDir: string;
  jwt: {
    algorithm: JwtAlgorithm;
    /** HMAC key bytes (HS256), at least 32 bytes. */
    secret: Buffer | null;
    /** PEM text (RS256/ES256). */
    privateKeyPem: string | null;
    publicKeyPem: string | null;
    issuer: string;
    audience: string;
  };
  accessTokenTtl: number;
  refreshTokenTtl: number;
  sessionMaxLifetime: number;
  refreshRotation: RotationPolicyName;
  refreshReuseGrace: number;
  clockSkew: number;
  revocationTtl: number;
  upstreamUrl: string | null;
  routesFile: string | null;
  upstreamTimeout: number;
  forwardTokens: boolean;
  authPrefix: string;
  cookie: {
    secure: boolean;
    sameSite: 'lax' | 'strict' | 'none';
    domain: string | null;
    accessName: string;
    refreshName: string;
  };
  corsOrigins: string[];
  /** Bytes. */
  bodyLimit: number;
  loginRateLimit: { count: number; windowSeconds: number };
  /** Number of trusted proxies in front (0 = ignore X-Forwarded-For). */
  trustProxy: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Worker processes; `auto` resolved to the core count. */
  workers: number;
}
