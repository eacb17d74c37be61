import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfigFromProcess } from '../../src/config';
import { tempDir } from './config-fixtures';

describe('loadConfigFromProcess', () => {
  const saved = { cwd: process.cwd(), env: { ...process.env } };

  afterEach(() => {
    process.chdir(saved.cwd);
    for (const key of Object.keys(process.env)) if (!(key in saved.env)) delete process.env[key];
    Object.assign(process.env, saved.env);
  });

  it('reads .env from the working directory, and real variables win', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, '.env'), 'PORT=9123\nHOST=10.1.1.1\n');
    process.chdir(cwd);
    process.env.HOST = '127.0.0.1';
    delete process.env.PORT;
    const config = loadConfigFromProcess();
    expect(config.port).toBe(9123);
    expect(config.host).toBe('127.0.0.1');
  });

  it('works without a .env file', () => {
    process.chdir(tempDir());
    delete process.env.PORT;
    expect(loadConfigFromProcess().port).toBe(8080);
  });
});
