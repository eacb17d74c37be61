import { load } from './config-fixtures';

describe('loadConfig parses values', () => {
  it.each([
    ['900', 900],
    ['10s', 10],
    ['15m', 900],
    ['12h', 43200],
    ['14d', 1209600],
    ['2H', 7200],
  ])('duration %s is %i seconds', (raw, seconds) => {
    expect(load({ ACCESS_TOKEN_TTL: raw, REFRESH_TOKEN_TTL: '14d' }).accessTokenTtl).toBe(seconds);
  });

  it('allows a zero grace, skew and revocation TTL', () => {
    expect(load({ REFRESH_REUSE_GRACE: '0', CLOCK_SKEW: '0s', REVOCATION_TTL: '0' })).toMatchObject({
      refreshReuseGrace: 0, clockSkew: 0, revocationTtl: 0,
    });
  });

  it('takes a timer\'s settings up to the longest a Node timer waits (2147483 s, 24d and a bit)', () => {
    expect(load({ UPSTREAM_TIMEOUT: '2147483', REVOCATION_TTL: '24d', SESSION_PURGE_INTERVAL: '24d', SHUTDOWN_TIMEOUT: '2147483s', LOGIN_RATE_LIMIT: '10/24d' })).toMatchObject({
      upstreamTimeout: 2147483, revocationTtl: 24 * 86400, sessionPurgeInterval: 24 * 86400, shutdownTimeout: 2147483, loginRateLimit: { count: 10, windowSeconds: 24 * 86400 },
    });
  });

  it.each([
    ['16kb', 16384],
    ['1mb', 1048576],
    ['512b', 512],
    ['2048', 2048],
    ['1MB', 1048576],
  ])('BODY_LIMIT %s is %i bytes', (raw, bytes) => {
    expect(load({ BODY_LIMIT: raw }).bodyLimit).toBe(bytes);
  });

  it.each([
    ['false', 0],
    ['true', 1],
    ['0', 0],
    ['2', 2],
  ])('TRUST_PROXY %s is %i', (raw, n) => {
    expect(load({ TRUST_PROXY: raw }).trustProxy).toBe(n);
  });

  it('reads the rest', () => {
    const config = load({
      PORT: '9000', HOST: '127.0.0.1', LOGIN_RATE_LIMIT: '5/1m', REFRESH_ROTATION: 'on-expiry', LOG_LEVEL: 'DEBUG',
      COOKIE_SAMESITE: 'Strict', COOKIE_DOMAIN: '.example.com', ACCESS_COOKIE_NAME: '__Host-at', REFRESH_COOKIE_NAME: 'rt',
      AUTH_PREFIX: '/gate/auth', FORWARD_TOKENS: 'true', UPSTREAM_URL: 'https://legacy.internal:8443/base', UPSTREAM_TIMEOUT: '5s',
      CORS_ORIGINS: 'https://App.example.com, http://localhost:3000,https://b.example.com:443/', JWT_ISSUER: 'https://gw', JWT_AUDIENCE: 'legacy',
      DATABASE_URL: 'mysql://tg:pw@db:3306/tokengate',
    });
    expect(config).toMatchObject({
      port: 9000, host: '127.0.0.1', loginRateLimit: { count: 5, windowSeconds: 60 }, refreshRotation: 'on-expiry', logLevel: 'debug',
      cookie: { sameSite: 'strict', domain: '.example.com', accessName: '__Host-at', refreshName: 'rt' },
      authPrefix: '/gate/auth', forwardTokens: true, upstreamUrl: 'https://legacy.internal:8443/base', upstreamTimeout: 5,
      corsOrigins: ['https://app.example.com', 'http://localhost:3000', 'https://b.example.com'],
      jwt: { issuer: 'https://gw', audience: 'legacy' }, databaseUrl: 'mysql://tg:pw@db:3306/tokengate',
    });
  });

  it.each(['memory:', 'sqlite::memory:', 'sqlite:/var/lib/tg.db'])('DATABASE_URL %s', (url) => {
    expect(load({ DATABASE_URL: url }).databaseUrl).toBe(url);
  });

  it('accepts SameSite=None with secure cookies', () => {
    expect(load({ COOKIE_SAMESITE: 'none', COOKIE_SECURE: 'true' }).cookie.sameSite).toBe('none');
  });

  it('accepts equal lifetimes', () => {
    expect(load({ ACCESS_TOKEN_TTL: '1d', REFRESH_TOKEN_TTL: '1d', SESSION_MAX_LIFETIME: '24h' }).sessionMaxLifetime).toBe(86400);
  });
});
