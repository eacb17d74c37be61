import cluster from 'node:cluster';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Preloaded into a measured server (`node --require dist/bench/probe.js …`, with an IPC
 * channel and BENCH_PROBE=1): answers `{ probe: 'read' }` with the event-loop delay since
 * the last read (then starts over) and the resident set size. Inert anywhere else.
 */
export interface ProbeReading {
  loopP50Ms: number;
  loopP99Ms: number;
  loopMaxMs: number;
  rssMb: number;
}

if (process.send && process.env.BENCH_PROBE === '1' && cluster.isPrimary) {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  process.on('message', (message: unknown) => {
    if ((message as { probe?: string } | null)?.probe !== 'read') return;
    const reading: ProbeReading = {
      loopP50Ms: delay.percentile(50) / 1e6,
      loopP99Ms: delay.percentile(99) / 1e6,
      loopMaxMs: delay.max / 1e6,
      rssMb: process.memoryUsage.rss() / 2 ** 20,
    };
    delay.reset();
    process.send?.({ probe: reading });
  });
  process.channel?.unref();
}
