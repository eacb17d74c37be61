import type * as Flexible from 'rate-limiter-flexible';

/*
 * rate-limiter-flexible's classes, each required from its own file. The package's index
 * requires every store it supports (Mongo, Postgres, Prisma, Drizzle, Etcd, Valkey…): 36
 * modules in every process, where the memory limiter needs 5 (docs/performance.md, "Start
 * time"). They are the very classes the index re-exports, so
 * `instanceof RateLimiterRes` holds for what any limiter rejects with. The package has no
 * `exports` map, so these paths are public to `require`; the throttle tests and
 * test/performance/start-modules.test.ts fail if one moves.
 */

export const RateLimiterMemory = require('rate-limiter-flexible/lib/RateLimiterMemory') as typeof Flexible.RateLimiterMemory;
export const RateLimiterRes = require('rate-limiter-flexible/lib/RateLimiterRes') as typeof Flexible.RateLimiterRes;

/** The Redis store's class, required on first use (only `SESSION_STORE_URL` needs it). */
export const rateLimiterRedis = (): typeof Flexible.RateLimiterRedis =>
  require('rate-limiter-flexible/lib/RateLimiterRedis') as typeof Flexible.RateLimiterRedis;

/** The MySQL store's class, required on first use (only a MySQL `DATABASE_URL` needs it). */
export const rateLimiterMySQL = (): typeof Flexible.RateLimiterMySQL =>
  require('rate-limiter-flexible/lib/RateLimiterMySQL') as typeof Flexible.RateLimiterMySQL;
