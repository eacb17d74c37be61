import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

const cwd = mkdtempSync(join(tmpdir(), 'tokengate-cfg-'));
const base = { JWT_SECRET: 'k'.repeat(40), DATABASE_URL: 'memory:' };

describe('SESSION_STORE_URL', () => {
  it('is null when unset and kept as given when it is a Redis URL', () => {
    expect(loadConfig(base, { cwd }).sessionStoreUrl).toBeNull();
    expect(loadConfig({ ...base, SESSION_STORE_URL: 'redis://127.0.0.1:6379/2' }, { cwd }).sessionStoreUrl).toBe('redis://127.0.0.1:6379/2');
  });

  it.each(['http://127.0.0.1:6379', 'redis://', 'mysql://root@localhost/db'])('refuses %s with one line naming the variable', (url) => {
    let error: unknown;
    try {
      loadConfig({ ...base, SESSION_STORE_URL: url }, { cwd });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toHaveLength(1);
    expect((error as ConfigError).issues[0]).toMatch(/^SESSION_STORE_URL: /);
  });
});
