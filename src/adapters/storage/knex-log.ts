import type { Knex } from 'knex';
import type { Logger } from 'pino';

/**
 * Knex's own messages (a pool that cannot reach MySQL, a dropped connection, a deprecation)
 * as structured log lines of the gateway's logger, instead of Knex's default `console.log`
 * of coloured text. Only the message text is kept: debug payloads (queries and their
 * bindings) are never logged.
 */
export function knexLog(logger: Pick<Logger, 'warn' | 'error' | 'debug'>): Knex.Logger {
  const text = (message: unknown): string =>
    typeof message === 'string' ? message : message instanceof Error ? message.message : 'storage driver message';
  return {
    warn: (message: unknown) => logger.warn({ component: 'knex', detail: text(message) }, 'storage driver warning'),
    error: (message: unknown) => logger.error({ component: 'knex', detail: text(message) }, 'storage driver error'),
    debug: () => {},
    deprecate: (method: string, alternative: string) =>
      logger.warn({ component: 'knex', detail: `${method} is deprecated; use ${alternative}` }, 'storage driver warning'),
    enableColors: false,
  };
}
