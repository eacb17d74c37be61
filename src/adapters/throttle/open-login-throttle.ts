import type { Knex } from 'knex';
import { parseDatabaseUrl } from '../storage/database-url';
import { knexConfigFromTarget } from '../storage/knex-config';
import { createKnex } from '../storage/knex-log';
import { FlexibleLoginThrottle, type FlexibleLoginThrottleOptions, type LoginThrottleLimits } from './flexible-login-throttle';
import { ensureThrottleTable, mysqlLimiterFactory } from './mysql-limiter-store';
import { closeRedisClient, createRedisClient } from '../storage/redis-client';
import { guardRedis } from '../storage/redis-errors';
import { parseRedisUrl } from '../storage/redis-url';
import { redisLimiterFactory } from './redis-limiter-store';

/** Connections the counters may hold: each failed login runs three short transactions. */
const POOL_MAX = 5;

export interface OpenedLoginThrottle {
  throttle: FlexibleLoginThrottle;
  /** Where the counters live: `mysql`/`redis` mean shared by every instance using that store. */
  store: 'memory' | 'mysql' | 'redis';
  /** Releases the counters' own connections (none for memory, or when `db` was given). */
  close(): Promise<void>;
}

export interface OpenLoginThrottleOptions extends Pick<FlexibleLoginThrottleOptions, 'ceiling'> {
  /** An open Knex on the same MySQL database to reuse instead of a pool of its own. */
  db?: Knex;
  /** `SESSION_STORE_URL`: when set, the counters live in that Redis (before MySQL). */
  redisUrl?: string;
  /** Key prefix in Redis (tests isolate themselves with it). */
  redisPrefix?: string;
  /** Where the counters' own Knex sends its messages (`knexLog`). */
  driverLog?: Knex.Logger;
}

/**
 * The login throttle for `DATABASE_URL`: on MySQL the counters live in that database (table
 * `login_throttle`, created here if missing) so that every instance counts together; with
 * `SESSION_STORE_URL` they live in that Redis instead;
 * otherwise (SQLite, memory: one process) in memory. Unreachable MySQL rejects with
 * `service_unavailable`.
 */
export async function openLoginThrottle(
  limits: LoginThrottleLimits,
  databaseUrl: string,
  options: OpenLoginThrottleOptions = {},
): Promise<OpenedLoginThrottle> {
  if (options.redisUrl) {
    const client = createRedisClient(parseRedisUrl(options.redisUrl));
    const makeLimiter = redisLimiterFactory(client, options.redisPrefix);
    const throttle = new FlexibleLoginThrottle(limits, { ...options, makeLimiter, guard: guardRedis });
    return { throttle, store: 'redis', close: () => closeRedisClient(client) };
  }
  const target = parseDatabaseUrl(databaseUrl);
  if (target.kind !== 'mysql') {
    return { throttle: new FlexibleLoginThrottle(limits, options), store: 'memory', close: async () => {} };
  }
  const owned = options.db === undefined;
  const db = options.db ?? createKnex({ ...knexConfigFromTarget(target, { log: options.driverLog }), pool: { min: 0, max: POOL_MAX } });
  const close = async (): Promise<void> => {
    if (owned) await db.destroy();
  };
  try {
    await ensureThrottleTable(db);
  } catch (err) {
    await close();
    throw err;
  }
  const makeLimiter = mysqlLimiterFactory(db, target.database);
  return { throttle: new FlexibleLoginThrottle(limits, { ...options, makeLimiter }), store: 'mysql', close };
}
