import type { Knex } from 'knex';
import { guardStorage } from '../storage/storage-errors';
import type { LimiterFactory } from './flexible-login-throttle';
import { rateLimiterMySQL } from './limiter-classes';

/** The table the login counters share; one row per `<family>:<key digest>`. */
export const THROTTLE_TABLE = 'login_throttle';

/**
 * Creates the counter table when missing, in the column order RateLimiterMySQL writes
 * (`INSERT ... VALUES (key, points, expire)`). `IF NOT EXISTS` makes concurrent starts of
 * several instances safe. Done here rather than by the limiter itself, because the limiter
 * also runs `CREATE DATABASE IF NOT EXISTS`, which a least-privilege account may not run,
 * and it answers "Table is not created yet" to requests that arrive before its async setup.
 */
export function ensureThrottleTable(db: Knex, table: string = THROTTLE_TABLE): Promise<void> {
  return guardStorage(async () => {
    await db.raw(
      `CREATE TABLE IF NOT EXISTS ?? (
        \`key\` VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        \`points\` INT NOT NULL DEFAULT 0,
        \`expire\` BIGINT UNSIGNED NULL,
        PRIMARY KEY (\`key\`)
      ) ENGINE = InnoDB`,
      [table],
    );
  });
}

/**
 * Counters in the MySQL database itself, so every instance on that database shares them.
 * Each consume is an `INSERT ... ON DUPLICATE KEY UPDATE` in a transaction: concurrent
 * failures are all counted. Expired rows are purged by the limiter every five minutes.
 */
export function mysqlLimiterFactory(db: Knex, database: string, table: string = THROTTLE_TABLE): LimiterFactory {
  const RateLimiterMySQL = rateLimiterMySQL();
  return (keyPrefix, opts) =>
    new RateLimiterMySQL({
      storeClient: db,
      storeType: 'knex',
      dbName: database,
      tableName: table,
      tableCreated: true,
      keyPrefix,
      ...opts,
    });
}
