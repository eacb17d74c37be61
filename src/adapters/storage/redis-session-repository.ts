import type { Redis } from 'ioredis';
import type { PurgeCutoffs, RotationNext, SessionRepository } from '../../domain/ports/session-repository';
import type { RevokeReason, Session } from '../../domain/session';
import { guardRedis } from './redis-errors';
import { fromSessionHash, hashFromPairs, toHashArgs } from './redis-session-hash';
import { withSessionScripts, type SessionScripts } from './redis-session-scripts';
import { clampSessionFields } from './session-limits';
import { encodeSpentTokens } from './spent-tokens-text';

export interface RedisSessionOptions {
  /** Prepended to every key (default `tokengate:`), so several gateways can share a database. */
  keyPrefix?: string;
  /** How long a session's keys outlive its absolute end, ms (default one hour). */
  expiryMarginMs?: number;
  /**
   * How long a revocation stays listable by `listRevokedSince`, ms (default one day). Must
   * exceed the access-token lifetime plus clock skew, the window the revocation list reads.
   */
  revocationRetentionMs?: number;
}

export const DEFAULT_REDIS_KEY_PREFIX = 'tokengate:';
const DEFAULT_EXPIRY_MARGIN_MS = 60 * 60 * 1000;
const DEFAULT_REVOCATION_RETENTION_MS = 24 * 60 * 60 * 1000;

const byNewest = (a: Session, b: Session): number =>
  b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/**
 * {@link SessionRepository} on Redis (ioredis). Keys, under the prefix:
 * - `s:<id>`: a hash per session ({@link toHashArgs});
 * - `u:<userId>`: a sorted set of the user's session ids, scored by absolute end;
 * - `revoked`: a sorted set of revoked session ids, scored by revocation time, trimmed to
 *   the retention window.
 * Every write is one Lua script, so compare-and-set and bulk revocation are atomic. Keys
 * expire `expiryMarginMs` after the session's absolute end; the expiry is set as a duration
 * from the session's own times, so the app's clock, not Redis's, decides what is live.
 */
export class RedisSessionRepository implements SessionRepository {
  private readonly redis: Redis & SessionScripts;
  private readonly prefix: string;
  private readonly marginMs: number;
  private readonly retentionMs: number;

  constructor(client: Redis, options: RedisSessionOptions = {}) {
    this.redis = withSessionScripts(client);
    this.prefix = options.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX;
    this.marginMs = options.expiryMarginMs ?? DEFAULT_EXPIRY_MARGIN_MS;
    this.retentionMs = options.revocationRetentionMs ?? DEFAULT_REVOCATION_RETENTION_MS;
  }

  private sessionKey(id: string): string {
    return `${this.prefix}s:${id}`;
  }

  private userKey(userId: string): string {
    return `${this.prefix}u:${userId}`;
  }

  private get revokedKey(): string {
    return `${this.prefix}revoked`;
  }

  /** `create` has no `now`: the session's creation time stands in for it. */
  async create(session: Session): Promise<void> {
    const s = clampSessionFields(session);
    const ttlMs = Math.ceil(Math.max(s.expiresAt - s.createdAt, 0) + this.marginMs);
    const created = await guardRedis(() =>
      this.redis.tgSessionCreate(
        this.sessionKey(s.id), this.userKey(s.userId), this.revokedKey,
        s.id, ttlMs, s.expiresAt, s.createdAt - this.marginMs,
        s.revokedAt ?? '', this.retentionMs, s.createdAt - this.retentionMs,
        ...toHashArgs(s),
      ),
    );
    if (created !== 1) throw new Error(`duplicate session id ${s.id}`);
  }

  async findById(id: string): Promise<Session | null> {
    const hash = await guardRedis(() => this.redis.hgetall(this.sessionKey(id)));
    return fromSessionHash(id, hash);
  }

  async rotate(id: string, expectedJti: string, next: RotationNext, now: number): Promise<boolean> {
    const won = await guardRedis(() =>
      this.redis.tgSessionRotate(this.sessionKey(id), expectedJti, next.jti, next.issuedAt, now, encodeSpentTokens(next.earlierSpent) ?? ''),
    );
    return won === 1;
  }

  async touch(id: string, now: number): Promise<void> {
    await guardRedis(() => this.redis.tgSessionTouch(this.sessionKey(id), now));
  }

  async revoke(id: string, reason: RevokeReason, now: number): Promise<boolean> {
    const flipped = await guardRedis(() =>
      this.redis.tgSessionRevoke(this.sessionKey(id), this.revokedKey, id, reason, now, this.retentionMs, now - this.retentionMs),
    );
    return flipped === 1;
  }

  revokeAllForUser(userId: string, reason: RevokeReason, now: number, exceptId?: string): Promise<string[]> {
    return guardRedis(() =>
      this.redis.tgSessionRevokeAll(
        this.userKey(userId), this.revokedKey,
        this.prefix, reason, now, this.retentionMs, now - this.retentionMs, exceptId ?? '',
      ),
    );
  }

  async listActiveForUser(userId: string, now: number): Promise<Session[]> {
    const rows = await guardRedis(() => this.redis.tgSessionListForUser(this.userKey(userId), this.prefix, now));
    return rows
      .map(([id, fields]) => fromSessionHash(id, hashFromPairs(fields)))
      .filter((s): s is Session => s !== null && s.revokedAt === null && s.expiresAt > now)
      .sort(byNewest);
  }

  async listRevokedSince(since: number): Promise<{ id: string; revokedAt: number }[]> {
    const flat = await guardRedis(() => this.redis.zrangebyscore(this.revokedKey, since, '+inf', 'WITHSCORES'));
    const revoked: { id: string; revokedAt: number }[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) revoked.push({ id: flat[i]!, revokedAt: Number(flat[i + 1]) });
    return revoked;
  }

  async revocationCursor(): Promise<number> {
    return Number((await guardRedis(() => this.redis.get(`${this.revokedKey}:n`))) ?? 0);
  }

  async listRevokedAfter(cursor: number): Promise<{ ids: string[]; cursor: number }> {
    const flat = await guardRedis(() => this.redis.zrangebyscore(`${this.revokedKey}:seq`, `(${cursor}`, '+inf', 'WITHSCORES'));
    const ids: string[] = [];
    let last = cursor;
    for (let i = 0; i + 1 < flat.length; i += 2) {
      ids.push(flat[i]!);
      last = Number(flat[i + 1]);
    }
    return { ids, cursor: last };
  }

  /**
   * Walks the session keys with SCAN (no long-running command) and deletes the stale ones
   * with a script that checks each again. Keys also expire by themselves, `expiryMarginMs`
   * after the session's absolute end.
   */
  async purge(cutoffs: PurgeCutoffs, limit: number): Promise<number> {
    const match = `${this.prefix.replace(/[*?[\]\\]/g, '\\$&')}s:*`;
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, keys] = await guardRedis(() => this.redis.scan(cursor, 'MATCH', match, 'COUNT', 500));
      cursor = next;
      if (keys.length > 0) {
        const args = [this.prefix, cutoffs.expiredBefore, cutoffs.idleBefore, cutoffs.revokedBefore, limit - deleted];
        deleted += await guardRedis(() => this.redis.tgSessionPurge(keys.length, ...keys, ...args));
      }
    } while (cursor !== '0' && deleted < limit);
    return deleted;
  }

  async ping(): Promise<void> {
    await guardRedis(() => this.redis.ping());
  }
}
