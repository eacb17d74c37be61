import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

/** A gateway process started from `dist/src/main.js`. */
export interface SpawnedGateway {
  /** Where it listens, from its first log line. */
  url: string;
  log: () => string;
  /** SIGTERM; resolves with the exit code. */
  stop: () => Promise<number | null>;
}

const MAIN = join(resolve(__dirname, '../..'), 'dist/src/main.js');

/** Starts the built gateway in `cwd` with only `env` (and PATH), and waits for its first-run lines. */
export async function spawnGateway(cwd: string, env: Record<string, string>): Promise<SpawnedGateway> {
  const child = spawn(process.execPath, [MAIN], { cwd, env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ...env } });
  let log = '';
  child.stdout.on('data', (c: Buffer) => (log += c.toString()));
  child.stderr.on('data', (c: Buffer) => (log += c.toString()));
  const deadline = Date.now() + 20_000;
  while (!/log in: curl/.test(log) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
  const url = /listening on (http:\/\/\S+)"/.exec(log)?.[1];
  if (!url) {
    child.kill('SIGKILL');
    throw new Error(`gateway did not start: ${log}`);
  }
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { url, log: () => log, stop: async () => (child.kill('SIGTERM'), exited) };
}
