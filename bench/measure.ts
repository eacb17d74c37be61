import autocannon from 'autocannon';
import type { ServerProcess } from './processes';
import type { Load } from './scenarios';

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
}

/** Drives `server` with `load` for `seconds` under autocannon; measures the server meanwhile. */
export async function measure(server: ServerProcess, load: Load, run: RunOptions): Promise<Sample> {
  await server.probe();
  const cpuBefore = server.cpuSeconds();
  let stopped = false;
  const side = load.during?.(() => stopped) ?? Promise.resolve();
  const result = await autocannon({
    url: server.url + load.path,
    connections: run.connections,
    duration: run.seconds,
    timeout: 30,
    ...load.options,
  });
  stopped = true;
  const cpuAfter = server.cpuSeconds();
  const probe = await server.probe();
  await side;
  const requests = result.requests.total;
  const cpu = cpuBefore !== null && cpuAfter !== null && requests > 0 ? ((cpuAfter - cpuBefore) * 1e6) / requests : null;
  return {
    rps: requests / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    cpuUsPerReq: cpu,
    loopP99Ms: probe?.loopP99Ms ?? null,
    rssMb: probe?.rssMb ?? null,
    requests,
    errors: result.non2xx + result.errors + result.timeouts,
    note: load.note?.(result.duration) ?? null,
  };
}

/** An unmeasured run, so that JIT and connection pools are warm when measuring starts. */
export async function warmUp(server: ServerProcess, load: Load, run: RunOptions): Promise<void> {
  if (run.seconds <= 0) return;
  let stopped = false;
  const side = load.during?.(() => stopped) ?? Promise.resolve();
  await autocannon({ url: server.url + load.path, connections: run.connections, duration: run.seconds, timeout: 30, ...load.options });
  stopped = true;
  await side;
}
