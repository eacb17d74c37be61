import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { LoginThrottle } from '../../domain/ports/login-throttle';

export interface LoginThrottleLimits {
  /** Failures allowed per window, per username and per IP (`LOGIN_RATE_LIMIT`). */
  count: number;
  windowSeconds: number;
}

/** A hard ceiling per account whatever the window setting: 100 failures an hour. */
const ACCOUNT_CEILING = { points: 100, duration: 3600 };

/** Login throttle on rate-limiter-flexible: counts failures per username and per client IP. */
export class FlexibleLoginThrottle implements LoginThrottle {
  private readonly byUser: RateLimiterAbstract;
  private readonly byIp: RateLimiterAbstract;
  private readonly ceiling: RateLimiterAbstract;

  constructor(limits: LoginThrottleLimits, makeLimiter = memoryLimiter) {
    const opts = { points: limits.count, duration: limits.windowSeconds };
    this.byUser = makeLimiter('login_user', opts);
    this.byIp = makeLimiter('login_ip', opts);
    this.ceiling = makeLimiter('login_ceiling', ACCOUNT_CEILING);
  }

  async blockedFor(username: string, ip: string | null): Promise<number> {
    const checks = [over(this.byUser, username), over(this.ceiling, username)];
    if (ip) checks.push(over(this.byIp, ip));
    return Math.max(0, ...(await Promise.all(checks)));
  }

  async recordFailure(username: string, ip: string | null): Promise<void> {
    const hits = [hit(this.byUser, username), hit(this.ceiling, username)];
    if (ip) hits.push(hit(this.byIp, ip));
    await Promise.all(hits);
  }

  async reset(username: string): Promise<void> {
    await this.byUser.delete(username);
  }
}

export function memoryLimiter(keyPrefix: string, opts: { points: number; duration: number }): RateLimiterAbstract {
  return new RateLimiterMemory({ keyPrefix, ...opts });
}

/** Seconds until `key` may try again; 0 while under the limit. */
async function over(limiter: RateLimiterAbstract, key: string): Promise<number> {
  const res = await limiter.get(key);
  if (!res || res.consumedPoints < limiter.points) return 0;
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}

async function hit(limiter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (e) {
    if (!(e instanceof RateLimiterRes)) throw e;
  }
}
