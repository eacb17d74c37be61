import cluster from 'node:cluster';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Preloaded into a measured server (`node --require dist/bench/probe.js …`, with an IPC
 * channel and BENCH_PROBE=1): answers `{ probe: 'read' }` with the event-loop delay (lag beyond
 * the sampling interval) since
 * the last read (then starts over) and the resident set size. Inert anywhere else.
 */
export interface ProbeReading {
  loopP50Ms: number;
  loopP99Ms: number;
  loopMaxMs: number;
  rssMb: number;
  /** V8 heap in use and reserved, and memory outside it owned by JS objects (Buffers included), MiB. */
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  arrayBuffersMb: number;
}

if (process.send && process.env.BENCH_PROBE === '1' && cluster.isPrimary) {
  // The histogram records whole timer intervals, so an idle loop reads about RESOLUTION_MS:
  // the delay is what exceeds it (as Elastic's APM agent and OpenTelemetry's runtime metrics do).
  const RESOLUTION_MS = 5;
  const lagMs = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  const heap = () => {
    const m = process.memoryUsage();
    return { heapUsedMb: m.heapUsed / 2 ** 20, heapTotalMb: m.heapTotal / 2 ** 20, externalMb: m.external / 2 ** 20, arrayBuffersMb: m.arrayBuffers / 2 ** 20 };
  };
  process.on('message', (message: unknown) => {
    if ((message as { probe?: string } | null)?.probe !== 'read') return;
    const reading: ProbeReading = {
      loopP50Ms: lagMs(delay.percentile(50)),
      loopP99Ms: lagMs(delay.percentile(99)),
      loopMaxMs: lagMs(delay.max),
      rssMb: process.memoryUsage.rss() / 2 ** 20,
      ...heap(),
    };
    delay.reset();
    process.send?.({ probe: reading });
  });
  process.channel?.unref();
}
