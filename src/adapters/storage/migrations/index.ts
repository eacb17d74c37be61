import type { Knex } from 'knex';
import * as createUsers from './001-create-users';
import * as createSessions from './002-create-sessions';
import * as addEarlierSpent from './003-add-earlier-spent';
import * as addPurgeIndexes from './004-add-purge-indexes';
import * as addRevocationSequence from './005-add-revocation-sequence';
import * as addSecondFactors from './006-add-second-factors';
import * as noPadCollation from './007-no-pad-collation';

export interface NamedMigration {
  /** Recorded in `knex_migrations`: never rename one that has shipped. */
  name: string;
  migration: Knex.Migration;
}

const MIGRATIONS: readonly NamedMigration[] = [
  { name: '001_create_users', migration: createUsers },
  { name: '002_create_sessions', migration: createSessions },
  { name: '003_add_earlier_spent', migration: addEarlierSpent },
  { name: '004_add_purge_indexes', migration: addPurgeIndexes },
  { name: '005_add_revocation_sequence', migration: addRevocationSequence },
  { name: '006_add_second_factors', migration: addSecondFactors },
  { name: '007_no_pad_collation', migration: noPadCollation },
];

/**
 * Migrations are imported modules, not a globbed directory, so they run the same under
 * ts-jest and from the compiled `dist/`.
 */
export const migrationSource: Knex.MigrationSource<NamedMigration> = {
  getMigrations: async () => [...MIGRATIONS],
  getMigrationName: (m) => m.name,
  getMigration: async (m) => m.migration,
};
