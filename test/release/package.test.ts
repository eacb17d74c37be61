import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'tokengate-release-'));
const npmEnv = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

afterAll(() => rmSync(work, { recursive: true, force: true }));

function npm(args: string[], cwd: string, input?: string) {
  const r = spawnSync('npm', args, { cwd, env: npmEnv, encoding: 'utf8', input, timeout: 600_000 });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

function freePort(): Promise<number> {
  return new Promise((done) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => done(port));
    });
  });
}

/** Spawns a server, resolves with ms from spawn to the first /healthz 200; `stop` sends SIGTERM and waits. */
async function serveUntilHealthy(command: string, args: string[], cwd: string, env: Record<string, string>) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(command, args, { cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env, PORT: String(port), HOST: '127.0.0.1' }, detached: true });
  let log = '';
  child.stdout.on('data', (c: Buffer) => (log += c.toString()));
  child.stderr.on('data', (c: Buffer) => (log += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  let ms = NaN;
  while (performance.now() - started < 30_000 && child.exitCode === null) {
    const ok = await fetch(`${url}/healthz`).then((r) => r.status === 200, () => false);
    if (ok) {
      ms = performance.now() - started;
      break;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  const stop = async () => {
    if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    return exited;
  };
  if (Number.isNaN(ms)) {
    await stop();
    throw new Error(`${command} ${args.join(' ')} did not answer /healthz: ${log}`);
  }
  // The startup lines are written before the first answer, but the pipe may deliver them after it.
  for (let i = 0; i < 100 && !/log in: curl/.test(log); i++) await new Promise((r) => setTimeout(r, 20));
  return { url, ms, log: () => log, stop };
}

beforeAll(() => {
  execFileSync(process.execPath, [join(root, 'scripts/ensure-build.js')], { cwd: root });
}, 180_000);

describe('npm pack', () => {
  it('packs the compiled gateway, docs and changelog; no tests, sources or benchmarks', () => {
    const [pack] = JSON.parse(npm(['pack', '--dry-run', '--json', '--ignore-scripts'], root)) as { files: { path: string }[] }[];
    const files = pack!.files.map((f) => f.path);
    for (const wanted of ['package.json', 'README.md', 'CHANGELOG.md', 'dist/src/cli.js', 'dist/src/main.js', 'dist/knexfile.js', 'docs/operations.md']) {
      expect(files).toContain(wanted);
    }
    expect(files.filter((f) => /^(test|src|bench|data|dist\/bench|dist\/test)\//.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts')))).toEqual([]);
    expect(readFileSync(join(root, 'dist/src/cli.js'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('from the tarball in an empty folder: tokengate user add, then tokengate serve, and the user logs in', async () => {
    const out = join(work, 'pack');
    mkdirSync(out);
    const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', out], root)) as { filename: string }[];
    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
    npm(['install', '--prefer-offline', '--no-save', join(out, packed!.filename)], app);
    const bin = join(app, 'node_modules/.bin/tokengate');
    const env = { PATH: `${join(app, 'node_modules/.bin')}:${process.env.PATH ?? ''}`, LOG_LEVEL: 'warn' };
    const add = spawnSync(bin, ['user', 'add', 'alice', '--roles', 'admin', '--password-stdin'], { cwd: app, env, encoding: 'utf8', input: 'pw-alice-123\n' });
    expect(add.stderr).toBe('');
    expect(add).toMatchObject({ status: 0 });
    expect(add.stdout).toMatch(/^added user alice \(\S+\) with roles admin$/m);
    const server = await serveUntilHealthy('npx', ['--no-install', 'tokengate', 'serve'], app, env);
    try {
      // A refused connection here once went unexplained (a port race?): the server's log says why.
      const login = await fetch(`${server.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice', password: 'pw-alice-123' }) }).catch((e: unknown) => {
        throw new Error(`login failed (${String(e)}); server log:\n${server.log()}`);
      });
      expect(login.status).toBe(200);
    } finally {
      await server.stop();
    }
  }, 600_000);
});

describe("the Dockerfile's steps, without Docker", () => {
  it('npm ci --omit=dev with only the files the deps stage copies, then the built dist/: a production start under 2 s', async () => {
    const image = join(work, 'image');
    mkdirSync(join(image, 'scripts'), { recursive: true });
    for (const f of ['package.json', 'package-lock.json', 'scripts/ensure-build.js']) cpSync(join(root, f), join(image, f));
    npm(['ci', '--omit=dev', '--prefer-offline'], image);
    cpSync(join(root, 'dist/src'), join(image, 'dist/src'), { recursive: true });
    const env = { NODE_ENV: 'production', JWT_SECRET: 'Hn4tW8qZ1xVb6yLc0sMd3KfJ9rPg2AeU7oTi5Qw', UPSTREAM_URL: 'http://127.0.0.1:9', MALLOC_MMAP_THRESHOLD_: '131072' };
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const server = await serveUntilHealthy(process.execPath, ['dist/src/main.js'], image, env);
      try {
        times.push(server.ms);
        expect(server.log()).toContain('tokengate listening on');
      } finally {
        expect(await server.stop()).toEqual({ code: 0, signal: null });
      }
    }
    // SPEC: under 2 s on an idle machine (docs/deployment.md has the figures); generous here, as CI shares its cores.
    expect([...times].sort((a, b) => a - b)[1]).toBeLessThan(5_000);
  }, 600_000);
});
