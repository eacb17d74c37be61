import { resolve } from 'node:path';

/** The benchmark's knobs, all from the environment (see docs/performance.md). */
export interface BenchSettings {
  /** Measured seconds per run. */
  duration: number;
  /** Unmeasured seconds of the same load right before each measurement (JIT, connection pools, a server idle while others ran). */
  warmup: number;
  /** Interleaved rounds, odd ones run backwards (order.ts), so an even number weighs both orders alike; the table shows medians over them. */
  rounds: number;
  connections: number;
  /** Server account allowed to create and drop a database; null skips MySQL. */
  mysqlUrl: string | null;
  /** Scenario ids to run (all when empty). */
  scenarios: string[];
  /** Target ids to run (all when empty); baselines are always kept. */
  targets: string[];
  /** tokengate's LOG_LEVEL during the run. */
  logLevel: string;
  /** Where the JSON results go. */
  outDir: string;
  /** Logins per wave in the login-storm scenario. */
  stormSize: number;
  /** The nginx binary for the auth_request scenario (skipped when it is missing). */
  nginx: string;
  /** The wrk binary for the scaling scenario (skipped when it is missing). */
  wrk: string;
  /** Repository root (where dist/ lives). */
  root: string;
  /** Extra environment for every tokengate process: each `BENCH_TG_<NAME>=value` as `<NAME>=value`. */
  tokengateEnv: Record<string, string>;
}

const PASS_THROUGH = 'BENCH_TG_';

function passedThrough(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith(PASS_THROUGH) && key.length > PASS_THROUGH.length && value !== undefined) env[key.slice(PASS_THROUGH.length)] = value;
  }
  return env;
}

function number(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number ≥ ${min}, got "${raw}"`);
  return value;
}

const list = (name: string): string[] =>
  (process.env[name] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export function readSettings(): BenchSettings {
  const root = resolve(__dirname, '../..');
  const mysql = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
  return {
    duration: number('BENCH_DURATION', 3, 1),
    warmup: number('BENCH_WARMUP', 1, 0),
    rounds: Math.round(number('BENCH_ROUNDS', 6, 1)),
    connections: Math.round(number('BENCH_CONNECTIONS', 50, 1)),
    mysqlUrl: mysql === '' || mysql === 'off' ? null : mysql,
    scenarios: list('BENCH_SCENARIOS'),
    targets: list('BENCH_TARGETS'),
    logLevel: process.env.BENCH_LOG_LEVEL || 'info',
    outDir: resolve(root, process.env.BENCH_OUT || 'bench-results'),
    stormSize: Math.round(number('BENCH_STORM', 200, 1)),
    nginx: process.env.BENCH_NGINX || '/usr/sbin/nginx',
    wrk: process.env.BENCH_WRK || '/usr/bin/wrk',
    root,
    tokengateEnv: passedThrough(),
  };
}
