import type { Knex } from 'knex';

/**
 * Refresh tokens spent by earlier rotations and still inside the grace window
 * (`Session.earlierSpent`), as JSON text; null when there are none.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sessions', (t) => {
    t.text('earlier_spent').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sessions', (t) => {
    t.dropColumn('earlier_spent');
  });
}
