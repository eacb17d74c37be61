import type { Knex } from 'knex';
import { mysqlTableDefaults } from '../dialect';

/**
 * TOTP enrolments (SPEC §12), one row per user: the sealed secret, the last step used (replay
 * guard), the recovery code hashes (JSON array) and the newest mfaToken spent (`iat`, seconds).
 * `sessions.amr` records how each session's login was done (JSON array, null = password).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('second_factors', (t) => {
    mysqlTableDefaults(knex, t);
    t.string('user_id', 64).primary();
    t.text('sealed_secret').notNullable();
    t.bigInteger('last_step').notNullable();
    t.text('recovery_hashes').notNullable();
    t.bigInteger('challenges_spent_through').notNullable();
    t.bigInteger('created_at').notNullable();
  });
  await knex.schema.alterTable('sessions', (t) => {
    t.string('amr', 64).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sessions', (t) => {
    t.dropColumn('amr');
  });
  await knex.schema.dropTable('second_factors');
}
