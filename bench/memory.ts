import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { formatMemoryTable, formatVerdict, judge, type MemoryReading } from './memory-report';
import { checkpoints, readMemorySettings } from './memory-settings';
import { mintAccessTokens } from './minted-tokens';
import type { ServerProcess } from './processes';
import { readProcMemory } from './proc-memory';
import { readSmapsBreakdown } from './smaps-breakdown';
import { loginMany } from './sessions';
import { readSettings } from './settings';
import { startLab } from './targets';

/**
 * The memory check: one tokengate (SQLite, one worker, production) under proxied bearer GETs,
 * its RSS read at the start, after the logins and after every checkpoint of requests.
 */

const log = (line: string) => process.stderr.write(`${line}\n`);
const PROXIED = '/api/items/1';
/** Longer than the 900 s default so that a slow run never meets an expired token (memory is the same). */
const DEFAULTS = { ACCESS_TOKEN_TTL: '3600' };

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The variables that shape the server's memory, as its process actually got them (Linux). */
function memoryEnv(pid: number): Record<string, string> {
  try {
    const pairs = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    const wanted = pairs.filter((p) => /^(MALLOC_|GLIBC_TUNABLES=|NODE_OPTIONS=|LD_PRELOAD=|UV_THREADPOOL_SIZE=)/.test(p));
    return Object.fromEntries(wanted.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
  } catch {
    return {};
  }
}

/** Waits `settleMs` (the last answers and closed sockets settle), then reads the server's memory. */
async function read(server: ServerProcess, settleMs: number, checkpoint: string, requests: number, load: MemoryReading['load']): Promise<MemoryReading> {
  await pause(settleMs);
  const reading: MemoryReading = { checkpoint, requests, probe: await server.probe(), proc: readProcMemory(server.pid), smaps: readSmapsBreakdown(server.pid), load };
  const rss = reading.probe?.rssMb ?? reading.proc?.rssMb;
  log(`${checkpoint.padEnd(22)} RSS ${rss?.toFixed(1) ?? '–'} MB, heap used ${reading.probe?.heapUsedMb.toFixed(1) ?? '–'} MB${load ? `, ${Math.round(load.rps)} req/s, ${load.errors} errors` : ''}`);
  return reading;
}

let running: autocannon.Instance | null = null;
let interrupted = false;

/** `amount` proxied GETs, each connection with its own token. */
async function drive(server: ServerProcess, tokens: string[], amount: number, connections: number): Promise<NonNullable<MemoryReading['load']>> {
  let next = 0;
  // `amount` (requests in all, spread evenly over the connections) replaces `duration`.
  const options: autocannon.Options & { amount: number } = {
    url: server.url + PROXIED,
    connections: Math.min(connections, amount),
    amount,
    timeout: 30,
    setupClient: (client) => client.setHeaders({ authorization: `Bearer ${tokens[next++ % tokens.length] as string}` }),
  };
  running = autocannon(options);
  const result = await running;
  running = null;
  const missing = Math.max(0, amount - result['2xx'] - result.non2xx - result.errors - result.timeouts);
  return {
    requests: result.requests.total,
    rps: result.requests.total / result.duration,
    p99Ms: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts + missing,
  };
}

async function main(): Promise<number> {
  const s = readSettings();
  const m = readMemorySettings(s.connections, s.tokengateEnv);
  if (!existsSync(join(s.root, 'dist/src/main.js')) || !existsSync(join(s.root, 'dist/bench/memory.js'))) {
    throw new Error('build first: npm run bench:memory does (tsc -p bench/tsconfig.json)');
  }
  const tokengateEnv = { ...DEFAULTS, ...s.tokengateEnv };
  const loadStart = os.loadavg();
  const passed = Object.entries(s.tokengateEnv).map(([k, v]) => `${k}=${v}`).join(' ');
  log(`tokengate memory check: ${m.requests.toLocaleString('en-US')} proxied requests, ${s.connections} connections, ${m.logins} logins, readings every ${m.checkpoint.toLocaleString('en-US')}${passed ? `, env ${passed}` : ''}, load average ${loadStart[0]?.toFixed(2)}`);
  const lab = await startLab(s, new Set(['tg-sqlite']), tokengateEnv);
  process.once('SIGINT', () => {
    interrupted = true;
    log('interrupted: stopping the load');
    running?.stop();
  });
  try {
    const server = lab.servers['tg-sqlite'] as ServerProcess;
    const serverEnv = memoryEnv(server.pid);
    log(`tokengate memory settings: ${Object.entries(serverEnv).map(([k, v]) => `${k}=${v}`).join(' ') || 'none (glibc and V8 defaults)'}`);
    const readings: MemoryReading[] = [await read(server, m.settleMs, 'start', 0, null)];
    const tokens = m.logins > 0 ? (await loginMany(server.url, m.logins)).map((h) => h.access) : mintAccessTokens(s.connections);
    readings.push(await read(server, m.settleMs, m.logins > 0 ? `after ${m.logins} login${m.logins > 1 ? 's' : ''}` : 'no login (minted)', 0, null));
    let done = 0;
    for (const target of checkpoints(m)) {
      if (interrupted) break;
      const load = await drive(server, tokens, target - done, s.connections);
      done += load.requests;
      readings.push(await read(server, m.settleMs, `after ${target.toLocaleString('en-US')}`, done, load));
    }
    const errors = readings.reduce((sum, r) => sum + (r.load?.errors ?? 0), 0);
    const complete = !interrupted && done >= m.requests;
    const verdict = complete ? judge(readings.slice(2)) : null;
    const table = formatMemoryTable(readings);
    process.stdout.write(`\n${table}\n\n${verdict ? formatVerdict(verdict) : 'memory: incomplete run, no verdict'}\n\n`);
    const failures = [
      ...(errors > 0 ? [`${errors} errors or non-2xx answers`] : []),
      ...(readings.some((r) => r.probe === null) ? ['the probe did not answer'] : []),
      ...(complete ? [] : ['the run stopped early']),
    ];
    const cpu = os.cpus();
    const report = {
      date: new Date().toISOString(),
      machine: { cpuModel: cpu[0]?.model ?? 'unknown', cores: os.availableParallelism(), memoryGb: Math.round(os.totalmem() / 2 ** 30), os: `${os.type()} ${os.release()}`, node: process.version },
      loadAverage: { start: loadStart, end: os.loadavg() },
      settings: { requests: m.requests, checkpoint: m.checkpoint, connections: s.connections, logins: m.logins, settleMs: m.settleMs, logLevel: s.logLevel, tokengateEnv, serverEnv },
      readings,
      verdict,
      errors,
      failures,
      table,
    };
    mkdirSync(s.outDir, { recursive: true });
    const file = join(s.outDir, `memory-${report.date.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(report, null, 2));
    log(`results written to ${file}`);
    if (loadStart[0] !== undefined && loadStart[0] > 0.5) log(`note: the load average was ${loadStart[0].toFixed(2)} at start; other processes shared the cores (req/s and latency suffer; RSS far less)`);
    if (failures.length) log(`memory check: the run failed: ${failures.join('; ')}`);
    return failures.length ? 1 : 0;
  } finally {
    await lab.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    log(`bench:memory: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
