import { Semaphore } from '../../../src/adapters/system/semaphore';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('Semaphore', () => {
  it('runs at most `limit` tasks at once, in arrival order', async () => {
    const semaphore = new Semaphore(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const task = (i: number) => async () => {
      started.push(i);
      peak = Math.max(peak, ++running);
      await tick();
      running--;
      return i;
    };
    const results = await Promise.all([0, 1, 2, 3, 4].map((i) => semaphore.run(task(i))));
    expect(results).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
  });

  it('frees the slot when a task fails', async () => {
    const semaphore = new Semaphore(1);
    await expect(semaphore.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(semaphore.run(async () => 'next')).resolves.toBe('next');
  });

  it('refuses a limit below 1', () => {
    expect(() => new Semaphore(0)).toThrow();
  });
});

describe('Semaphore with an abort signal', () => {
  it('gives up the place in the queue when the signal aborts: the task never runs, the others keep their order', async () => {
    const semaphore = new Semaphore(1);
    let release!: () => void;
    const holder = semaphore.run(() => new Promise<string>((resolve) => (release = () => resolve('held'))));
    const ran: string[] = [];
    const controller = new AbortController();
    const gone = semaphore.run(async () => ran.push('gone'), controller.signal);
    const next = semaphore.run(async () => ran.push('next'));
    const reason = new Error('client left');
    controller.abort(reason);
    await expect(gone).rejects.toBe(reason);
    release();
    await expect(holder).resolves.toBe('held');
    await next;
    expect(ran).toEqual(['next']);
    // The slot came back: a later task runs at once.
    await expect(semaphore.run(async () => 'free')).resolves.toBe('free');
  });

  it('never runs a task whose signal aborted before it was queued, and takes no slot for it', async () => {
    const semaphore = new Semaphore(1);
    const controller = new AbortController();
    controller.abort(new Error('already gone'));
    const task = jest.fn(async () => 'ran');
    await expect(semaphore.run(task, controller.signal)).rejects.toThrow('already gone');
    expect(task).not.toHaveBeenCalled();
    await expect(semaphore.run(async () => 'free')).resolves.toBe('free');
  });

  it('lets a task that has started run to its end when its signal aborts', async () => {
    const semaphore = new Semaphore(1);
    const controller = new AbortController();
    const done = semaphore.run(async () => {
      controller.abort(new Error('too late'));
      await tick();
      return 'finished';
    }, controller.signal);
    await expect(done).resolves.toBe('finished');
  });
});
