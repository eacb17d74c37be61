import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { driveAutocannon, type Driven } from './autocannon-load';
import type { ServerProcess } from './processes';
import type { Load } from './scenarios';
import { runWrk } from './wrk';

/** One measured run of one scenario against one server. */
export interface Sample {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Server CPU time per answered request (its whole process tree), µs; null off Linux. */
  cpuUsPerReq: number | null;
  /** The server's event-loop delay p99 during the run; null without a probe. */
  loopP99Ms: number | null;
  rssMb: number | null;
  requests: number;
  /** Non-2xx answers, connection errors and timeouts. */
  errors: number;
  note: string | null;
}

export interface RunOptions {
  connections: number;
  seconds: number;
  /** Unmeasured seconds of the same load right before the measured ones. */
  warmup: number;
  /** The wrk binary, for loads that ask for it. */
  wrk: string;
}

/** What happens around one phase (warm-up or measurement) of a load generator run elsewhere. */
interface PhaseHooks {
  /** Right before the phase's first request. */
  starting(): Promise<void> | void;
  /** Right after its last answer. */
  ended(): Promise<void> | void;
}

/** A side load (the login storm) for as long as one phase lasts. */
function sideLoad(load: Load): PhaseHooks & { done(): Promise<void> } {
  let stopped = false;
  let side: Promise<void> = Promise.resolve();
  return {
    starting: () => {
      side = load.during?.(() => stopped) ?? Promise.resolve();
    },
    ended: () => {
      stopped = true;
    },
    done: () => side,
  };
}

/**
 * Drives `url` with autocannon in a child process (autocannon-child.ts): one phase per load,
 * each started when the orchestrator says so, so that `hooks[i]` bracket exactly phase i.
 */
async function driveInChild(url: string, connections: number, phases: { seconds: number; load: Load }[], hooks: PhaseHooks[]): Promise<Driven[]> {
  const child = spawn(process.execPath, [join(__dirname, 'autocannon-child.js')], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-2000)));
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const expect = async (prefix: string): Promise<string> => {
    const next = await lines.next();
    if (next.done || !(next.value as string).startsWith(prefix)) {
      const code = await exited;
      throw new Error(`autocannon child: expected "${prefix}", exit ${code}: ${stderr.trim() || (next.value as string | undefined) || 'no output'}`);
    }
    return (next.value as string).slice(prefix.length);
  };
  try {
    child.stdin.write(`${JSON.stringify({ url, connections, phases: phases.map((p) => ({ seconds: p.seconds, spec: p.load.spec })) })}\n`);
    const results: Driven[] = [];
    for (const [i, hook] of hooks.entries()) {
      await expect(`ready ${i}`);
      await hook.starting();
      child.stdin.write('go\n');
      results.push(JSON.parse(await expect(`result ${i} `)) as Driven);
      await hook.ended();
    }
    child.stdin.end();
    await exited;
    return results;
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

/** Drives `url` with `load` in this process: under wrk when the load gives header sets for it, else under autocannon. */
function driveHere(url: string, load: Load, connections: number, seconds: number, wrk: string): Promise<Driven> {
  if (load.wrkHeaderSets) return runWrk(wrk, { url, connections, seconds, headerSets: load.wrkHeaderSets });
  return driveAutocannon({ url, connections, duration: seconds, ...(load.options as Omit<autocannon.Options, 'url'>) });
}

/**
 * Warms `server` with one fresh load for `run.warmup` seconds, then measures it under another
 * for `run.seconds`. A load with a `spec` is driven by autocannon in a child process of its own
 * (both phases in one child, so its JIT is warm when measuring starts); the others (wrk, and
 * loads that call back into the orchestrator) from here.
 */
export async function measure(server: ServerProcess, nextLoad: () => Promise<Load>, run: RunOptions): Promise<Sample> {
  const warm = run.warmup > 0 ? await nextLoad() : null;
  const load = await nextLoad();
  const url = server.url + load.path;
  const warmSide = warm ? sideLoad(warm) : null;
  // The warm-up's side load (a login wave takes seconds) ends before measuring starts.
  const warmed: PhaseHooks | null = warmSide && { starting: warmSide.starting, ended: () => (warmSide.ended(), warmSide.done()) };
  const side = sideLoad(load);
  let cpuBefore: number | null = null;
  let cpuAfter: number | null = null;
  const measured: PhaseHooks = {
    starting: async () => {
      await server.probe();
      cpuBefore = server.cpuSeconds();
      side.starting();
    },
    ended: () => {
      cpuAfter = server.cpuSeconds();
      side.ended();
    },
  };
  let result: Driven;
  if (load.spec && (!warm || warm.spec)) {
    const phases = [...(warm ? [{ seconds: run.warmup, load: warm }] : []), { seconds: run.seconds, load }];
    const hooks = [...(warmed ? [warmed] : []), measured];
    result = (await driveInChild(url, run.connections, phases, hooks)).at(-1) as Driven;
  } else {
    if (warm && warmed) {
      await warmed.starting();
      await driveHere(url, warm, run.connections, run.warmup, run.wrk);
      await warmed.ended();
    }
    await measured.starting();
    result = await driveHere(url, load, run.connections, run.seconds, run.wrk);
    await measured.ended();
  }
  const probe = await server.probe();
  await side.done();
  const requests = result.requests;
  const before = cpuBefore as number | null;
  const after = cpuAfter as number | null;
  const cpu = before !== null && after !== null && requests > 0 ? ((after - before) * 1e6) / requests : null;
  return {
    rps: requests / result.seconds,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    cpuUsPerReq: cpu,
    loopP99Ms: probe?.loopP99Ms ?? null,
    rssMb: probe?.rssMb ?? null,
    requests,
    errors: result.errors,
    note: load.note?.(result.seconds) ?? null,
  };
}
