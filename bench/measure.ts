import autocannon from 'autocannon';
import { createHistogram } from 'node:perf_hooks';
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
  /** The wrk binary, for loads that ask for it. */
  wrk: string;
}

interface Driven {
  requests: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

/** Drives `url` with `load`: under wrk when the load gives header sets for it, else under autocannon. */
async function drive(url: string, load: Load, run: RunOptions): Promise<Driven> {
  if (load.wrkHeaderSets) return runWrk(run.wrk, { url, connections: run.connections, seconds: run.seconds, headerSets: load.wrkHeaderSets });
  const instance = autocannon({ url, connections: run.connections, duration: run.seconds, timeout: 30, ...load.options });
  const latency = microsecondLatencies(instance);
  const r = await instance;
  return { requests: r.requests.total, seconds: r.duration, p50Ms: latency.percentileMs(50) ?? r.latency.p50, p99Ms: latency.percentileMs(99) ?? r.latency.p99, errors: r.non2xx + r.errors + r.timeouts };
}

/**
 * The 2xx latencies of an autocannon run, recorded in microseconds. autocannon's own histogram
 * keeps whole milliseconds, so on a proxy answering in 2–5 ms its p99 moves in steps of 20–25 %
 * (4 → 5 ms reads 1.25×) and a p99 ratio says more about rounding than about the server. The
 * same responses, the same 2xx filter, recorded with three significant digits instead.
 */
export function microsecondLatencies(instance: autocannon.Instance): { percentileMs(p: number): number | null } {
  const histogram = createHistogram();
  instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
    if (statusCode >= 200 && statusCode < 300) histogram.record(Math.max(1, Math.round(responseTimeMs * 1000)));
  });
  return { percentileMs: (p) => (histogram.count === 0 ? null : histogram.percentile(p) / 1000) };
}

/** Drives `server` with `load` for `seconds`; measures the server meanwhile. */
export async function measure(server: ServerProcess, load: Load, run: RunOptions): Promise<Sample> {
  await server.probe();
  const cpuBefore = server.cpuSeconds();
  let stopped = false;
  const side = load.during?.(() => stopped) ?? Promise.resolve();
  const result = await drive(server.url + load.path, load, run);
  stopped = true;
  const cpuAfter = server.cpuSeconds();
  const probe = await server.probe();
  await side;
  const requests = result.requests;
  const cpu = cpuBefore !== null && cpuAfter !== null && requests > 0 ? ((cpuAfter - cpuBefore) * 1e6) / requests : null;
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

/** An unmeasured run, so that JIT and connection pools are warm when measuring starts. */
export async function warmUp(server: ServerProcess, load: Load, run: RunOptions): Promise<void> {
  if (run.seconds <= 0) return;
  let stopped = false;
  const side = load.during?.(() => stopped) ?? Promise.resolve();
  await drive(server.url + load.path, load, run);
  stopped = true;
  await side;
}
