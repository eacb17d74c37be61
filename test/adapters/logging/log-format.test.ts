import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { wantsPrettyLogs } from '../../../src/adapters/logging/pino-logger';
import { loadConfig } from '../../../src/config';

const root = resolve(__dirname, '../../..');
const SCRIPT = '/usr/bin/script';
let dir: string;

describe('LOG_FORMAT', () => {
  it.each([
    ['auto', false, true, true],
    ['auto', false, false, false],
    ['auto', true, true, false],
    ['json', false, true, false],
    ['pretty', false, false, true],
    ['pretty', true, false, true],
  ] as const)('%s, production=%s, terminal=%s: pretty=%s', (format, production, tty, pretty) => {
    expect(wantsPrettyLogs(format, production, tty)).toBe(pretty);
  });

  it('defaults to auto and accepts only auto, json and pretty', () => {
    expect(loadConfig({ JWT_SECRET: 'x'.repeat(40), DATABASE_URL: 'memory:' }).logFormat).toBe('auto');
    expect(() => loadConfig({ JWT_SECRET: 'x'.repeat(40), DATABASE_URL: 'memory:', LOG_FORMAT: 'xml' })).toThrow(/^LOG_FORMAT: /);
  });
});

/** Runs `node dist/src/main.js` until the curl line; on a pseudo-terminal (util-linux `script`) when `tty`. */
async function firstLines(tty: boolean, env: Record<string, string> = {}): Promise<string> {
  const main = join(root, 'dist/src/main.js');
  const fullEnv = { PATH: process.env.PATH ?? '', TERM: 'dumb', PORT: '0', HOST: '127.0.0.1', DATABASE_URL: 'memory:', ...env };
  const child = tty
    ? spawn(SCRIPT, ['-qfec', `${process.execPath} ${main}`, '/dev/null'], { cwd: dir, env: fullEnv })
    : spawn(process.execPath, [main], { cwd: dir, env: fullEnv });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 20_000;
  while (!/log in: curl[^\n]*\n/.test(out) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGTERM');
  await exited;
  return out;
}

// util-linux's script(1) gives the child a pseudo-terminal; Debian has it in every image (bsdutils).
const describeWithScript = existsSync(SCRIPT) || process.env.CI === 'true' ? describe : describe.skip;

describeWithScript('what the first run prints', () => {
  beforeAll(() => {
    execFileSync(process.execPath, [join(root, 'scripts/ensure-build.js')], { cwd: root });
  }, 180_000);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tokengate-logs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('on a terminal outside production: pretty lines, no JSON, the first-run lines as plain text', async () => {
    const out = (await firstLines(true)).replace(/\r/g, '').replace(/\x1b\[[0-9;]*m/g, '');
    const lines = out.split('\n').filter((l) => l.trim() !== '');
    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(lines.filter((l) => l.trimStart().startsWith('{'))).toEqual([]);
    expect(out).toMatch(/INFO.*: tokengate listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toMatch(/created user demo with password [A-Za-z0-9_-]+ \(shown once/);
    expect(out).toMatch(/log in: curl -s -X POST http:\/\/127\.0\.0\.1:\d+\/auth\/login -d username=demo -d password=[A-Za-z0-9_-]+\n/);
  }, 40_000);

  it('piped: one JSON object a line, and the first-run lines need no unescaping', async () => {
    const out = await firstLines(false);
    const lines = out.split('\n').filter(Boolean);
    const entries = lines.map((l) => JSON.parse(l) as { msg?: string });
    const curl = lines.find((l) => l.includes('log in: curl')) as string;
    expect(curl).not.toContain('\\"');
    const url = /listening on (http:\/\/\S+)$/.exec(entries.find((e) => e.msg?.includes('listening on'))?.msg ?? '')?.[1];
    const password = /password=(\S+)$/.exec(JSON.parse(curl).msg)?.[1];
    expect(url).toBeDefined();
    expect(password).toBeDefined();
  }, 40_000);

  it('on a terminal in production: JSON', async () => {
    const out = await firstLines(true, { NODE_ENV: 'production', JWT_SECRET: 'kQ7vR2mXw9LcT4bZ0yNf6HsJ1pGd8AeU3oVi5Kt', UPSTREAM_URL: 'http://127.0.0.1:9' });
    const first = out.replace(/\r/g, '').split('\n').find((l) => l.includes('listening on')) as string;
    expect(JSON.parse(first)).toMatchObject({ level: 30, msg: expect.stringContaining('tokengate listening on') });
  }, 40_000);
});
