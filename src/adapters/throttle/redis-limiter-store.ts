import type { Redis } from 'ioredis';
import type { LimiterFactory } from './flexible-login-throttle';
import { rateLimiterRedis } from './limiter-classes';

/** Key prefix of the login counters in Redis (next to the session keys). */
export const REDIS_THROTTLE_PREFIX = 'tokengate:throttle:';

/** Limiters whose counters live in Redis, so every instance using it counts together. */
export function redisLimiterFactory(client: Redis, prefix: string = REDIS_THROTTLE_PREFIX): LimiterFactory {
  const RateLimiterRedis = rateLimiterRedis();
  return (keyPrefix, opts) =>
    new RateLimiterRedis({ storeClient: client, useRedisPackage: false, keyPrefix: `${prefix}${keyPrefix}`, points: opts.points, duration: opts.duration });
}
