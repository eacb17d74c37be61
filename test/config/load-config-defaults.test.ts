import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { load, issuesOf, PRODUCTION_SECRET, SECRET, tempDir } from './config-fixtures';

describe('loadConfig defaults (SPEC §7)', () => {
  it('gives a working configuration with no settings at all', () => {
    const cwd = tempDir();
    const config = load({}, cwd);
    expect(config).toMatchObject({
      nodeEnv: 'development',
      production: false,
      port: 8080,
      host: '0.0.0.0',
      databaseUrl: 'sqlite:./data/tokengate.db',
      dataDir: join(cwd, 'data'),
      jwt: { algorithm: 'HS256', privateKeyPem: null, publicKeyPem: null, issuer: 'tokengate', audience: 'tokengate' },
      accessTokenTtl: 900,
      refreshTokenTtl: 14 * 86400,
      sessionMaxLifetime: 30 * 86400,
      refreshRotation: 'always',
      refreshReuseGrace: 10,
      clockSkew: 30,
      revocationTtl: 5,
      upstreamUrl: null,
      routesFile: null,
      upstreamTimeout: 30,
      forwardTokens: false,
      authPrefix: '/auth',
      cookie: { secure: false, sameSite: 'lax', domain: null, accessName: 'access_token', refreshName: 'refresh_token' },
      corsOrigins: [],
      bodyLimit: 16384,
      loginRateLimit: { count: 10, windowSeconds: 900 },
      trustProxy: 0,
      logLevel: 'info',
      workers: 1,
    });
  });

  it('treats empty values as unset', () => {
    expect(load({ PORT: '', UPSTREAM_URL: '  ', JWT_SECRET: '' }).port).toBe(8080);
  });

  it('generates a 48-byte secret once, keeps it mode 0600 in the data dir, and reuses it', () => {
    const cwd = tempDir();
    const first = load({}, cwd).jwt.secret!;
    const file = join(cwd, 'data', 'jwt-secret');
    expect(first).toHaveLength(48);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.toString('base64url'));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(load({}, cwd).jwt.secret!.equals(first)).toBe(true);
  });

  it('keeps the secret and the default database under DATA_DIR, resolved against cwd', () => {
    const cwd = tempDir();
    const config = load({ DATA_DIR: 'state/tg' }, cwd);
    expect(config.dataDir).toBe(join(cwd, 'state/tg'));
    expect(config.databaseUrl).toBe('sqlite:state/tg/tokengate.db');
    expect(statSync(join(cwd, 'state/tg/jwt-secret')).isFile()).toBe(true);
  });

  it('prefers JWT_SECRET and writes no file', () => {
    const cwd = tempDir();
    expect(load({ JWT_SECRET: SECRET }, cwd).jwt.secret!.toString()).toBe(SECRET);
    expect(() => statSync(join(cwd, 'data', 'jwt-secret'))).toThrow();
  });

  it('refuses a corrupt stored secret instead of replacing it', () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'data'));
    writeFileSync(join(cwd, 'data', 'jwt-secret'), 'short\n');
    expect(issuesOf({}, cwd)).toEqual([expect.stringMatching(/^JWT_SECRET: the stored secret in ".*jwt-secret" is not base64url/)]);
  });

  it('resolves WORKERS=auto to the core count', () => {
    expect(load({ WORKERS: 'auto' }).workers).toBe(availableParallelism());
    expect(load({ WORKERS: '3' }).workers).toBe(3);
  });

  it('sizes the MySQL pool so that all workers stay under 120 connections, 25 at most each', () => {
    expect(load({}).databasePoolMax).toBe(25);
    expect(load({ WORKERS: '8' }).databasePoolMax).toBe(15);
    expect(load({ WORKERS: '100' }).databasePoolMax).toBe(2);
    expect(load({ WORKERS: '8', DATABASE_POOL_MAX: '40' }).databasePoolMax).toBe(40);
  });

  it('makes cookies Secure by default in production only', () => {
    const prod = { NODE_ENV: 'production', JWT_SECRET: PRODUCTION_SECRET, UPSTREAM_URL: 'http://app:3000' };
    expect(load(prod).cookie.secure).toBe(true);
    expect(load({ ...prod, COOKIE_SECURE: 'false' }).cookie.secure).toBe(false);
    expect(load({ COOKIE_SECURE: 'true' }).cookie.secure).toBe(true);
  });
});
