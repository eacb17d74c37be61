import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useStartupIssues } from '../support/startup-issues';

const startupIssues = useStartupIssues('tokengate-defaults-');

const PRODUCTION = { NODE_ENV: 'production', UPSTREAM_URL: 'http://127.0.0.1:9000', DATABASE_URL: 'mysql://u:p@127.0.0.1:3306/db' };
const COMPOSE_DEFAULT = 'change-me-to-a-long-random-secret-of-32-bytes-or-more';

/** Issue 12 #1: the compose file published a signing key; production refuses guessable ones. */
describe('security: a guessable JWT_SECRET stops a production start', () => {
  it.each<[string, string]>([
    ['the old compose default', COMPOSE_DEFAULT],
    ['a placeholder with "secret"', 'my-jwt-secret-for-the-gateway-0123456789'],
    ['a placeholder with "example"', 'example-key-please-use-a-real-one-1234567'],
    ['a placeholder with "changeme"', 'CHANGEME_CHANGEME_CHANGEME_CHANGEME_1234'],
    ['one repeated character', 'p'.repeat(48)],
    ['two alternating characters', 'ab'.repeat(24)],
    ['a short alphabet', 'aabbccddaabbccddaabbccddaabbccdd'],
  ])('refuses %s in production, with one line that does not echo it', (_what, secret) => {
    const issues = startupIssues({ ...PRODUCTION, JWT_SECRET: secret });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^JWT_SECRET: /);
    expect(issues[0]).toContain('openssl rand');
    expect(issues[0]).not.toContain(secret);
  });

  it.each<[string, string]>([
    ['openssl rand -base64 48', randomBytes(48).toString('base64')],
    ['openssl rand -hex 32', randomBytes(32).toString('hex')],
    ['openssl rand -hex 16 (32 characters)', randomBytes(16).toString('hex')],
  ])('accepts a generated secret (%s)', (_what, secret) => {
    expect(startupIssues({ ...PRODUCTION, JWT_SECRET: secret })).toEqual([]);
  });

  it('still accepts a placeholder outside production (tests, demos)', () => {
    expect(startupIssues({ JWT_SECRET: COMPOSE_DEFAULT })).toEqual([]);
  });
});

describe('security: docker-compose.yml publishes no signing key', () => {
  const compose = readFileSync(join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8');

  it('requires JWT_SECRET from the environment (${JWT_SECRET:?...}), with no default', () => {
    const line = compose.split('\n').find((l) => /^\s+JWT_SECRET:/.test(l));
    expect(line).toMatch(/JWT_SECRET: "?\$\{JWT_SECRET:\?[^}]+\}"?\s*$/);
    expect(compose).not.toContain(COMPOSE_DEFAULT);
    expect(compose).not.toMatch(/\$\{JWT_SECRET:-/);
  });

  it('shows how to generate one', () => {
    expect(compose).toMatch(/#.*openssl rand/);
  });
});

/** Issue 12 #6: each worker would have its own users, sessions and revocations. */
describe('security: WORKERS > 1 with a per-process store stops the start', () => {
  it.each(['memory:', 'sqlite::memory:'])('refuses WORKERS=2 with DATABASE_URL=%s in one line', (url) => {
    const issues = startupIssues({ DATABASE_URL: url, WORKERS: '2' });
    expect(issues).toEqual([expect.stringMatching(/^WORKERS: .*per-process.*/)]);
    expect(issues[0]).not.toContain('\n');
  });

  it('accepts WORKERS=2 on a shared store, and WORKERS=1 on a per-process one', () => {
    expect(startupIssues({ DATABASE_URL: `sqlite:${join(tmpdir(), `tokengate-w-${process.pid}.db`)}`, WORKERS: '2' })).toEqual([]);
    expect(startupIssues({ DATABASE_URL: 'memory:', WORKERS: '1' })).toEqual([]);
  });
});
