import { useStartupIssues } from '../support/startup-issues';
import { JwtTokenSigner } from '../../src/adapters/security/jwt-token-signer';
import { FixedClock } from '../support/fixed-clock';

const startupIssues = useStartupIssues('tokengate-settings-');

const PRODUCTION = { NODE_ENV: 'production', UPSTREAM_URL: 'http://127.0.0.1:9000', JWT_SECRET: 'q7Rk2vN9xLp4Tz8Wm3Hc6Jd1Fs5Gb0Ya-uEoIi_wK' };

describe('security: settings that stop the start', () => {
  it.each<[string, string]>([
    ['31 ASCII bytes', 'k'.repeat(31)],
    ['30 bytes of accented text (15 characters)', 'ä'.repeat(15)],
    ['a well-known word', 'secret'],
  ])('refuses a JWT_SECRET of %s: HS256 keys need 32 bytes (RFC 7518 §3.2)', (_, secret) => {
    const issues = startupIssues({ JWT_SECRET: secret });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^JWT_SECRET: must be at least 32 bytes, got \d+/);
  });

  it.each(['   ', '\t\n', ' '.repeat(40)])('refuses a blank JWT_SECRET (%j), however long', (secret) => {
    expect(startupIssues({ JWT_SECRET: secret })).toEqual(['JWT_SECRET: must not be blank']);
  });

  it('accepts a 32-byte JWT_SECRET', () => {
    expect(startupIssues({ JWT_SECRET: 'k'.repeat(32) })).toEqual([]);
  });

  it('requires JWT_SECRET in production instead of generating one', () => {
    const { JWT_SECRET: _, ...withoutSecret } = PRODUCTION;
    const issues = startupIssues(withoutSecret);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^JWT_SECRET: required in production/);
  });

  it('requires UPSTREAM_URL or ROUTES_FILE in production', () => {
    const { UPSTREAM_URL: _, ...withoutUpstream } = PRODUCTION;
    expect(startupIssues(withoutUpstream)).toEqual([expect.stringMatching(/^UPSTREAM_URL: required in production/)]);
  });

  it('reports every bad setting, one line each, naming its variable', () => {
    const issues = startupIssues({ ...PRODUCTION, JWT_SECRET: 'short', LOGIN_RATE_LIMIT: 'lots', COOKIE_SAMESITE: 'none', COOKIE_SECURE: 'false' });
    expect(issues.map((l) => l.split(':')[0]).sort()).toEqual(['COOKIE_SAMESITE', 'JWT_SECRET', 'LOGIN_RATE_LIMIT']);
    for (const line of issues) expect(line).not.toContain('\n');
  });

  it('never echoes the rejected secret in the message', () => {
    const secret = 'hunter2-but-too-short';
    expect(startupIssues({ JWT_SECRET: secret }).join('\n')).not.toContain(secret);
  });

  it('the signer refuses a short key too, whoever builds it (defence in depth)', () => {
    const build = (secret: Buffer) =>
      new JwtTokenSigner({ algorithm: 'HS256', secret, issuer: 'i', audience: 'a', clockSkewSeconds: 0, clock: new FixedClock() });
    expect(() => build(Buffer.alloc(31, 1))).toThrow(/at least 32 bytes/);
    expect(() => build(Buffer.alloc(32, 1))).not.toThrow();
  });
});
