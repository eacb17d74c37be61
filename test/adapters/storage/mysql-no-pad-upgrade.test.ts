import { knex, type Knex } from 'knex';
import { knexConfigFromUrl } from '../../../src/adapters/storage/knex-config';
import { KnexSessionRepository } from '../../../src/adapters/storage/knex-session-repository';
import { KnexUserRepository } from '../../../src/adapters/storage/knex-user-repository';
import { migrationSource, type NamedMigration } from '../../../src/adapters/storage/migrations';
import { describeWithMysql } from '../../support/mysql';
import { aSession, aUser } from './storage-fixtures';

/** The migrations as shipped before 007: a MySQL store created by an earlier release. */
const before007: Knex.MigrationSource<NamedMigration> = {
  ...migrationSource,
  getMigrations: async () => (await migrationSource.getMigrations([])).filter((m) => m.name < '007'),
};

describeWithMysql('migration 007 on MySQL: usernames compared without padding', (database) => {
  let db: Knex;
  beforeAll(() => {
    db = knex(knexConfigFromUrl(database().url));
  });
  afterAll(() => db.destroy());

  it('an earlier store took "alice " for "alice"; after 007 they are two users, and nothing stored is lost', async () => {
    await db.migrate.latest({ migrationSource: before007, tableName: 'knex_migrations' });
    const users = new KnexUserRepository(db);
    const sessions = new KnexSessionRepository(db);
    const alice = await users.create(aUser({ username: 'alice' }));
    const session = aSession({ userId: alice.id });
    await sessions.create(session);
    // The premise: utf8mb4_bin pads, so the unique index refuses the padded name.
    await expect(users.create(aUser({ username: 'alice ' }))).rejects.toMatchObject({ code: 'invalid_request' });
    // Even then, the repository never hands out alice for "alice ".
    expect(await users.findByUsername('alice ')).toBeNull();

    await db.migrate.latest({ migrationSource, tableName: 'knex_migrations' });
    expect(await users.findById(alice.id)).toStrictEqual(alice);
    expect(await sessions.findById(session.id)).toStrictEqual(session);
    const padded = await users.create(aUser({ username: 'alice ' }));
    expect((await users.findByUsername('alice '))?.id).toBe(padded.id);
    expect((await users.findByUsername('alice'))?.id).toBe(alice.id);
  });
});
