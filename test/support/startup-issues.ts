import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

/**
 * `startupIssues(env)`: the lines a start would print for these settings (over
 * `DATABASE_URL=memory:`), or [] when they are accepted. Registers its own temp dir as the
 * working directory, made before and removed after the file's tests.
 */
export function useStartupIssues(prefix: string): (env: Record<string, string>) => string[] {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return (env) => {
    try {
      loadConfig({ DATABASE_URL: 'memory:', ...env }, { cwd: dir });
      return [];
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return [...(e as ConfigError).issues];
    }
  };
}
