import type { Knex } from 'knex';

/** True for MySQL and MariaDB connections (the `mysql2` client). */
export const isMysql = (db: Knex): boolean => db.client.dialect === 'mysql';

/**
 * On MySQL, tables default to utf8mb4 with a binary collation so ids, jtis and usernames
 * compare byte for byte, as on SQLite: the `_ci` collations make 'Abc' = 'abc' and 'zoe' = 'zoë'.
 * `utf8mb4_bin` still pads (`'a' = 'a '`); migration 007 converts the tables of migrations 001–006
 * to a no-pad binary collation, and a later migration that creates a table must do the same.
 */
export function mysqlTableDefaults(db: Knex, table: Knex.CreateTableBuilder): void {
  if (!isMysql(db)) return;
  table.engine('InnoDB');
  table.charset('utf8mb4');
  table.collate('utf8mb4_bin');
}
