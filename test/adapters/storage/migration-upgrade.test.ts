import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { knex, type Knex } from 'knex';
import { knexConfigFromUrl } from '../../../src/adapters/storage/knex-config';
import { KnexSessionRepository } from '../../../src/adapters/storage/knex-session-repository';
import * as createUsers from '../../../src/adapters/storage/migrations/001-create-users';
import * as createSessions from '../../../src/adapters/storage/migrations/002-create-sessions';
import { toSessionRow } from '../../../src/adapters/storage/session-rows';
import { aSession, T0 } from './storage-fixtures';

/**
 * A store created before migration 003 (sessions without `earlier_spent`) keeps its sessions
 * when it upgrades: they read as having no earlier spent tokens, and rotate as before.
 */
const dir = mkdtempSync(path.join(os.tmpdir(), 'tokengate-upgrade-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const before003: Knex.MigrationSource<string> = {
  getMigrations: async () => ['001_create_users', '002_create_sessions'],
  getMigrationName: (name) => name,
  getMigration: async (name) => (name === '001_create_users' ? createUsers : createSessions),
};

it('sessions stored before migration 003 survive it and rotate with earlier spent tokens after', async () => {
  const config = knexConfigFromUrl(`sqlite:${path.join(dir, 'upgrade.db')}`);
  const db = knex(config);
  try {
    await db.migrate.latest({ migrationSource: before003, tableName: 'knex_migrations' });
    const session = aSession({ currentJti: 'jti-a' });
    const { earlier_spent: _absent, ...oldRow } = toSessionRow(session);
    await db('sessions').insert(oldRow);

    await db.migrate.latest(config.migrations);
    expect(await db('knex_migrations').pluck('name')).toEqual(expect.arrayContaining(['001_create_users', '002_create_sessions', '003_add_earlier_spent']));

    const repo = new KnexSessionRepository(db);
    expect(await repo.findById(session.id)).toStrictEqual({ ...session, earlierSpent: [] });
    const spent = [{ jti: 'jti-0', spentAt: T0 }];
    expect(await repo.rotate(session.id, 'jti-a', { jti: 'jti-b', issuedAt: T0 + 1, earlierSpent: spent }, T0 + 1)).toBe(true);
    expect(await repo.findById(session.id)).toMatchObject({ currentJti: 'jti-b', previousJti: 'jti-a', earlierSpent: spent });
  } finally {
    await db.destroy();
  }
});
