import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import type { ProbeReading } from './probe';

/** A server the benchmark started, in its own process (tree). */
export interface ServerProcess {
  name: string;
  url: string;
  pid: number;
  /** CPU seconds used so far by the process and every descendant (Linux), else by the probe. */
  cpuSeconds(): number | null;
  /** Event-loop delay since the last call, and RSS; null without a probe. */
  probe(): Promise<ProbeReading | null>;
  /** How many processes the server runs now (1, or the primary plus its workers). */
  processCount(): number;
  stop(): Promise<void>;
}

export interface StartOptions {
  name: string;
  script: string;
  env: Record<string, string>;
  /** Path polled until it answers `readyStatus`. */
  readyPath: string;
  /** What `readyPath` answers once the server is up (default 200; 401 for a peer that guards every path). */
  readyStatus?: number;
  /** Preload the probe (event-loop delay, RSS). */
  probe?: string;
}

/**
 * The Node options every server of the bench runs with, tokengate and baselines alike: what
 * `npm start` passes. Without `--no-memory-reducer`, a process that idles after starting and
 * is then loaded stays slower for good (docs/performance.md, "The two speeds"), and the bench
 * starts every server before loading any: a baseline in that state would flatter every ratio
 * measured against it. Cluster workers inherit them.
 */
export const SERVER_NODE_ARGS: readonly string[] = ['--no-memory-reducer'];

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface Stat {
  pid: number;
  ppid: number;
  ticks: number;
}

function readStats(): Stat[] | null {
  if (process.platform !== 'linux') return null;
  const stats: Stat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      stats.push({ pid: Number(entry), ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // the process ended while we looked
    }
  }
  return stats;
}

function tree(root: number, stats: Stat[]): Stat[] {
  const out: Stat[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    for (const s of stats) {
      if (s.pid === pid) out.push(s);
      if (s.ppid === pid) queue.push(s.pid);
    }
  }
  return out;
}

/** CPU seconds of `pid` and every descendant so far (Linux); null elsewhere. */
export function cpuSecondsOf(pid: number): number | null {
  const stats = readStats();
  return stats ? tree(pid, stats).reduce((sum, s) => sum + s.ticks, 0) / TICKS : null;
}

/** How many processes `pid` and its descendants are (1 where /proc is missing). */
export function processCountOf(pid: number): number {
  const stats = readStats();
  return stats ? tree(pid, stats).length : 1;
}

export async function waitReady(url: string, child: ChildProcess, stderr: () => string, status = 200): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}: ${stderr()}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === status) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ready after 60s: ${stderr()}`);
}

export async function startServer(options: StartOptions): Promise<ServerProcess> {
  const port = await freePort();
  const execArgv = [...SERVER_NODE_ARGS, ...(options.probe ? ['--require', options.probe] : [])];
  const child = spawn(process.execPath, [...execArgv, options.script], {
    env: { PATH: process.env.PATH ?? '', ...options.env, PORT: String(port), BENCH_PROBE: options.probe ? '1' : '0' },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-2000)));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(url + options.readyPath, child, () => tail.trim(), options.readyStatus);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${options.name}: ${(e as Error).message}`);
  }
  const pid = child.pid as number;
  return {
    name: options.name,
    url,
    pid,
    cpuSeconds: () => cpuSecondsOf(pid),
    processCount: () => processCountOf(pid),
    probe: () => readProbe(child, Boolean(options.probe)),
    stop: () => stopChild(child),
  };
}

function readProbe(child: ChildProcess, enabled: boolean): Promise<ProbeReading | null> {
  if (!enabled || !child.connected) return Promise.resolve(null);
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(null), 2000);
    const onMessage = (m: unknown) => {
      const reading = (m as { probe?: ProbeReading } | null)?.probe;
      if (reading) done(reading);
    };
    const done = (value: ProbeReading | null) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(value);
    };
    child.on('message', onMessage);
    child.send({ probe: 'read' });
  });
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
