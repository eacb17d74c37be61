import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import dotenv from 'dotenv';
import { ROTATION_POLICIES, type RotationPolicyName } from './domain/rotation-policy';
import { roleProblem } from './domain/user';
import { readJwtSettings } from './adapters/security/jwt-settings';
import type { JwtAlgorithm, JwtSettings } from './adapters/security/jwt-algorithm';
import { SettingReader } from './adapters/system/setting-reader';
import { parseRedisUrl } from './adapters/storage/redis-url';
import { isPerProcessStore } from './adapters/storage/database-url';
import { parseDatabaseUrl, parseHttpUrl, parseListenHost, parseOrigins, parseReadableFile } from './adapters/system/location-parsers';
import {
  parseBoolean,
  parseByteSize,
  parseChoice,
  parseDuration,
  parseTimerDuration,
  parseHeaderNames,
  parseInteger,
  parsePattern,
  parseRate,
  parseTrustProxy,
} from './adapters/system/setting-parsers';

export type { JwtAlgorithm };

/** SPEC §5: identity and rewrite headers of other proxies and frameworks, removed from client requests. */
export const DEFAULT_STRIP_HEADERS: readonly string[] = [
  'X-Forwarded-User', 'X-Auth-Request-User', 'X-Auth-Request-Email', 'X-Remote-User', 'Remote-User',
  'Remote-Groups', 'X-Original-URL', 'X-Rewrite-URL', 'X-HTTP-Method-Override', 'X-HTTP-Method', 'X-Method-Override',
];

/** Every setting of SPEC §7, parsed and validated. Durations are in seconds. */
export interface Config {
  nodeEnv: string;
  production: boolean;
  port: number;
  host: string;
  databaseUrl: string;
  /** Redis URL holding sessions instead of `databaseUrl` (users stay in SQL); null when unset. */
  sessionStoreUrl: string | null;
  /** Where generated files live (the signing secret, the default SQLite file): `./data`. */
  dataDir: string;
  jwt: JwtSettings;
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
  /** `STRIP_HEADERS`: client headers removed before proxying (SPEC §5), as written. */
  stripHeaders: string[];
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
  /** `LOG_FORMAT`: `auto` pretty-prints on a terminal outside production, JSON otherwise. */
  logFormat: 'auto' | 'json' | 'pretty';
  /** Worker processes; `auto` resolved to the core count. */
  workers: number;
  /** Most verified access tokens remembered per process (`TOKEN_CACHE_SIZE`); 0 turns the cache off. */
  tokenCacheSize: number;
  /** Most MySQL connections per process (`DATABASE_POOL_MAX`). */
  databasePoolMax: number;
  /** Seconds in-flight requests get to finish after SIGTERM/SIGINT. */
  shutdownTimeout: number;
  /** Seconds revoked sessions are kept for audit before the purge deletes them (`SESSION_RETENTION`). */
  sessionRetention: number;
  /** Seconds between background purges of stale sessions (`SESSION_PURGE_INTERVAL`). */
  sessionPurgeInterval: number;
  /** `METRICS_PORT`/`METRICS_HOST`: where `/metrics` is served instead of the public port; null keeps it there. */
  metrics: { port: number; host: string } | null;
  /** `TOTP_ENCRYPTION_KEY`: 32 bytes sealing TOTP secrets (SPEC §12); null when unset. */
  totpEncryptionKey: Buffer | null;
  /** `MFA_REQUIRED_ROLES`: users with any of these roles pass no route without a second factor (SPEC §12). */
  mfaRequiredRoles: string[];
}

/** A setting is missing or malformed: one line per failure, each naming its variable. */
export class ConfigError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(issues.join('\n'));
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS: readonly Config['logLevel'][] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const LOG_FORMATS: readonly Config['logFormat'][] = ['auto', 'json', 'pretty'];
const SAME_SITE: readonly Config['cookie']['sameSite'][] = ['lax', 'strict', 'none'];
const AUTH_PREFIX = /^(\/[A-Za-z0-9._~-]+)+$/;
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const COOKIE_DOMAIN = /^\.?([A-Za-z0-9-]+\.)*[A-Za-z0-9-]+$/;

/**
 * Parses and validates every setting of SPEC §7 from `env`; throws {@link ConfigError}
 * listing every bad setting. Empty values count as unset. One extra setting, `DATA_DIR`
 * (default `./data`), says where generated files live: outside production a missing
 * `JWT_SECRET` is generated once and kept in `<dataDir>/jwt-secret`, and the default
 * SQLite file is `<DATA_DIR>/tokengate.db`. Relative paths resolve against `options.cwd`.
 */
export function loadConfig(env: Record<string, string | undefined>, options: { cwd?: string } = {}): Config {
  const cwd = options.cwd ?? process.cwd();
  const s = new SettingReader(env);
  const nodeEnv = s.raw('NODE_ENV') ?? 'development';
  const production = nodeEnv === 'production';
  const dataDirRaw = s.raw('DATA_DIR');
  const dataDir = resolve(cwd, dataDirRaw ?? 'data');
  const lifetimes = readLifetimes(s);
  const cookie = readCookie(s, production);
  const upstreamUrl = s.optional('UPSTREAM_URL', parseHttpUrl);
  const routesFile = s.optional('ROUTES_FILE', (r) => parseReadableFile(resolve(cwd, r)));
  if (production && !s.raw('UPSTREAM_URL') && !s.raw('ROUTES_FILE')) {
    s.fail('UPSTREAM_URL', 'required in production unless ROUTES_FILE is set');
  }
  const config: Config = {
    nodeEnv,
    production,
    port: s.get('PORT', 8080, (r) => parseInteger(r, 0, 65535)),
    host: s.get('HOST', '0.0.0.0', parseListenHost),
    databaseUrl: s.get('DATABASE_URL', defaultDatabaseUrl(dataDirRaw), parseDatabaseUrl),
    sessionStoreUrl: s.optional('SESSION_STORE_URL', (r) => (parseRedisUrl(r), r)),
    dataDir,
    jwt: readJwtSettings(s, { production, dataDir, cwd }),
    ...lifetimes,
    refreshRotation: s.get('REFRESH_ROTATION', 'always' as RotationPolicyName, (r) => parseChoice(r, ROTATION_POLICIES)),
    refreshReuseGrace: s.get('REFRESH_REUSE_GRACE', 10, parseDuration),
    clockSkew: s.get('CLOCK_SKEW', 30, parseDuration),
    revocationTtl: s.get('REVOCATION_TTL', 5, (r) => parseTimerDuration(r)),
    upstreamUrl,
    routesFile,
    upstreamTimeout: s.get('UPSTREAM_TIMEOUT', 30, (r) => parseTimerDuration(r, { min: 1 })),
    forwardTokens: s.get('FORWARD_TOKENS', false, parseBoolean),
    stripHeaders: s.get('STRIP_HEADERS', [...DEFAULT_STRIP_HEADERS], (r) => parseHeaderNames(r, DEFAULT_STRIP_HEADERS)),
    authPrefix: s.get('AUTH_PREFIX', '/auth', parseAuthPrefix),
    cookie,
    corsOrigins: s.get('CORS_ORIGINS', [], parseOrigins),
    bodyLimit: s.get('BODY_LIMIT', 16 * 1024, parseByteSize),
    loginRateLimit: s.get('LOGIN_RATE_LIMIT', { count: 10, windowSeconds: 900 }, parseRate),
    trustProxy: s.get('TRUST_PROXY', 0, parseTrustProxy),
    logLevel: s.get('LOG_LEVEL', 'info', (r) => parseChoice(r, LOG_LEVELS)),
    logFormat: s.get('LOG_FORMAT', 'auto', (r) => parseChoice(r, LOG_FORMATS)),
    workers: s.get('WORKERS', 1, (r) => (r.toLowerCase() === 'auto' ? availableParallelism() : parseInteger(r, 1, 1024))),
    tokenCacheSize: s.get('TOKEN_CACHE_SIZE', 10_000, (r) => parseInteger(r, 0, 1_000_000)),
    databasePoolMax: 0, // set below: its default depends on WORKERS
    shutdownTimeout: s.get('SHUTDOWN_TIMEOUT', 10, (r) => parseTimerDuration(r)),
    sessionRetention: s.get('SESSION_RETENTION', 7 * 86400, parseDuration),
    sessionPurgeInterval: s.get('SESSION_PURGE_INTERVAL', 3600, (r) => parseTimerDuration(r, { min: 1 })),
    metrics: readMetricsListener(s),
    totpEncryptionKey: s.optional('TOTP_ENCRYPTION_KEY', parseEncryptionKey),
    mfaRequiredRoles: s.get('MFA_REQUIRED_ROLES', [], parseRoleList),
  };
  // Every worker has its own pool: by default they stay under 120 connections together, below
  // MariaDB's and MySQL's default max_connections (151), with 25 at most per process.
  config.databasePoolMax = s.get('DATABASE_POOL_MAX', Math.max(2, Math.min(25, Math.floor(120 / config.workers))), (r) => parseInteger(r, 1, 1000));
  if (config.workers > 1 && isPerProcessStore(config.databaseUrl)) {
    s.fail('WORKERS', `must be 1 with DATABASE_URL=${config.databaseUrl}: a per-process store would give each worker its own users, sessions and revocations (use sqlite:<file> or mysql://)`);
  }
  if (s.issues.length > 0) throw new ConfigError(s.issues);
  return config;
}

/** Reads `.env` from the working directory (real environment variables win), then {@link loadConfig}. */
export function loadConfigFromProcess(): Config {
  dotenv.config({ path: resolve(process.cwd(), '.env'), quiet: true });
  return loadConfig(process.env);
}

/** Comma-separated roles, each as `user add --roles` accepts them. */
function parseRoleList(raw: string): string[] {
  const roles = raw.split(',').map((r) => r.trim()).filter(Boolean);
  const problem = roles.map(roleProblem).find((p) => p !== null);
  if (problem) throw new Error(problem);
  return roles;
}

/** 32 bytes as 64 hex digits or as base64 (`openssl rand -base64 32`). */
function parseEncryptionKey(raw: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (key.length !== 32 || (!/^[0-9a-fA-F]{64}$/.test(raw) && key.toString('base64').replace(/=+$/, '') !== raw.replace(/=+$/, ''))) {
    throw new Error('must be 32 bytes, as 64 hex digits or base64 (openssl rand -base64 32)');
  }
  return key;
}

function readLifetimes(s: SettingReader) {
  const before = s.issues.length;
  const positive = (r: string) => parseDuration(r, { min: 1 });
  const accessTokenTtl = s.get('ACCESS_TOKEN_TTL', 900, positive);
  const refreshTokenTtl = s.get('REFRESH_TOKEN_TTL', 14 * 86400, positive);
  const sessionMaxLifetime = s.get('SESSION_MAX_LIFETIME', 30 * 86400, positive);
  if (s.issues.length === before) {
    if (accessTokenTtl > refreshTokenTtl) {
      s.fail('ACCESS_TOKEN_TTL', `must not exceed REFRESH_TOKEN_TTL (${accessTokenTtl}s > ${refreshTokenTtl}s)`);
    }
    if (refreshTokenTtl > sessionMaxLifetime) {
      s.fail('REFRESH_TOKEN_TTL', `must not exceed SESSION_MAX_LIFETIME (${refreshTokenTtl}s > ${sessionMaxLifetime}s)`);
    }
  }
  return { accessTokenTtl, refreshTokenTtl, sessionMaxLifetime };
}

function readCookie(s: SettingReader, production: boolean): Config['cookie'] {
  const secure = s.get('COOKIE_SECURE', production, parseBoolean);
  const sameSite = s.get('COOKIE_SAMESITE', 'lax', (r) => parseChoice(r, SAME_SITE));
  if (sameSite === 'none' && !secure) {
    s.fail('COOKIE_SAMESITE', 'none requires secure cookies (set COOKIE_SECURE=true); browsers drop SameSite=None cookies without Secure');
  }
  const name = (r: string) => parsePattern(r, COOKIE_NAME, 'a cookie name (letters, digits and !#$%&\'*+-.^_`|~)');
  const accessName = s.get('ACCESS_COOKIE_NAME', 'access_token', name);
  const refreshName = s.get('REFRESH_COOKIE_NAME', 'refresh_token', name);
  if (accessName === refreshName) s.fail('REFRESH_COOKIE_NAME', `must differ from ACCESS_COOKIE_NAME ("${accessName}")`);
  const domain = s.optional('COOKIE_DOMAIN', (r) => parsePattern(r, COOKIE_DOMAIN, 'a domain like example.com'));
  return { secure, sameSite, domain, accessName, refreshName };
}

/** `METRICS_PORT` moves `/metrics` to its own listener, on loopback unless `METRICS_HOST` says otherwise. */
function readMetricsListener(s: SettingReader): Config['metrics'] {
  const port = s.optional('METRICS_PORT', (r) => parseInteger(r, 0, 65535));
  if (port === null) return null;
  if (port !== 0 && port === s.get('PORT', 8080, (r) => Number(r))) s.fail('METRICS_PORT', `must differ from PORT (${port})`);
  return { port, host: s.get('METRICS_HOST', '127.0.0.1', parseListenHost) };
}

function parseAuthPrefix(raw: string): string {
  return parsePattern(raw, AUTH_PREFIX, "a path that starts with '/' and does not end with '/', like /auth");
}

/** The SQLite file lives in the data directory (SPEC §6: `sqlite:./data/tokengate.db`). */
function defaultDatabaseUrl(dataDirRaw: string | undefined): string {
  return dataDirRaw === undefined ? 'sqlite:./data/tokengate.db' : `sqlite:${join(dataDirRaw, 'tokengate.db')}`;
}
