import type { Knex } from 'knex';

/** The purge (SPEC §6) looks sessions up by absolute end and last use. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sessions', (t) => {
    t.index(['expires_at'], 'sessions_expires_at_index');
    t.index(['last_used_at'], 'sessions_last_used_at_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sessions', (t) => {
    t.dropIndex(['expires_at'], 'sessions_expires_at_index');
    t.dropIndex(['last_used_at'], 'sessions_last_used_at_index');
  });
}
