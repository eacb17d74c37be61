import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';

/**
 * A baseline server (`BENCH_CLUSTER_SCRIPT`, a path next to this file) in one node:cluster
 * worker per core on one shared listening socket, as tokengate's `WORKERS=auto` runs: what two
 * workers gain on this machine without any gateway work, measured in the same run.
 */
const script = process.env.BENCH_CLUSTER_SCRIPT;
if (!script) throw new Error('BENCH_CLUSTER_SCRIPT is not set');

if (cluster.isPrimary) {
  const workers = Array.from({ length: availableParallelism() }, () => cluster.fork());
  let stopping = false;
  cluster.on('exit', (_worker, code) => {
    if (!stopping) {
      process.stderr.write(`cluster baseline: a worker exited (${code}); stopping\n`);
      process.exit(1);
    }
  });
  process.once('SIGTERM', () => {
    stopping = true;
    for (const w of workers) w.process.kill('SIGTERM');
    process.exit(0);
  });
} else {
  require(resolve(__dirname, script));
}
