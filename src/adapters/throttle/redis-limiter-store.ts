import type { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { LimiterFactory } from './flexible-login-throttle';

/** Key prefix of the login counters in Redis (next to the session keys). */
export const REDIS_THROTTLE_PREFIX = 'tokengate:throttle:';

/** Limiters whose counters live in Redis, so every instance using it counts together. */
export function redisLimiterFactory(client: Redis, prefix: string = REDIS_THROTTLE_PREFIX): LimiterFactory {
  return (keyPrefix, opts) =>
    new RateLimiterRedis({ storeClient: client, useRedisPackage: false, keyPrefix: `${prefix}${keyPrefix}`, points: opts.points, duration: opts.duration });
}
