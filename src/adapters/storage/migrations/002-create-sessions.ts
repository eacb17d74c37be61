import type { Knex } from 'knex';
import { mysqlTableDefaults } from '../dialect';

/**
 * Times are BIGINT milliseconds since the epoch. No foreign key to `users`: the port does
 * not require one, and the in-memory adapter runs the same contract.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sessions', (t) => {
    mysqlTableDefaults(knex, t);
    t.string('id', 64).primary();
    t.string('user_id', 64).notNullable().index();
    t.string('current_jti', 128).notNullable();
    t.bigInteger('current_issued_at').notNullable();
    t.string('previous_jti', 128).nullable();
    t.bigInteger('rotated_at').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('last_used_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('revoked_at').nullable().index();
    t.string('revoke_reason', 32).nullable();
    t.string('user_agent', 512).nullable();
    t.string('ip', 64).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sessions');
}
