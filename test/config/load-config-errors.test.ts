import { ConfigError } from '../../src/config';
import { issuesOf, load, SECRET } from './config-fixtures';

describe('loadConfig refuses bad values with one line naming the variable', () => {
  it.each([
    ['ACCESS_TOKEN_TTL', 'abc', 'expected a duration like 900, 10s, 15m, 12h or 14d, got "abc"'],
    ['REFRESH_TOKEN_TTL', '14 days', 'expected a duration'],
    ['SESSION_MAX_LIFETIME', '-1d', 'expected a duration'],
    ['ACCESS_TOKEN_TTL', '0', 'expected at least 1 second'],
    ['REFRESH_REUSE_GRACE', '1.5s', 'expected a duration'],
    ['CLOCK_SKEW', '30x', 'expected a duration'],
    ['REVOCATION_TTL', 'soon', 'expected a duration'],
    ['UPSTREAM_TIMEOUT', '0', 'expected at least 1 second'],
    // Regression: a timer's settings past 2^31-1 ms made Node fire it after 1 ms instead (the
    // revocation poll and the purge ran every millisecond; a memory login limit never held).
    ['UPSTREAM_TIMEOUT', '25d', 'expected at most 2147483 seconds (24d and a bit, as far as a timer reaches), got "25d"'],
    ['REVOCATION_TTL', '2147484', 'expected at most 2147483 seconds'],
    ['SESSION_PURGE_INTERVAL', '25d', 'expected at most 2147483 seconds'],
    ['SHUTDOWN_TIMEOUT', '30d', 'expected at most 2147483 seconds'],
    ['LOGIN_RATE_LIMIT', '10/25d', 'the window may be at most 2147483 seconds (24d and a bit), got "10/25d"'],
    ['PORT', '70000', 'expected an integer between 0 and 65535, got "70000"'],
    ['PORT', 'http', 'expected an integer'],
    ['JWT_ALGORITHM', 'HS512', 'expected one of HS256, RS256, ES256, got "HS512"'],
    ['JWT_ALGORITHM', 'none', 'expected one of'],
    ['REFRESH_ROTATION', 'never', 'expected one of always, on-expiry'],
    ['BODY_LIMIT', '16 kilobytes', 'expected a size like 16kb, 1mb, 512b'],
    ['BODY_LIMIT', '0', 'expected a size'],
    ['LOGIN_RATE_LIMIT', '10', 'expected <count>/<duration> like 10/15m, got "10"'],
    ['LOGIN_RATE_LIMIT', '0/15m', 'expected <count>/<duration>'],
    ['LOGIN_RATE_LIMIT', '10/forever', 'expected <count>/<duration>'],
    ['TRUST_PROXY', 'yes please', 'expected false, true or a number of proxies'],
    ['WORKERS', '0', 'expected an integer between 1 and 1024'],
    ['WORKERS', 'many', 'expected an integer'],
    ['DATABASE_POOL_MAX', '0', 'expected an integer between 1 and 1000'],
    ['DATABASE_POOL_MAX', 'lots', 'expected an integer'],
    ['LOG_LEVEL', 'verbose', 'expected one of fatal, error, warn, info, debug, trace, silent'],
    ['FORWARD_TOKENS', 'maybe', 'expected true or false, got "maybe"'],
    ['COOKIE_SECURE', 'sometimes', 'expected true or false'],
    ['COOKIE_SAMESITE', 'lenient', 'expected one of lax, strict, none'],
    ['COOKIE_SAMESITE', 'none', 'none requires secure cookies'],
    ['COOKIE_DOMAIN', 'exa mple.com', 'expected a domain'],
    ['ACCESS_COOKIE_NAME', 'access token', 'expected a cookie name'],
    ['REFRESH_COOKIE_NAME', 'access_token', 'must differ from ACCESS_COOKIE_NAME'],
    ['AUTH_PREFIX', 'auth', "expected a path that starts with '/'"],
    ['AUTH_PREFIX', '/auth/', "does not end with '/'"],
    ['AUTH_PREFIX', '/', "expected a path"],
    ['CORS_ORIGINS', 'https://ok.example.com,https://bad.example.com/path', 'got "https://bad.example.com/path"'],
    ['CORS_ORIGINS', '*', 'expected comma-separated origins'],
    ['CORS_ORIGINS', 'app.example.com', 'expected comma-separated origins'],
    ['UPSTREAM_URL', 'ftp://files.example.com', 'expected an http:// or https:// URL'],
    ['UPSTREAM_URL', 'localhost:3000', 'expected an http:// or https:// URL'],
    ['DATABASE_URL', 'postgres://u:p@h/db', 'expected sqlite:<file>'],
    ['DATABASE_URL', 'mysql://u:p@h', 'expected sqlite:<file>'],
    ['DATABASE_URL', 'sqlite:', 'expected sqlite:<file>'],
    ['ROUTES_FILE', 'no-such-routes.json', 'cannot read'],
    ['JWT_SECRET', 'too-short', 'must be at least 32 bytes, got 9'],
    ['JWT_SECRET', ' '.repeat(40), 'must not be blank'],
  ])('%s=%j', (name, value, message) => {
    const issues = issuesOf({ [name]: value });
    expect(issues).toHaveLength(1);
    expect(issues[0]!.startsWith(`${name}: `)).toBe(true);
    expect(issues[0]).toContain(message);
    expect(issues[0]).not.toContain('\n');
  });

  it('throws a ConfigError whose message is the lines', () => {
    expect(() => load({ PORT: 'x' })).toThrow(ConfigError);
    expect(() => load({ PORT: 'x' })).toThrow(/^PORT: expected an integer/);
  });

  it('reports every bad setting at once, one line each', () => {
    expect(issuesOf({ PORT: 'x', BODY_LIMIT: 'y', LOG_LEVEL: 'z' }).map((l) => l.split(':')[0])).toEqual(['PORT', 'BODY_LIMIT', 'LOG_LEVEL']);
  });

  it('never echoes a secret or a database password', () => {
    const [secretLine] = issuesOf({ JWT_SECRET: 'hunter2-hunter2' });
    expect(secretLine).not.toContain('hunter2');
    const [dbLine] = issuesOf({ DATABASE_URL: 'mysql://tg:s3cretpw@db' });
    expect(dbLine).not.toContain('s3cretpw');
    // Regression: a password holding `/` was echoed from there on.
    const [slashLine] = issuesOf({ DATABASE_URL: 'mysql://app:s3cr/etpw@db:3306/tg' });
    expect(slashLine).toMatch(/^DATABASE_URL: /);
    expect(slashLine).not.toMatch(/s3cr|etpw/);
  });

  it('enforces ACCESS_TOKEN_TTL <= REFRESH_TOKEN_TTL <= SESSION_MAX_LIFETIME', () => {
    expect(issuesOf({ ACCESS_TOKEN_TTL: '2h', REFRESH_TOKEN_TTL: '1h' })).toEqual([
      'ACCESS_TOKEN_TTL: must not exceed REFRESH_TOKEN_TTL (7200s > 3600s)',
    ]);
    expect(issuesOf({ REFRESH_TOKEN_TTL: '31d' })).toEqual([
      'REFRESH_TOKEN_TTL: must not exceed SESSION_MAX_LIFETIME (2678400s > 2592000s)',
    ]);
  });

  it('accepts a 32-byte JWT_SECRET', () => {
    expect(load({ JWT_SECRET: 'a'.repeat(32) }).jwt.secret).toHaveLength(32);
    expect(load({ JWT_SECRET: SECRET }).jwt.secret).toHaveLength(40);
  });
});
