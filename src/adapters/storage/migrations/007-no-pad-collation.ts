import type { Knex } from 'knex';
import { isMysql } from '../dialect';

const TABLES = ['users', 'sessions', 'second_factors'] as const;

/** The binary collations without PAD SPACE, best first: MariaDB ≥ 10.2, MySQL ≥ 8.0. */
const NO_PAD = ['utf8mb4_nopad_bin', 'utf8mb4_0900_bin'] as const;

/**
 * MySQL's `utf8mb4_bin` is a PAD SPACE collation: `'alice' = 'alice '` is true, so a username
 * with trailing spaces found the user without them (and was counted by the login throttle as
 * another name), where SQLite compares byte for byte. This converts the tables to a binary
 * collation without padding where the server has one; on a server without one (MySQL 5.7)
 * the user repository still refuses a row whose name differs from the one asked for.
 */
export async function up(knex: Knex): Promise<void> {
  if (!isMysql(knex)) return;
  const collation = await noPadCollation(knex);
  if (!collation) return;
  for (const table of TABLES) {
    await knex.raw(`ALTER TABLE ?? CONVERT TO CHARACTER SET utf8mb4 COLLATE ${collation}`, [table]);
  }
}

export async function down(knex: Knex): Promise<void> {
  if (!isMysql(knex)) return;
  for (const table of TABLES) {
    await knex.raw('ALTER TABLE ?? CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin', [table]);
  }
}

async function noPadCollation(knex: Knex): Promise<string | null> {
  const [rows] = (await knex.raw('SHOW COLLATION WHERE Charset = ?', ['utf8mb4'])) as [{ Collation: string }[]];
  const known = new Set(rows.map((r) => r.Collation));
  return NO_PAD.find((c) => known.has(c)) ?? null;
}
