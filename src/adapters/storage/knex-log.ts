import { knex, type Knex } from 'knex';
import type { Logger } from 'pino';

/**
 * Knex's own messages (a pool that cannot reach MySQL, a dropped connection, a deprecation)
 * as structured log lines of the gateway's logger, instead of Knex's default `console.log`
 * of coloured text. Only the message text is kept: debug payloads (queries and their
 * bindings) are never logged.
 */
export function knexLog(logger: Pick<Logger, 'warn' | 'error' | 'debug'>): Knex.Logger {
  const text = (message: unknown): string =>
    withoutStackFrames(typeof message === 'string' ? message : message instanceof Error ? message.message : 'storage driver message');
  return {
    warn: (message: unknown) => logger.warn({ component: 'knex', detail: text(message) }, 'storage driver warning'),
    error: (message: unknown) => logger.error({ component: 'knex', detail: text(message) }, 'storage driver error'),
    debug: () => {},
    deprecate: (method: string, alternative: string) =>
      logger.warn({ component: 'knex', detail: `${method} is deprecated; use ${alternative}` }, 'storage driver warning'),
    enableColors: false,
  };
}

/**
 * A message without the stack frames Knex appends to some (`Acquire connection error: <stack>`):
 * SPEC §4 allows no stack trace in a log. The remaining lines are joined into one.
 */
function withoutStackFrames(message: string): string {
  if (!message.includes('\n')) return message;
  return message
    .split('\n')
    .filter((line) => !/^\s+at\s/.test(line))
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ');
}

/**
 * A Knex instance whose query errors carry the driver's own message and no SQL (SPEC §4: never
 * SQL in a log). Knex puts the failed query in front of the driver's message (`<sql> - <message>`),
 * with the values spliced in unless `compileSqlOnError` is false: that setting keeps the values
 * out, and a `query-error` listener, which Knex calls before it rethrows, takes the query off.
 * The driver's code (`ER_DUP_ENTRY`, `SQLITE_CONSTRAINT_UNIQUE`…) is kept, so error handling is unchanged.
 */
export function createKnex(config: Knex.Config): Knex {
  const db = knex({ ...config, compileSqlOnError: false });
  db.on('query-error', (err: unknown, query: { sql?: unknown }) => {
    // Not `instanceof Error`: a native driver's error class may come from another realm.
    const e = err as { message?: unknown } | null;
    if (typeof e !== 'object' || e === null || typeof e.message !== 'string' || typeof query?.sql !== 'string') return;
    const prefix = `${query.sql} - `;
    if (e.message.startsWith(prefix)) e.message = e.message.slice(prefix.length);
  });
  return db;
}
