import cluster, { type Worker } from 'node:cluster';
import { EventEmitter, once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWorkers } from '../../src/adapters/cluster/run-workers';
import { WorkerPool } from '../../src/adapters/cluster/worker-pool';

/** A worker as the gateway's: reports when up, drains and exits 0 on SIGTERM or SIGINT. */
const FIXTURE = `
const stop = () => process.exit(0);
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
setInterval(() => {}, 1000);
process.send({ up: process.pid });
`;

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tokengate-workers-'));
  const exec = join(dir, 'worker.js');
  writeFileSync(exec, FIXTURE);
  cluster.setupPrimary({ exec, execArgv: [], silent: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function recordingLogger() {
  const lines: { obj: unknown; msg?: string }[] = [];
  const log = (obj: unknown, msg?: string) => void lines.push({ obj, msg });
  return { lines, info: log, warn: log } as unknown as { lines: typeof lines } & ConstructorParameters<typeof WorkerPool>[1]['logger'];
}

/** Resolves with the next `count` workers that report they are up. */
function nextUp(count: number): Promise<Worker[]> {
  return new Promise((resolve) => {
    const up: Worker[] = [];
    const onFork = (w: Worker) => {
      w.once('message', () => {
        up.push(w);
        if (up.length === count) {
          cluster.off('fork', onFork);
          resolve(up);
        }
      });
    };
    cluster.on('fork', onFork);
  });
}

const exitCodes = (workers: Worker[]) => Promise.all(workers.map(async (w) => (await once(w, 'exit'))[0] as number));

describe('WorkerPool (node:cluster)', () => {
  it('forks `size` workers, replaces one that dies, and stops them all with exit code 0', async () => {
    const logger = recordingLogger();
    const pool = new WorkerPool(cluster, { size: 2, logger, minUptimeMs: 0 });
    const started = nextUp(2);
    pool.start();
    const first = await started;
    expect(pool.pids.sort()).toEqual(first.map((w) => w.process.pid).sort());

    const replacement = nextUp(1);
    const victim = first[0] as Worker;
    victim.process.kill('SIGKILL');
    const [fresh] = await replacement;
    expect(pool.pids).toHaveLength(2);
    expect(pool.pids).not.toContain(victim.process.pid);
    expect(pool.pids).toContain(fresh?.process.pid);
    expect(logger.lines).toContainEqual({ obj: expect.objectContaining({ signal: 'SIGKILL', restartInMs: 0 }), msg: 'worker died; starting a replacement' });

    const survivors = [first[1], fresh] as Worker[];
    const codes = exitCodes(survivors);
    await pool.stop('SIGTERM');
    expect(await codes).toEqual([0, 0]);
    expect(pool.pids).toEqual([]);
  });

  it('waits longer before each replacement of a worker that keeps dying on start', async () => {
    const logger = recordingLogger();
    const pool = new WorkerPool(cluster, { size: 1, logger, minUptimeMs: 60_000, restartDelayMs: 5, maxRestartDelayMs: 12 });
    let up = nextUp(1);
    pool.start();
    for (let i = 0; i < 4; i++) {
      const [w] = await up;
      up = nextUp(1);
      w?.process.kill('SIGKILL');
    }
    await up;
    const delays = logger.lines.map((l) => (l.obj as { restartInMs: number }).restartInMs);
    expect(delays).toEqual([5, 10, 12, 12]);
    await pool.stop();
  });
});

describe('runWorkers', () => {
  it('prepares once in the primary, forks the workers, and on SIGTERM exits 0 after all have exited', async () => {
    const logger = recordingLogger();
    const signals = new EventEmitter();
    let exit: (code: number) => void = () => {};
    const exited = new Promise<number>((resolve) => (exit = resolve));
    const prepare = jest.fn(async () => {});
    const serve = jest.fn(async () => {});
    const up = nextUp(3);
    const pool = await runWorkers({ workers: 3, prepare, serve, logger }, { cluster, signals, exit: (code) => exit(code) });
    expect(prepare).toHaveBeenCalledTimes(1);
    expect(serve).not.toHaveBeenCalled();
    const workers = await up;
    expect(pool?.pids).toHaveLength(3);
    const codes = exitCodes(workers);
    signals.emit('SIGTERM');
    signals.emit('SIGINT');
    expect(await codes).toEqual([0, 0, 0]);
    await expect(exited).resolves.toBe(0);
  });

  it('in a worker process only serves', async () => {
    const worker = { ...cluster, isPrimary: false } as typeof cluster;
    const prepare = jest.fn(async () => {});
    const serve = jest.fn(async () => {});
    const exit = jest.fn();
    await expect(runWorkers({ workers: 2, prepare, serve, logger: recordingLogger() }, { cluster: worker, signals: new EventEmitter(), exit })).resolves.toBeNull();
    expect(serve).toHaveBeenCalledTimes(1);
    expect(prepare).not.toHaveBeenCalled();
  });
});
