import { DomainError, isDomainError } from '../../domain/errors';

/** Seconds a client should wait before retrying when storage is down. */
export const STORAGE_RETRY_AFTER_SECONDS = 5;

const UNAVAILABLE_CODES = new Set([
  // network, as raised by mysql2's socket
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE',
  // mysql2 protocol and server refusals
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'ER_ACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR', 'ER_BAD_DB_ERROR', 'ER_CON_COUNT_ERROR',
  'ER_TOO_MANY_USER_CONNECTIONS', 'ER_SERVER_SHUTDOWN', 'ER_LOCK_WAIT_TIMEOUT', 'ER_LOCK_DEADLOCK',
  'ER_OPTION_PREVENTS_STATEMENT',
  'SQLITE_FULL',
]);
const UNAVAILABLE_PREFIXES = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_CANTOPEN', 'SQLITE_IOERR', 'SQLITE_READONLY'];
const UNIQUE_VIOLATION_CODES = new Set(['ER_DUP_ENTRY', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);

interface DriverError {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  fatal?: unknown;
  cause?: unknown;
  errors?: unknown;
}

const asDriverError = (err: unknown): DriverError | null =>
  typeof err === 'object' && err !== null ? (err as DriverError) : null;

/** True when `err` (or its cause, or one of an AggregateError's errors) means storage is unreachable. */
export function isStorageUnavailable(err: unknown, depth = 0): boolean {
  const e = asDriverError(err);
  if (!e || depth > 3) return false;
  const code = typeof e.code === 'string' ? e.code : '';
  if (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_PREFIXES.some((p) => code.startsWith(p))) return true;
  // mysql2 flags every connection-level failure as fatal; Knex names its pool timeout.
  if (e.fatal === true || e.name === 'KnexTimeoutError') return true;
  // Knex's error once its pool is destroyed (during shutdown); it carries no code.
  if (e.message === 'Unable to acquire a connection') return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => isStorageUnavailable(inner, depth + 1))) return true;
  return isStorageUnavailable(e.cause, depth + 1);
}

/** True for a duplicate key on either engine. */
export function isUniqueViolation(err: unknown): boolean {
  const code = asDriverError(err)?.code;
  return typeof code === 'string' && UNIQUE_VIOLATION_CODES.has(code);
}

/** The `service_unavailable` error; the driver error is kept as `cause` for logs only. */
export function storageUnavailable(cause: unknown): DomainError {
  const error = new DomainError('service_unavailable', 'storage unavailable', {
    retryAfterSeconds: STORAGE_RETRY_AFTER_SECONDS,
  });
  error.cause = cause;
  return error;
}

/**
 * Runs one storage operation: connection failures become `service_unavailable`, every other
 * error propagates unchanged. Used by both Knex repositories.
 */
export async function guardStorage<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    throw !isDomainError(err) && isStorageUnavailable(err) ? storageUnavailable(err) : err;
  }
}
