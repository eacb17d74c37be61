import { knex, type Knex } from 'knex';
import { knexConfigFromUrl } from '../../../src/adapters/storage/knex-config';
import { openStorage } from '../../../src/adapters/storage/open-storage';
import { createTestMysqlDatabase, describeWithMysql } from '../../support/mysql';
import { sessionRepositoryContract } from './session-repository.contract';
import { userRepositoryContract } from './user-repository.contract';
import { sessionUserLookupContract } from './session-user-lookup.contract';
import { secondFactorRepositoryContract } from './second-factor-repository.contract';

const unavailable = { code: 'service_unavailable', message: 'storage unavailable', details: { retryAfterSeconds: 5 } };

describeWithMysql('MySQL storage', (database) => {
  let admin: Knex;
  beforeAll(async () => {
    admin = knex(knexConfigFromUrl(database().url));
    await admin.migrate.latest();
  });
  afterAll(() => admin.destroy());

  /** Fresh rows per test, one migrated schema per file. */
  const factory = async () => {
    await admin('sessions').del();
    await admin('users').del();
    await admin('second_factors').del();
    return openStorage(database().url);
  };

  userRepositoryContract('mysql', factory);
  sessionRepositoryContract('mysql', factory);
  sessionUserLookupContract('mysql', factory);
  secondFactorRepositoryContract('mysql', factory);

  it('compares usernames, ids and jtis byte for byte, trailing spaces included (a no-pad binary collation)', async () => {
    const [rows] = (await admin.raw(
      `select table_name as tbl, column_name as name, collation_name as collation from information_schema.columns
       where table_schema = ? and table_name in ('users', 'sessions', 'second_factors') and collation_name is not null`,
      [database().name],
    )) as [{ tbl: string; name: string; collation: string }[]];
    expect(new Set(rows.map((r) => r.tbl))).toStrictEqual(new Set(['users', 'sessions', 'second_factors']));
    for (const row of rows) expect(row).toMatchObject({ collation: expect.stringMatching(/^utf8mb4_(nopad_bin|0900_bin)$/) });
  });

  it('migrate is idempotent through openStorage', async () => {
    const storage = await openStorage(database().url);
    try {
      await expect(storage.migrate()).resolves.toBeUndefined();
      expect(storage).toMatchObject({ kind: 'mysql', description: expect.stringContaining(database().name) });
    } finally {
      await storage.close();
    }
  });
});

describe('MySQL unreachable', () => {
  it('ping, finds and migrate reject with service_unavailable and no driver text', async () => {
    const storage = await openStorage('mysql://root:secret@127.0.0.1:1/tokengate');
    try {
      await expect(storage.sessions.ping()).rejects.toMatchObject(unavailable);
      await expect(storage.sessions.findById('sid')).rejects.toMatchObject(unavailable);
      await expect(storage.users.findById('uid')).rejects.toMatchObject(unavailable);
      await expect(storage.sessionUsers.find('sid', 'uid')).rejects.toMatchObject(unavailable);
      await expect(storage.migrate()).rejects.toMatchObject(unavailable);
      expect(storage.description).not.toContain('secret');
    } finally {
      await storage.close();
    }
  });
});

describe('createTestMysqlDatabase', () => {
  const ci = process.env.CI;
  afterEach(() => {
    if (ci === undefined) delete process.env.CI;
    else process.env.CI = ci;
  });

  it('returns null for an unreachable server outside CI', async () => {
    delete process.env.CI;
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    await expect(createTestMysqlDatabase('mysql://root@127.0.0.1:1')).resolves.toBeNull();
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });

  it('rejects for an unreachable server under CI=true, never skips', async () => {
    process.env.CI = 'true';
    await expect(createTestMysqlDatabase('mysql://root@127.0.0.1:1')).rejects.toThrow(/CI=true/);
  });
});
