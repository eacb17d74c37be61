import nodeCluster, { type Cluster } from 'node:cluster';
import type { EventEmitter } from 'node:events';
import { WorkerPool, type PoolLogger, type WorkerPoolOptions } from './worker-pool';

export interface RunWorkersOptions {
  /** `WORKERS`, with `auto` already resolved to the core count. */
  workers: number;
  /** Primary only, once, before any worker starts: migrate the store, seed the first-run user. */
  prepare(): Promise<void>;
  /** In each worker: start serving (listen on the shared port); resolves once listening. */
  serve(): Promise<unknown>;
  logger: PoolLogger;
  pool?: Omit<WorkerPoolOptions, 'size' | 'logger'>;
}

/** What the primary uses of its process; tests pass their own. */
export interface PrimaryProcess {
  cluster: Cluster;
  /** Where SIGTERM/SIGINT arrive. */
  signals: Pick<EventEmitter, 'once'>;
  exit(code: number): void;
}

const realProcess = (): PrimaryProcess => ({ cluster: nodeCluster, signals: process, exit: (code) => process.exit(code) });

/**
 * `WORKERS` > 1 (node:cluster). In the primary: run `prepare` once, fork the workers (they
 * share the listening socket; the primary hands out connections round-robin on Linux),
 * replace a worker that dies, forward SIGTERM/SIGINT to every worker and exit 0 once all have
 * drained and exited. In a worker: `serve`. Resolves in the primary once the workers are forked.
 *
 * Each worker is a whole gateway with its own in-memory state: revocations made elsewhere
 * reach it through storage polling (`REVOCATION_TTL`), and the login throttle counts per
 * worker, so the effective `LOGIN_RATE_LIMIT` is up to `workers` times the setting.
 */
export async function runWorkers(options: RunWorkersOptions, primary: PrimaryProcess = realProcess()): Promise<WorkerPool | null> {
  if (!primary.cluster.isPrimary) {
    await options.serve();
    return null;
  }
  await options.prepare();
  const pool = new WorkerPool(primary.cluster, { ...options.pool, size: options.workers, logger: options.logger });
  pool.start();
  options.logger.info({ workers: options.workers }, `started ${options.workers} workers`);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    options.logger.info({ signal }, 'stopping: forwarding the signal to every worker');
    void pool.stop(signal).then(() => {
      options.logger.info('all workers stopped');
      primary.exit(0);
    });
  };
  primary.signals.once('SIGTERM', () => stop('SIGTERM'));
  primary.signals.once('SIGINT', () => stop('SIGINT'));
  return pool;
}
