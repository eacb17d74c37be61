export interface SessionPurgerOptions {
  /** `SESSION_PURGE_INTERVAL`, ms: the first pass runs one interval after the start. */
  intervalMs: number;
  onPurged?: (count: number) => void;
  onError?: (error: unknown) => void;
}

/**
 * Runs `purge` in the background every `intervalMs` (never two passes at once), without
 * holding the process open. Returns a stop function.
 */
export function startSessionPurger(purge: () => Promise<number>, options: SessionPurgerOptions): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    purge()
      .then((count) => options.onPurged?.(count))
      .catch((e: unknown) => options.onError?.(e))
      .finally(() => {
        running = false;
      });
  }, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
