/**
 * Runs `refresh` under the origin-wide Web Lock `lock`, so that one tab refreshes at a time. A tab
 * that had to wait assumes the holder refreshed: it waits (up to `patience` ms) for the
 * holder's broadcast to change `generation()`, and refreshes itself only if none came.
 * Without Web Locks it refreshes at once (per-tab single flight; the server's grace window
 * absorbs the overlap).
 */
export async function underLock<T>(lock: string, refresh: () => Promise<T>, generation: () => number, news: (ms: number) => Promise<void>, skip: T, patience = 500): Promise<T> {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  if (!locks) return refresh();
  const seen = generation();
  let waited = false;
  const first = await locks.request(lock, { ifAvailable: true }, (held) => {
    if (held) return refresh();
    waited = true;
    return skip;
  });
  if (!waited) return first;
  return locks.request(lock, async () => {
    if (generation() === seen) await news(patience);
    return generation() === seen ? refresh() : skip;
  });
}
