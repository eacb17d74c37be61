import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { measure, type Sample } from './measure';
import { COMPARISONS, compare, formatComparisons, goalsLine } from './comparisons';
import { measurementOrder, roundOrder } from './order';
import { formatTable, summarize, type Cell } from './report';
import { SCENARIOS, type LoadContext, type Scenario } from './scenarios';
import { sessionPools } from './sessions';
import { readSettings, type BenchSettings } from './settings';
import { nginxAvailable } from './nginx';
import { wrkAvailable } from './wrk';
import { formatStartup, measureStartup } from './startup';
import { NEEDS, needsNginx, PEERS, startLab, TARGET_LABELS, type Lab, type TargetId } from './targets';

const log = (line: string) => process.stderr.write(`${line}\n`);

function plan(s: BenchSettings): Scenario[] {
  const unknown = s.scenarios.filter((id) => !SCENARIOS.some((sc) => sc.id === id));
  if (unknown.length) throw new Error(`unknown BENCH_SCENARIOS: ${unknown.join(', ')} (known: ${SCENARIOS.map((sc) => sc.id).join(', ')})`);
  const skipMysql = (t: TargetId) => t !== 'tg-mysql' || s.mysqlUrl !== null;
  const hasNginx = nginxAvailable(s.nginx);
  const skipNginx = (t: TargetId) => !needsNginx(t) || hasNginx;
  // Bare servers and peers are reference points: they always run with their scenario, and the
  // clustered ones whenever WORKERS=auto does. nginx → tokengate runs with tokengate sqlite.
  const reference = (t: TargetId) =>
    PEERS.has(t) || t.startsWith('scale-bare-') || (t.startsWith('bare-') && (!t.endsWith('-workers') || s.targets.includes('tg-workers')));
  // nginx → tokengate runs with tokengate sqlite; the scaling scenario's tokengates with their namesakes.
  const namesake: Partial<Record<TargetId, TargetId>> = { 'nginx-tg': 'tg-sqlite', 'scale-tg': 'tg-sqlite', 'scale-tg-workers': 'tg-workers' };
  const selected = (t: TargetId) => s.targets.length === 0 || s.targets.includes(t) || s.targets.includes(namesake[t] ?? t);
  const wantedTarget = (t: TargetId) => skipMysql(t) && skipNginx(t) && (reference(t) || selected(t));
  const chosen = SCENARIOS.filter((sc) => s.scenarios.length === 0 || s.scenarios.includes(sc.id));
  const hasWrk = wrkAvailable(s.wrk);
  for (const sc of chosen) {
    if (sc.baseline && needsNginx(sc.baseline) && !hasNginx) log(`${sc.id} scenario skipped: ${s.nginx} is missing (apt-get install nginx, or BENCH_NGINX=<path>)`);
    else if (sc.wrk && !hasWrk) log(`${sc.id} scenario skipped: ${s.wrk} is missing (apt-get install wrk, or BENCH_WRK=<path>)`);
  }
  return chosen
    .filter((sc) => (!sc.baseline || skipNginx(sc.baseline)) && (!sc.wrk || hasWrk))
    .map((sc) => ({ ...sc, targets: sc.targets.filter(wantedTarget) }))
    .filter((sc) => sc.targets.length > 0);
}

/** Waits until a WORKERS=auto tokengate runs its workers; their number (1 when the setting is not wired). */
async function workerCount(lab: Lab, id: TargetId): Promise<number> {
  const server = lab.servers[id];
  if (!server) return 0;
  const wanted = os.availableParallelism();
  for (let i = 0; i < 100 && server.processCount() < wanted + 1; i++) await new Promise((r) => setTimeout(r, 100));
  const count = server.processCount();
  return count > 1 ? count - 1 : 1;
}

async function main(): Promise<void> {
  const s = readSettings();
  if (!existsSync(join(s.root, 'dist/src/main.js')) || !existsSync(join(s.root, 'dist/bench/run.js'))) {
    throw new Error('build first: npm run bench does (tsc -p bench/tsconfig.json)');
  }
  const scenarios = plan(s);
  if (scenarios.length === 0) throw new Error('nothing to run: no scenario has a target left (see BENCH_SCENARIOS, BENCH_TARGETS)');
  const measured = scenarios.flatMap((sc) => [...sc.targets, ...(sc.baseline ? [sc.baseline] : [])]);
  const targets = new Set<TargetId>([...measured, ...measured.flatMap((t) => NEEDS[t] ?? [])]);
  const loadStart = os.loadavg();
  log(`tokengate benchmark: ${scenarios.length} scenarios, ${s.rounds} rounds of ${s.duration}s, ${s.connections} connections, load average ${loadStart[0]?.toFixed(2)}`);
  // Start-up first, while nothing else of the benchmark runs (SPEC §9: 1.5 s to /healthz, 1 s a CLI call).
  const startup = await measureStartup(s.root, s.rounds);
  log(formatStartup(startup));
  const passed = Object.entries(s.tokengateEnv).map(([k, v]) => `${k}=${v}`).join(' ');
  if (passed) log(`tokengate environment added: ${passed}`);
  const lab = await startLab(s, targets, s.tokengateEnv);
  let interrupted = false;
  process.once('SIGINT', () => {
    interrupted = true;
    log('interrupted: finishing the current run, then stopping');
  });
  try {
    const labels: Record<string, string> = { ...TARGET_LABELS };
    let workers = 0;
    for (const id of ['tg-workers', 'scale-tg-workers'] as const) {
      const n = await workerCount(lab, id);
      if (n) labels[id] = `${TARGET_LABELS[id]} (${n} process${n > 1 ? 'es' : ''})`;
      workers ||= n;
    }
    const authBase = (['tg-sqlite', 'tg-mysql', 'tg-sqlite-nocache', 'tg-workers', 'scale-tg'] as TargetId[]).map((t) => lab.servers[t]?.url).find(Boolean);
    if (!authBase) throw new Error('no tokengate target selected');
    const pool = sessionPools(s.connections);
    const context = (target: TargetId): LoadContext => {
      const own = target.startsWith('tg-') || target.startsWith('scale-tg') ? (lab.servers[target]?.url as string) : authBase;
      return {
        authBase: own,
        connections: s.connections,
        stormSize: s.stormSize,
        sessions: () => pool(own),
      };
    };
    const samples = new Map<string, Sample[]>();
    const byId = new Map(scenarios.map((sc) => [sc.id, sc]));
    const order = measurementOrder(
      scenarios.flatMap((sc) => [...(sc.baseline ? [sc.baseline] : []), ...sc.targets].map((target) => ({ scenario: sc.id, target }))),
      [...COMPARISONS, ...scenarios.flatMap((sc) => sc.targets.map((target) => ({ numerator: { scenario: sc.id, target }, denominator: { scenario: sc.id, target: sc.baseline ?? target } })))],
    );
    const run = { connections: s.connections, seconds: s.duration, warmup: s.warmup, wrk: s.wrk };
    const cellOf = (u: { scenario: string; target: string }) => ({ sc: byId.get(u.scenario) as Scenario, target: u.target as TargetId, server: lab.servers[u.target as TargetId] as Lab['servers'][TargetId] & object });
    for (let round = 0; round < s.rounds && !interrupted; round++) {
      for (const u of roundOrder(order, round)) {
        if (interrupted) break;
        const { sc, target, server } = cellOf(u);
        // Warmed right before each measurement, not only before the first: on this machine a server
        // spends 51–63 µs of CPU a request in its first second after other servers ran, against
        // 43–48 in the seconds after, so a cell that follows its own server's previous cell
        // (cookies right after bearer on one tokengate) would gain on its partner.
        const key = `${sc.id}/${target}`;
        const sample = await measure(server, () => sc.load(context(target)), run);
        samples.set(key, [...(samples.get(key) ?? []), sample]);
        log(`round ${round + 1}/${s.rounds}  ${sc.id.padEnd(8)} ${labels[target]?.padEnd(40)} ${Math.round(sample.rps).toString().padStart(6)} req/s  p99 ${sample.p99Ms.toFixed(2)} ms${sample.errors ? `  ${sample.errors} errors` : ''}`);
      }
    }
    const cells: Cell[] = scenarios.flatMap((sc) =>
      [...(sc.baseline ? [sc.baseline] : []), ...sc.targets].map((target) => ({
        scenario: sc.id,
        scenarioLabel: sc.label,
        target,
        targetLabel: labels[target] ?? target,
        isBaseline: target === sc.baseline,
        samples: samples.get(`${sc.id}/${target}`) ?? [],
        baselineSamples: sc.baseline ? (samples.get(`${sc.id}/${sc.baseline}`) ?? []) : [],
      })),
    ).filter((c) => c.samples.length > 0);
    const rows = cells.map(summarize);
    const comparisons = compare(cells);
    const table = formatTable(rows);
    const comparisonTable = formatComparisons(comparisons);
    process.stdout.write(`\n${formatStartup(startup)}\n\n${table}\n\n${comparisonTable ? `${comparisonTable}\n\n` : ''}`);
    const loadEnd = os.loadavg();
    const cpu = os.cpus();
    const report = {
      date: new Date().toISOString(),
      machine: { cpuModel: cpu[0]?.model ?? 'unknown', cores: os.availableParallelism(), memoryGb: Math.round(os.totalmem() / 2 ** 30), os: `${os.type()} ${os.release()}`, node: process.version },
      loadAverage: { start: loadStart, end: loadEnd },
      settings: { ...s, root: undefined, mysqlUrl: s.mysqlUrl ? new URL(s.mysqlUrl).host : null },
      workers,
      startup,
      rows,
      comparisons,
      cells,
      table,
      comparisonTable,
    };
    mkdirSync(s.outDir, { recursive: true });
    const file = join(s.outDir, `${report.date.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(report, null, 2));
    log(`results written to ${file}`);
    log(goalsLine(comparisons));
    const erring = cells.filter((c) => c.samples.some((x) => x.errors > 0));
    if (erring.length) {
      log(`warning: errors (non-2xx answers, failed connections, timeouts) per round in ${erring.map((c) => `${c.scenario}/${c.target} [${c.samples.map((x) => x.errors).join(', ')}]`).join('; ')}; req/s counts every answer, so these cells' figures are not the server's normal work`);
    }
    if (loadStart[0] !== undefined && loadStart[0] > 0.5) log(`note: the load average was ${loadStart[0].toFixed(2)} at start; other processes shared the cores`);
  } finally {
    await lab.close();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    log(`bench: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
