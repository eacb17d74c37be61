import type { Redis } from 'ioredis';

/*
 * Lua scripts of the Redis session store. Each runs atomically on the server (EVALSHA via
 * ioredis `defineCommand`, with EVAL as fallback after a restart). Times arrive as decimal
 * strings and are written back as received: Lua numbers are doubles and `tostring` would
 * print large ones in exponent form. Every write checks that the session hash exists, so no
 * script ever recreates an expired session without its expiry.
 */

/**
 * Shared by the revoking scripts: `rk` is the revocation index key (scored by time); beside it
 * `rk:n` counts revocations and `rk:seq` scores each revoked id by its number, which other
 * instances follow without comparing clocks (scripts run one at a time: numbers are in order).
 */
const REVOKE_ONE = `
local function revoke_one(key, id, rk, reason, now)
  local s = redis.call('HMGET', key, 'userId', 'revokedAt')
  if not s[1] or s[2] then return false end
  redis.call('HSET', key, 'revokedAt', now, 'revokeReason', reason)
  redis.call('ZADD', rk, now, id)
  redis.call('ZADD', rk .. ':seq', redis.call('INCR', rk .. ':n'), id)
  return true
end
local function trim_revocations(rk, below, retention)
  for _, old in ipairs(redis.call('ZRANGEBYSCORE', rk, '-inf', '(' .. below)) do redis.call('ZREM', rk .. ':seq', old) end
  redis.call('ZREMRANGEBYSCORE', rk, '-inf', '(' .. below)
  if redis.call('PTTL', rk) < tonumber(retention) then redis.call('PEXPIRE', rk, retention) end
  if redis.call('PTTL', rk .. ':seq') < tonumber(retention) then redis.call('PEXPIRE', rk .. ':seq', retention) end
end
`;

/**
 * KEYS: session hash, user index, revocation index.
 * ARGV: id, ttlMs, expiresAt, userPruneBelow, revokedAt|'', retentionMs, revocationTrimBelow, field, value…
 */
const CREATE = `${REVOKE_ONE}
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local ttl = tonumber(ARGV[2])
redis.call('HSET', KEYS[1], unpack(ARGV, 8))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[4])
if redis.call('PTTL', KEYS[2]) < ttl then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
if ARGV[5] ~= '' then
  redis.call('ZADD', KEYS[3], ARGV[5], ARGV[1])
  trim_revocations(KEYS[3], ARGV[7], ARGV[6])
end
return 1
`;

/**
 * The compare-and-set of SPEC §3. KEYS: session hash.
 * ARGV: expectedJti, nextJti, issuedAt, now, earlierSpent (JSON text, '' for none).
 */
const ROTATE = `
local s = redis.call('HMGET', KEYS[1], 'currentJti', 'revokedAt')
if not s[1] or s[2] or s[1] ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'previousJti', ARGV[1], 'currentJti', ARGV[2],
  'currentIssuedAt', ARGV[3], 'rotatedAt', ARGV[4], 'lastUsedAt', ARGV[4])
if ARGV[5] == '' then
  redis.call('HDEL', KEYS[1], 'earlierSpent')
else
  redis.call('HSET', KEYS[1], 'earlierSpent', ARGV[5])
end
return 1
`;

/** KEYS: session hash. ARGV: now. Never moves lastUsedAt backwards. */
const TOUCH = `
local s = redis.call('HMGET', KEYS[1], 'lastUsedAt', 'revokedAt')
if not s[1] or s[2] then return 0 end
if tonumber(s[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'lastUsedAt', ARGV[1])
return 1
`;

/** KEYS: session hash, revocation index. ARGV: id, reason, now, retentionMs, trimBelow. */
const REVOKE = `${REVOKE_ONE}
if not revoke_one(KEYS[1], ARGV[1], KEYS[2], ARGV[2], ARGV[3]) then return 0 end
trim_revocations(KEYS[2], ARGV[5], ARGV[4])
return 1
`;

/**
 * KEYS: user index, revocation index.
 * ARGV: keyPrefix, reason, now, retentionMs, trimBelow, exceptId|''. Returns the ids revoked.
 * Session keys are derived from the index here, so the whole sweep is one atomic step
 * (which ties the store to a single Redis node, not Redis Cluster).
 */
const REVOKE_ALL = `${REVOKE_ONE}
local revoked = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if id ~= ARGV[6] then
    local key = ARGV[1] .. 's:' .. id
    if redis.call('EXISTS', key) == 0 then
      redis.call('ZREM', KEYS[1], id)
    elseif revoke_one(key, id, KEYS[2], ARGV[2], ARGV[3]) then
      revoked[#revoked + 1] = id
    end
  end
end
if #revoked > 0 then trim_revocations(KEYS[2], ARGV[5], ARGV[4]) end
return revoked
`;

/** KEYS: user index. ARGV: keyPrefix, now. Returns {id, {field, value…}} for sessions ending after now. */
const LIST_FOR_USER = `
local found = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[2], '+inf')) do
  local fields = redis.call('HGETALL', ARGV[1] .. 's:' .. id)
  if #fields > 0 then found[#found + 1] = { id, fields } end
end
return found
`;

/**
 * KEYS: session hashes (from a SCAN). ARGV: keyPrefix, expiredBefore, idleBefore, revokedBefore,
 * limit. Deletes at most `limit` sessions no token can use (SPEC §6) and their user-index
 * entries; returns how many.
 */
const PURGE = `
local prefix, deleted = ARGV[1], 0
for _, key in ipairs(KEYS) do
  if deleted >= tonumber(ARGV[5]) then break end
  local s = redis.call('HMGET', key, 'userId', 'expiresAt', 'lastUsedAt', 'revokedAt')
  if s[1] and s[2] and s[3] then
    local stale
    if s[4] then stale = tonumber(s[4]) < tonumber(ARGV[4])
    else stale = tonumber(s[2]) < tonumber(ARGV[2]) or tonumber(s[3]) < tonumber(ARGV[3]) end
    if stale then
      redis.call('DEL', key)
      redis.call('ZREM', prefix .. 'u:' .. s[1], string.sub(key, #prefix + 3))
      deleted = deleted + 1
    end
  end
end
return deleted
`;

type Arg = string | number;

/** The scripts as typed client methods (ioredis adds them at run time). */
export interface SessionScripts {
  tgSessionCreate(session: string, user: string, revoked: string, ...args: Arg[]): Promise<number>;
  tgSessionRotate(session: string, expectedJti: string, nextJti: string, issuedAt: Arg, now: Arg, earlierSpent: string): Promise<number>;
  tgSessionTouch(session: string, now: Arg): Promise<number>;
  tgSessionRevoke(session: string, revoked: string, ...args: Arg[]): Promise<number>;
  tgSessionRevokeAll(user: string, revoked: string, ...args: Arg[]): Promise<string[]>;
  tgSessionListForUser(user: string, prefix: string, now: Arg): Promise<[string, string[]][]>;
  /** The number of keys first, then the keys, then ARGV (see PURGE). */
  tgSessionPurge(numberOfKeys: number, ...args: Arg[]): Promise<number>;
}

const DEFINITIONS: Record<keyof SessionScripts, { numberOfKeys?: number; lua: string }> = {
  tgSessionCreate: { numberOfKeys: 3, lua: CREATE },
  tgSessionRotate: { numberOfKeys: 1, lua: ROTATE },
  tgSessionTouch: { numberOfKeys: 1, lua: TOUCH },
  tgSessionRevoke: { numberOfKeys: 2, lua: REVOKE },
  tgSessionRevokeAll: { numberOfKeys: 2, lua: REVOKE_ALL },
  tgSessionListForUser: { numberOfKeys: 1, lua: LIST_FOR_USER },
  tgSessionPurge: { lua: PURGE },
};

/** Registers the scripts on `client` (once per client) and returns it typed with them. */
export function withSessionScripts(client: Redis): Redis & SessionScripts {
  for (const [name, definition] of Object.entries(DEFINITIONS)) {
    if (!(name in client)) client.defineCommand(name, definition);
  }
  return client as Redis & SessionScripts;
}
