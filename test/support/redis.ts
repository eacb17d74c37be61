import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { closeRedisClient, createRedisClient } from '../../src/adapters/storage/redis-client';
import { parseRedisUrl } from '../../src/adapters/storage/redis-url';
import { describeWithService, unreachableService } from './test-service';

/**
 * Test Redis: one key namespace per test file on the local server, removed afterwards with
 * SCAN + DEL. `TEST_REDIS_URL` (default `redis://127.0.0.1:6379/0`) names the server.
 * Unreachable: fails under `CI=true`, else skips with a warning.
 */
export interface TestRedis {
  /** `SESSION_STORE_URL` of the test server. */
  url: string;
  /** A connected client for the whole file. */
  client: Redis;
  /** The file's namespace: every prefix handed out starts with it. */
  namespace: string;
  /** A fresh key prefix inside the namespace: an empty store for one test. */
  newPrefix(): string;
  /** Deletes every key of the namespace and closes the client; safe to call twice. */
  cleanup(): Promise<void>;
}

export const DEFAULT_TEST_REDIS_URL = 'redis://127.0.0.1:6379/0';

const testRedisUrl = (): string => process.env.TEST_REDIS_URL ?? DEFAULT_TEST_REDIS_URL;

function unreachable(url: string, reason: string): null {
  const { host, port } = parseRedisUrl(url);
  return unreachableService('Redis', `${host}:${port}`, reason);
}

/** SCAN's MATCH is a glob: escape the prefix so it matches literally. */
const globEscape = (text: string): string => text.replace(/[*?[\]\\]/g, '\\$&');

/** Deletes every key starting with `prefix` (SCAN + DEL, never KEYS); returns how many. */
export async function deleteKeysWithPrefix(client: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${globEscape(prefix)}*`, 'COUNT', 500);
    if (keys.length > 0) deleted += await client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  return deleted;
}

/**
 * Connects and claims `tokengate-test:<pid>:<random>:`, or returns null when the server
 * cannot be reached outside CI. Throws under `CI=true` instead of returning null.
 */
export async function createTestRedis(urlText?: string): Promise<TestRedis | null> {
  const url = urlText ?? testRedisUrl();
  const client = createRedisClient(parseRedisUrl(url), { connectTimeoutMs: 1_000, commandTimeoutMs: 2_000 });
  try {
    await client.ping();
  } catch (err) {
    client.disconnect();
    return unreachable(url, err instanceof Error ? err.message : String(err));
  }
  const namespace = `tokengate-test:${process.pid}:${randomBytes(4).toString('hex')}:`;
  let count = 0;
  let closed = false;
  return {
    url,
    client,
    namespace,
    newPrefix: () => `${namespace}${++count}:`,
    cleanup: async () => {
      if (closed) return;
      closed = true;
      await deleteKeysWithPrefix(client, namespace);
      await closeRedisClient(client);
    },
  };
}

/**
 * A `describe` block backed by a test Redis namespace, cleaned up after the block; skipped
 * with a warning when Redis is unreachable, failing under `CI=true` (see {@link describeWithService}).
 */
export function describeWithRedis(name: string, body: (redis: () => TestRedis) => void): void {
  const url = testRedisUrl();
  const { host, port } = parseRedisUrl(url);
  describeWithService(name, { kind: 'Redis', host, port, create: () => createTestRedis(url), release: (redis) => redis.cleanup() }, body);
}
