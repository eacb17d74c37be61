import { isDomainError } from '../../domain/errors';
import { ioredis } from './redis-client';
import { isStorageUnavailable, storageUnavailable } from './storage-errors';

/**
 * Redis error replies (their first word is the error code) that mean the server cannot
 * serve us now: still loading, busy script, read-only replica, failed auth or ACL, no
 * memory, failing persistence. Others (`WRONGTYPE`, a bad script) are bugs and stay 500s.
 */
const UNAVAILABLE_REPLY_CODES = new Set([
  'LOADING', 'BUSY', 'MASTERDOWN', 'READONLY', 'NOAUTH', 'WRONGPASS', 'NOPERM',
  'CLUSTERDOWN', 'TRYAGAIN', 'OOM', 'MISCONF', 'NOREPLICAS',
]);

/** Errors that mean our own code is wrong, whatever the connection does. */
const PROGRAMMING_ERRORS = [TypeError, RangeError, SyntaxError, ReferenceError];

/** The Redis error code of a reply error: the first word of its message. */
export function redisReplyCode(err: unknown): string | null {
  if (!(err instanceof ioredis().ReplyError)) return null;
  const match = /^[A-Z]+/.exec(String((err as Error).message));
  return match ? match[0] : null;
}

/**
 * True when an error raised by an ioredis command means Redis is unreachable. ioredis
 * reports connection states ("Connection is closed", "Stream isn't writeable", command
 * timeouts, MaxRetriesPerRequestError) as plain Errors without a code, so apart from
 * server replies and programming errors, every failure of a command is a connection failure.
 */
export function isRedisUnavailable(err: unknown): boolean {
  if (err instanceof ioredis().ReplyError) return UNAVAILABLE_REPLY_CODES.has(redisReplyCode(err) ?? '');
  if (isStorageUnavailable(err)) return true;
  return err instanceof Error && !isDomainError(err) && !PROGRAMMING_ERRORS.some((type) => err instanceof type);
}

/**
 * Runs Redis commands (and only those: parse results outside): connection failures become
 * `service_unavailable` with the client error as `cause`; everything else propagates.
 */
export async function guardRedis<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    throw isRedisUnavailable(err) ? storageUnavailable(err) : err;
  }
}
