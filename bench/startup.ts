import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Start-up latency of a checkout (SPEC §9), as a user meets it: through npm. */
export interface StartupFigures {
  /** `npm start` spawned → first `GET /healthz` 200, ms, one per round. */
  startMs: number[];
  /** `npm run tokengate -- user list`, spawned → exited 0, ms, one per round. */
  cliMs: number[];
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => done(port));
    });
  });
}

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1000) })).status === 200;
  } catch {
    return false;
  }
}

/** One `npm start` in `root`: ms from spawn to the first /healthz 200; then SIGTERM and wait for the exit. */
async function timeStart(root: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn('npm', ['start', '--silent'], { cwd: root, env: { ...env, PORT: String(port), HOST: '127.0.0.1' }, detached: true, stdio: 'ignore' });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  try {
    const url = `http://127.0.0.1:${port}/healthz`;
    for (;;) {
      if (await healthy(url)) return performance.now() - started;
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode} before answering /healthz`);
      if (performance.now() - started > timeoutMs) throw new Error(`npm start did not answer /healthz within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    // npm runs the gateway in its own process group: signal the whole group.
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    await exited;
  }
}

function timeCli(root: string, env: NodeJS.ProcessEnv): number {
  const started = performance.now();
  const r = spawnSync('npm', ['run', '--silent', 'tokengate', '--', 'user', 'list'], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`npm run tokengate -- user list exited with ${r.status}: ${r.stderr}`);
  return performance.now() - started;
}

/**
 * Times `rounds` starts and CLI calls of the checkout at `root` against a fresh data
 * directory; one unmeasured start first creates the store, the secret and the demo user.
 */
export async function measureStartup(root: string, rounds: number, timeoutMs = 60_000): Promise<StartupFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tokengate-startup-'));
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dataDir, DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  try {
    await timeStart(root, env, timeoutMs);
    const figures: StartupFigures = { startMs: [], cliMs: [] };
    for (let i = 0; i < rounds; i++) {
      figures.startMs.push(await timeStart(root, env, timeoutMs));
      figures.cliMs.push(timeCli(root, env));
    }
    return figures;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function formatStartup(f: StartupFigures): string {
  const ms = (xs: number[]) => `median ${Math.round(median(xs))} ms (${xs.map((x) => Math.round(x)).join(', ')})`;
  return `npm start → first /healthz 200: ${ms(f.startMs)}\nnpm run tokengate -- user list: ${ms(f.cliMs)}`;
}

if (require.main === module) {
  const rounds = Number(process.env.BENCH_STARTUP_ROUNDS ?? 5);
  measureStartup(resolve(__dirname, '../..'), rounds).then(
    (f) => process.stdout.write(`${formatStartup(f)}\n`),
    (e: unknown) => {
      process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
