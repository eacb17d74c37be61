/** The memory check's own knobs, all from the environment (see bench/MEMORY-NOTES.md). */
export interface MemorySettings {
  /** Proxied requests in all, counted from the start of the load. */
  requests: number;
  /** RSS is read after every multiple of this many requests; the first reading is the reference. */
  checkpoint: number;
  /** Sessions logged in over HTTP (argon2id in the server), shared round-robin by the connections; 0 mints the tokens here instead. */
  logins: number;
  /** Idle milliseconds between the end of a load and its reading. */
  settleMs: number;
}

function integer(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return value;
}

/** `tokengateEnv`: the benchmark's `BENCH_TG_*` pass-through (one worker only, here). */
export function readMemorySettings(connections: number, tokengateEnv: Record<string, string>): MemorySettings {
  const requests = integer('BENCH_MEMORY_REQUESTS', 1_000_000, connections);
  const checkpoint = integer('BENCH_MEMORY_CHECKPOINT', 100_000, connections);
  if (checkpoint > requests) throw new Error(`BENCH_MEMORY_CHECKPOINT (${checkpoint}) must not exceed BENCH_MEMORY_REQUESTS (${requests})`);
  const logins = integer('BENCH_MEMORY_LOGINS', connections, 0);
  if (tokengateEnv.WORKERS !== undefined && tokengateEnv.WORKERS !== '1') {
    throw new Error('the memory check measures one worker: BENCH_TG_WORKERS must be unset or 1');
  }
  return { requests, checkpoint, logins, settleMs: integer('BENCH_MEMORY_SETTLE_MS', 1000, 0) };
}

/** Where RSS is read: every multiple of `checkpoint`, and `requests` itself. */
export function checkpoints(s: MemorySettings): number[] {
  const out: number[] = [];
  for (let n = s.checkpoint; n < s.requests; n += s.checkpoint) out.push(n);
  out.push(s.requests);
  return out;
}
