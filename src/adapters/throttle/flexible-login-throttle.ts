import { createHash } from 'node:crypto';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { LoginThrottle } from '../../domain/ports/login-throttle';
import { guardStorage } from '../storage/storage-errors';
import { RateLimiterMemory, RateLimiterRes } from './limiter-classes';

export interface LoginThrottleLimits {
  /** Failures allowed per window, per username and per IP (`LOGIN_RATE_LIMIT`). */
  count: number;
  windowSeconds: number;
}

/** Builds one counter family; `keyPrefix` keeps the families apart in a shared store. */
export type LimiterFactory = (keyPrefix: string, opts: { points: number; duration: number }) => RateLimiterAbstract;

/**
 * A hard ceiling per account whatever `LOGIN_RATE_LIMIT` says: 100 failures an hour
 * (NIST SP 800-63B §5.2.2; OWASP ASVS 4.0.3 V2.2.1). A successful login does not clear it.
 */
export const ACCOUNT_CEILING = { points: 100, duration: 3600 } as const;

export interface FlexibleLoginThrottleOptions {
  /** Where the counters live: memory (default) or a store shared by every instance. */
  makeLimiter?: LimiterFactory;
  /** The per-account ceiling; only tests shrink it. */
  ceiling?: { points: number; duration: number };
  /** Turns the store's outage errors into `service_unavailable` (default: SQL drivers'). */
  guard?: <T>(operation: () => Promise<T>) => Promise<T>;
}

/**
 * Login throttle on rate-limiter-flexible: counts failures per username and per client IP.
 * Keys are SHA-256 digests, so a shared store holds no usernames (nor the password a user
 * typed into the username field) and every key fits its column whatever the characters.
 * A store that cannot be reached fails closed: `service_unavailable`.
 */
export class FlexibleLoginThrottle implements LoginThrottle {
  private readonly byUser: RateLimiterAbstract;
  private readonly byIp: RateLimiterAbstract;
  private readonly ceiling: RateLimiterAbstract;
  private readonly guard: <T>(operation: () => Promise<T>) => Promise<T>;

  constructor(limits: LoginThrottleLimits, options: FlexibleLoginThrottleOptions = {}) {
    this.guard = options.guard ?? guardStorage;
    const make = options.makeLimiter ?? memoryLimiter;
    const opts = { points: limits.count, duration: limits.windowSeconds };
    this.byUser = make('login_user', opts);
    this.byIp = make('login_ip', opts);
    this.ceiling = make('login_ceiling', { ...(options.ceiling ?? ACCOUNT_CEILING) });
  }

  attempt(username: string, ip: string | null): Promise<number> {
    return this.guard(async () => {
      const keys = this.keysOf(username, ip);
      const waits = await Promise.all(keys.map(([limiter, key]) => take(limiter, key)));
      const wait = Math.max(0, ...waits);
      if (wait > 0) await Promise.all(keys.map(([limiter, key]) => limiter.reward(key, 1)));
      return wait;
    });
  }

  withdrawn(username: string, ip: string | null): Promise<void> {
    return this.guard(async () => {
      await Promise.all(this.keysOf(username, ip).map(([limiter, key]) => limiter.reward(key, 1)));
    });
  }

  succeeded(username: string, ip: string | null): Promise<void> {
    return this.guard(async () => {
      const [user, ...rest] = this.keysOf(username, ip);
      await Promise.all([user![0].delete(user![1]), ...rest.map(([limiter, key]) => limiter.reward(key, 1))]);
    });
  }

  /** Seconds to wait when either key is over its limit, else 0. Never consumes. */
  blockedFor(username: string, ip: string | null): Promise<number> {
    return this.guard(async () => {
      const user = throttleKey(username);
      const checks = [over(this.byUser, user), over(this.ceiling, user)];
      if (ip) checks.push(over(this.byIp, throttleKey(ip)));
      return Math.max(0, ...(await Promise.all(checks)));
    });
  }

  recordFailure(username: string, ip: string | null): Promise<void> {
    return this.guard(async () => {
      const user = throttleKey(username);
      const hits = [hit(this.byUser, user), hit(this.ceiling, user)];
      if (ip) hits.push(hit(this.byIp, throttleKey(ip)));
      await Promise.all(hits);
    });
  }

  private keysOf(username: string, ip: string | null): Counter[] {
    const user = throttleKey(username);
    const keys: Counter[] = [[this.byUser, user], [this.ceiling, user]];
    if (ip) keys.push([this.byIp, throttleKey(ip)]);
    return keys;
  }

  /** Clears the username's window counter (not the ceiling). */
  reset(username: string): Promise<void> {
    return this.guard(async () => {
      await this.byUser.delete(throttleKey(username));
    });
  }
}

/** Every counter one attempt is counted against; the username's window counter first. */
type Counter = [RateLimiterAbstract, string];

/** The key a username or IP is counted under: base64url SHA-256, 43 ASCII characters. */
export function throttleKey(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
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

/** Counts one attempt; seconds to wait when that made it go over the limit, else 0. */
async function take(limiter: RateLimiterAbstract, key: string): Promise<number> {
  try {
    await limiter.consume(key);
    return 0;
  } catch (e) {
    if (!(e instanceof RateLimiterRes)) throw e;
    return Math.max(1, Math.ceil(e.msBeforeNext / 1000));
  }
}

/** Counts one failure; going over the limit is expected and keeps counting. */
async function hit(limiter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (e) {
    if (!(e instanceof RateLimiterRes)) throw e;
  }
}
