import type { Knex } from 'knex';
import { mysqlTableDefaults } from '../dialect';

/**
 * The revocation sequence (SPEC §6): one counter row, bumped by every revoking transaction
 * before it writes, whose row lock (MySQL) or write lock (SQLite) is held until commit, so
 * numbers are handed out in commit order; `sessions.revoke_seq` holds each revocation's number.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('revocation_sequence', (t) => {
    mysqlTableDefaults(knex, t);
    t.integer('id').primary();
    t.bigInteger('value').notNullable();
  });
  await knex('revocation_sequence').insert({ id: 1, value: 0 });
  await knex.schema.alterTable('sessions', (t) => {
    t.bigInteger('revoke_seq').nullable();
    t.index(['revoke_seq'], 'sessions_revoke_seq_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sessions', (t) => {
    t.dropIndex(['revoke_seq'], 'sessions_revoke_seq_index');
    t.dropColumn('revoke_seq');
  });
  await knex.schema.dropTable('revocation_sequence');
}
