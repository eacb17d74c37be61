import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { knex } from 'knex';
import { parseDatabaseUrl } from '../../../src/adapters/storage/database-url';
import { redactPassword } from '../../../src/adapters/system/location-parsers';
import { knexConfigFromTarget, knexConfigFromUrl } from '../../../src/adapters/storage/knex-config';
import { openStorage } from '../../../src/adapters/storage/open-storage';

const tempDir = mkdtempSync(path.join(os.tmpdir(), 'tokengate-open-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

describe('parseDatabaseUrl', () => {
  it.each([
    ['sqlite:./data/tokengate.db', { kind: 'sqlite', filename: path.resolve('data/tokengate.db') }],
    ['sqlite:/var/lib/tg.db', { kind: 'sqlite', filename: '/var/lib/tg.db' }],
    ['sqlite:///var/lib/tg.db', { kind: 'sqlite', filename: '/var/lib/tg.db' }],
    ['sqlite::memory:', { kind: 'sqlite', filename: ':memory:' }],
    ['memory:', { kind: 'memory' }],
    [
      'mysql://tg:p%40ss@db.internal:3307/tokengate',
      { kind: 'mysql', host: 'db.internal', port: 3307, user: 'tg', password: 'p@ss', database: 'tokengate' },
    ],
    ['mysql://root@127.0.0.1/tg', { kind: 'mysql', host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'tg' }],
  ])('%s', (url, expected) => {
    expect(parseDatabaseUrl(url)).toStrictEqual(expected);
  });

  it('puts a bare sqlite: file in dataDir', () => {
    expect(parseDatabaseUrl('sqlite:', '/srv/tg')).toStrictEqual({ kind: 'sqlite', filename: '/srv/tg/tokengate.db' });
  });

  it.each(['postgres://u:hunter2@h/db', 'mysql://u:hunter2@h', 'tokengate.db', ''])(
    'rejects %j with one line naming the accepted forms and no password',
    (url) => {
      expect(() => parseDatabaseUrl(url)).toThrow(/^Unsupported DATABASE_URL .*sqlite:<path>.*memory:$/);
      expect(() => parseDatabaseUrl(url)).not.toThrow(/hunter2|\n/);
    },
  );

  it('redacts passwords, including ones containing @ and :', () => {
    expect(redactPassword('mysql://tg:a@b:c@db:3306/x')).toBe('mysql://tg:***@db:3306/x');
    expect(redactPassword('sqlite:./data/tokengate.db')).toBe('sqlite:./data/tokengate.db');
    // Regression: the password was shown from its first `/` on.
    expect(redactPassword('mysql://app:s3cr/et@db:3306/tg')).toBe('mysql://app:***@db:3306/tg');
    expect(redactPassword('mysql://app:p?a#ss/w@rd@db/tg')).toBe('mysql://app:***@db/tg');
    expect(redactPassword('redis://:s3cr/et@cache:6379/0')).toBe('redis://:***@cache:6379/0');
    expect(redactPassword('mysql://app@db:3306/tg')).toBe('mysql://app@db:3306/tg');
  });
});

describe('openStorage', () => {
  it('describes each kind without its password', async () => {
    const mysqlStorage = await openStorage('mysql://tg:hunter2@db.internal:3306/tokengate');
    const memory = await openStorage('memory:');
    expect(mysqlStorage).toMatchObject({ kind: 'mysql', description: 'mysql://tg:***@db.internal:3306/tokengate' });
    expect(memory.kind).toBe('memory');
    await mysqlStorage.close();
    await memory.close();
  });

  it('creates the parent directory of a SQLite file and runs it in WAL mode, synchronous NORMAL', async () => {
    const file = path.join(tempDir, 'nested', 'deeper', 'tokengate.db');
    const storage = await openStorage(`sqlite:${file}`);
    await storage.migrate();
    await storage.close();
    expect(existsSync(file)).toBe(true);

    const db = knex(knexConfigFromUrl(`sqlite:${file}`));
    try {
      expect(await db.raw('PRAGMA journal_mode')).toStrictEqual([{ journal_mode: 'wal' }]);
      expect(await db.raw('PRAGMA busy_timeout')).toStrictEqual([{ timeout: 5000 }]);
      expect(await db.raw('PRAGMA synchronous')).toStrictEqual([{ synchronous: 1 }]); // NORMAL
      expect(await db('knex_migrations').pluck('name')).toStrictEqual([
        '001_create_users', '002_create_sessions', '003_add_earlier_spent', '004_add_purge_indexes', '005_add_revocation_sequence', '006_add_second_factors', '007_no_pad_collation',
      ]);
    } finally {
      await db.destroy();
    }
  });

  it('bounds the MySQL pool by DATABASE_POOL_MAX (10 when not given)', () => {
    const target = { kind: 'mysql', host: 'db', port: 3306, user: 'tg', password: '', database: 'tg' } as const;
    expect(knexConfigFromTarget(target, { poolMax: 25 }).pool).toMatchObject({ min: 0, max: 25 });
    expect(knexConfigFromTarget(target).pool).toMatchObject({ max: 10 });
  });

  it('migrate is idempotent', async () => {
    const storage = await openStorage('sqlite::memory:');
    await storage.migrate();
    await expect(storage.migrate()).resolves.toBeUndefined();
    expect(await storage.users.count()).toBe(0);
    await storage.close();
  });

  it('rejects an unknown scheme', async () => {
    await expect(openStorage('redis://localhost')).rejects.toThrow(/^Unsupported DATABASE_URL/);
  });
});
