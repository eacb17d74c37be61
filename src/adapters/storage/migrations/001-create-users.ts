import type { Knex } from 'knex';
import { mysqlTableDefaults } from '../dialect';

/** Times are BIGINT milliseconds since the epoch; `roles` is a JSON array as text. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    mysqlTableDefaults(knex, t);
    t.string('id', 64).primary();
    t.string('username', 255).notNullable();
    // Lower-casing and NFC can lengthen a 128-character name; the collation must be binary.
    t.string('username_normalized', 512).notNullable().collate('utf8mb4_bin').unique();
    t.string('password_hash', 512).notNullable();
    t.text('roles').notNullable();
    t.boolean('disabled').notNullable().defaultTo(false);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('users');
}
