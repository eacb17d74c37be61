import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { issuesOf, load, PRODUCTION_SECRET as SECRET, tempDir } from './config-fixtures';

const PROD = { NODE_ENV: 'production' };

describe('loadConfig in production', () => {
  it('refuses to start without JWT_SECRET and without UPSTREAM_URL or ROUTES_FILE', () => {
    const cwd = tempDir();
    expect(issuesOf(PROD, cwd)).toEqual([
      'UPSTREAM_URL: required in production unless ROUTES_FILE is set',
      expect.stringMatching(/^JWT_SECRET: required in production/),
    ]);
    expect(existsSync(join(cwd, 'data', 'jwt-secret'))).toBe(false);
  });

  it('does not fall back to a stored secret', () => {
    const cwd = tempDir();
    load({}, cwd);
    expect(issuesOf({ ...PROD, UPSTREAM_URL: 'http://app' }, cwd)).toEqual([expect.stringMatching(/^JWT_SECRET: required/)]);
  });

  it('starts with a secret and an upstream', () => {
    const config = load({ ...PROD, JWT_SECRET: SECRET, UPSTREAM_URL: 'http://app:3000' });
    expect(config).toMatchObject({ production: true, nodeEnv: 'production', upstreamUrl: 'http://app:3000' });
  });

  it('starts with a routes file instead of an upstream, kept as an absolute path', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'routes.json'), '{"routes":[]}');
    expect(load({ ...PROD, JWT_SECRET: SECRET, ROUTES_FILE: 'routes.json' }, cwd).routesFile).toBe(join(cwd, 'routes.json'));
  });

  it('refuses a short secret', () => {
    expect(issuesOf({ ...PROD, JWT_SECRET: 'short', UPSTREAM_URL: 'http://app' })).toEqual([
      expect.stringMatching(/^JWT_SECRET: must be at least 32 bytes/),
    ]);
  });
});
