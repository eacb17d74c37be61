/** Runs at most `limit` tasks at once; the rest wait in arrival order. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error('limit must be a positive integer');
  }

  /**
   * Runs `task` once a slot is free. When `signal` aborts first (or has already), the task
   * never runs: its place in the queue is given up and the call rejects with the signal's
   * reason. A task that has started runs to its end.
   */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    if (this.active >= this.limit) await this.queue(signal);
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so `active` never overshoots the limit.
      if (next) next();
      else this.active--;
    }
  }

  private queue(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (!signal) {
        this.waiting.push(resolve);
        return;
      }
      const onAbort = () => {
        const at = this.waiting.indexOf(granted);
        if (at !== -1) this.waiting.splice(at, 1);
        reject(signal.reason);
      };
      const granted = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(granted);
    });
  }
}
