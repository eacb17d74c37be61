import type * as IORedis from 'ioredis';
import type { Redis } from 'ioredis';
import type { RedisTarget } from './redis-url';

let loaded: typeof IORedis | undefined;

/**
 * The `ioredis` library, required on first use: only `SESSION_STORE_URL` needs it (the session
 * store and the login throttle's counters), and loading it cost every start about 45 ms and
 * 2 MB of heap (docs/performance.md, "Start time").
 */
export function ioredis(): typeof IORedis {
  loaded ??= require('ioredis') as typeof IORedis;
  return loaded;
}

export interface RedisClientOptions {
  /** Longest wait for a TCP connection, ms. */
  connectTimeoutMs?: number;
  /** Longest wait for any one command, queued or sent, ms. */
  commandTimeoutMs?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 2_000;
const DEFAULT_COMMAND_TIMEOUT_MS = 2_000;
const MAX_RECONNECT_DELAY_MS = 2_000;

/**
 * An ioredis client tuned to fail fast, so a Redis outage answers 503 instead of hanging:
 * - lazy: nothing connects before the first command;
 * - during the first connection attempt, commands queue, bounded by `commandTimeoutMs` and
 *   by `maxRetriesPerRequest` (flushed after two failed attempts);
 * - once connected or failed, the offline queue is off: while ioredis reconnects in the
 *   background, commands reject at once;
 * - commands cut off by a dropped connection are not resent, so a compare-and-set that
 *   may have run is never replayed (its caller sees `service_unavailable`).
 */
export function createRedisClient(target: RedisTarget, options: RedisClientOptions = {}): Redis {
  const client = new (ioredis().Redis)({
    host: target.host,
    port: target.port,
    db: target.db,
    username: target.username || undefined,
    password: target.password || undefined,
    tls: target.tls ? {} : undefined,
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    commandTimeout: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    autoResendUnfulfilledCommands: false,
    enableOfflineQueue: true,
    retryStrategy: (attempt: number) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
  });
  // Failures surface through the commands that hit them; an unheard 'error' event would
  // only print "[ioredis] Unhandled error event" on every reconnection attempt.
  client.on('error', () => {});
  const failFast = (): void => {
    client.options.enableOfflineQueue = false;
  };
  client.once('ready', failFast);
  client.once('close', failFast);
  return client;
}

/** Closes gracefully when connected (pending replies arrive first), else drops at once. */
export async function closeRedisClient(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status === 'ready') {
    try {
      await client.quit();
      return;
    } catch {
      // fall through: the connection failed while quitting
    }
  }
  client.disconnect();
}
