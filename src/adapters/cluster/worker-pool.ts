import type { Cluster, Worker } from 'node:cluster';
import type { Logger } from 'pino';

export type PoolLogger = Pick<Logger, 'info' | 'warn'>;

export interface WorkerPoolOptions {
  /** How many workers to keep running. */
  size: number;
  logger: PoolLogger;
  /** A worker that dies sooner than this after its start (ms) is crash-looping: its replacement waits. */
  minUptimeMs?: number;
  /** The first wait before replacing a crash-looping worker (ms); doubles each time, up to `maxRestartDelayMs`. */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
  /** After {@link WorkerPool.stop}, workers still running this long (ms) are killed. */
  stopTimeoutMs?: number;
}

interface Live {
  worker: Worker;
  startedAt: number;
}

const DEFAULTS = { minUptimeMs: 5_000, restartDelayMs: 1_000, maxRestartDelayMs: 30_000, stopTimeoutMs: 15_000 };

/**
 * Keeps `size` cluster workers running: a worker that dies while the pool is not stopping is
 * replaced, at once after a healthy run, with a growing delay when workers keep dying on start
 * (a bad config or an unreachable database would otherwise fork in a tight loop).
 */
export class WorkerPool {
  private readonly live = new Map<number, Live>();
  private readonly restarts = new Set<NodeJS.Timeout>();
  private readonly settings: Required<Omit<WorkerPoolOptions, 'logger'>>;
  private quickDeaths = 0;
  private stopping: Promise<void> | null = null;
  private allExited: (() => void) | null = null;

  constructor(
    private readonly cluster: Cluster,
    private readonly options: WorkerPoolOptions,
  ) {
    if (!Number.isInteger(options.size) || options.size < 1) throw new Error('size must be a positive integer');
    this.settings = { ...DEFAULTS, ...withoutUndefined(options), size: options.size };
  }

  /** Process ids of the workers running now. */
  get pids(): number[] {
    return [...this.live.values()].map((l) => l.worker.process.pid).filter((p): p is number => p !== undefined);
  }

  start(): void {
    this.cluster.on('exit', this.onExit);
    for (let i = 0; i < this.settings.size; i++) this.fork();
  }

  /** Sends `signal` to every worker (each drains and exits) and resolves once all have exited. */
  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.stopping) return this.stopping;
    for (const timer of this.restarts) clearTimeout(timer);
    this.restarts.clear();
    this.stopping = new Promise<void>((resolve) => {
      this.allExited = resolve;
      if (this.live.size === 0) return this.finish();
      for (const { worker } of this.live.values()) worker.process.kill(signal);
      const force = setTimeout(() => {
        for (const { worker } of this.live.values()) {
          this.options.logger.warn({ pid: worker.process.pid }, 'worker did not stop in time; killing it');
          worker.process.kill('SIGKILL');
        }
      }, this.settings.stopTimeoutMs);
      force.unref();
    });
    return this.stopping;
  }

  private fork(): void {
    const worker = this.cluster.fork();
    this.live.set(worker.id, { worker, startedAt: Date.now() });
  }

  private readonly onExit = (worker: Worker, code: number | null, signal: string | null): void => {
    const entry = this.live.get(worker.id);
    if (!entry) return;
    this.live.delete(worker.id);
    if (this.stopping) {
      if (this.live.size === 0) this.finish();
      return;
    }
    const quick = Date.now() - entry.startedAt < this.settings.minUptimeMs;
    this.quickDeaths = quick ? this.quickDeaths + 1 : 0;
    const delay = quick ? Math.min(this.settings.restartDelayMs * 2 ** (this.quickDeaths - 1), this.settings.maxRestartDelayMs) : 0;
    this.options.logger.warn({ pid: worker.process.pid, code, signal, restartInMs: delay }, 'worker died; starting a replacement');
    const timer = setTimeout(() => {
      this.restarts.delete(timer);
      this.fork();
    }, delay);
    this.restarts.add(timer);
  };

  private finish(): void {
    this.cluster.off('exit', this.onExit);
    this.allExited?.();
  }
}

function withoutUndefined(o: WorkerPoolOptions): Partial<typeof DEFAULTS> {
  const out: Partial<typeof DEFAULTS> = {};
  for (const key of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    const value = o[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
