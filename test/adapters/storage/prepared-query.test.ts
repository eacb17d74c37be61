import { knex, type Knex } from 'knex';
import { knexConfigFromUrl } from '../../../src/adapters/storage/knex-config';
import { parameter, PreparedStatements, preparedStatements } from '../../../src/adapters/storage/prepared-query';
import { describeWithMysql } from '../../support/mysql';

interface ProbeRow {
  id: string;
  label: string | null;
  n: number | string;
}

async function createProbe(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('prepared_probe');
  await db.schema.createTable('prepared_probe', (t) => {
    t.string('id', 64).primary();
    t.text('label');
    t.bigInteger('n').notNullable();
  });
  await db('prepared_probe').insert([
    { id: 'a', label: 'first', n: 1 },
    { id: 'b', label: 'second', n: 10 },
    { id: 'c', label: null, n: 1_700_000_000_123 },
  ]);
}

/** The same cases on each driver: `open` gives a Knex whose pool holds at most one connection. */
function preparedQueryCases(driver: string, open: () => Knex) {
  describe(`prepared queries on ${driver}`, () => {
    let db: Knex;
    let prepared: PreparedStatements;
    beforeAll(async () => {
      db = open();
      await createProbe(db);
      prepared = preparedStatements(db);
    });
    afterAll(async () => {
      await db.schema.dropTableIfExists('prepared_probe');
      await db.destroy();
    });

    const byId = () => prepared.prepare(db<ProbeRow>('prepared_probe').where('id', parameter('id')).select('id', 'label', 'n'), ['id']);
    const relabel = () =>
      prepared.prepare(db('prepared_probe').where('id', parameter('id')).andWhere('label', parameter('expected')).update({ label: parameter('label') }), [
        'id',
        'expected',
        'label',
      ]);

    it('reads the row its parameter names, and undefined when there is none', async () => {
      const query = byId();
      const row = await prepared.first<ProbeRow, 'id'>(query, { id: 'b' });
      expect({ ...row, n: Number(row?.n) }).toStrictEqual({ id: 'b', label: 'second', n: 10 });
      expect(await prepared.first(query, { id: 'nobody' })).toBeUndefined();
    });

    it('gives BIGINT values back as the numbers stored', async () => {
      const row = await prepared.first<ProbeRow, 'id'>(byId(), { id: 'c' });
      expect(Number(row?.n)).toBe(1_700_000_000_123);
      expect(row?.label).toBeNull();
    });

    it('binds values, never splices them into the SQL', async () => {
      const query = byId();
      expect(await prepared.first(query, { id: "a' OR '1'='1" })).toBeUndefined();
      const hostile = "x'); DROP TABLE prepared_probe; --";
      expect(await prepared.changes(relabel(), { id: 'a', expected: 'first', label: hostile })).toBe(1);
      expect((await db<ProbeRow>('prepared_probe').where('id', 'a').first())?.label).toBe(hostile);
      // A value that looks like a placeholder is just a value.
      expect(await prepared.changes(relabel(), { id: 'a', expected: hostile, label: parameter('id') })).toBe(1);
      expect((await db<ProbeRow>('prepared_probe').where('id', 'a').first())?.label).toBe(parameter('id'));
      await db('prepared_probe').where('id', 'a').update({ label: 'first' });
    });

    it('counts the rows an UPDATE matched: a compare-and-set has one winner', async () => {
      const query = relabel();
      expect(await prepared.changes(query, { id: 'b', expected: 'second', label: 'won' })).toBe(1);
      expect(await prepared.changes(query, { id: 'b', expected: 'second', label: 'lost' })).toBe(0);
      expect((await db<ProbeRow>('prepared_probe').where('id', 'b').first())?.label).toBe('won');
      await db('prepared_probe').where('id', 'b').update({ label: 'second' });
    });

    it('keeps the constants the builder was given', async () => {
      const query = prepared.prepare(db('prepared_probe').where('n', '>', 5).andWhere('id', parameter('id')).select('id'), ['id']);
      expect(await prepared.first(query, { id: 'b' })).toStrictEqual({ id: 'b' });
      expect(await prepared.first(query, { id: 'a' })).toBeUndefined();
    });

    it('refuses, when prepared, a parameter the query binds but does not list, and one listed but never bound', () => {
      expect(() => prepared.prepare(db('prepared_probe').where('id', parameter('id')).andWhere('n', parameter('n')).select('id'), ['id'])).toThrow(
        'prepared query binds n, which is not listed',
      );
      expect(() => prepared.prepare(db('prepared_probe').where('id', parameter('id')).select('id'), ['id', 'label'])).toThrow(
        'prepared query never binds label',
      );
    });

    it('gives the connection back when a statement fails, so the next one still runs', async () => {
      const clear = prepared.prepare(db('prepared_probe').where('id', parameter('id')).update({ n: parameter('n') }), ['id', 'n']);
      // Three failures in a row (n is NOT NULL) on a pool of one connection: a connection kept would hang the next.
      for (let i = 0; i < 3; i++) {
        await expect(prepared.changes(clear, { id: 'a', n: null })).rejects.toMatchObject({ message: expect.stringMatching(/null/i) });
      }
      expect(await prepared.first(byId(), { id: 'a' })).toMatchObject({ id: 'a' });
    });

    it('is shared by everything on one Knex', () => {
      expect(preparedStatements(db)).toBe(prepared);
    });
  });
}

preparedQueryCases('SQLite', () => knex({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true, pool: { min: 1, max: 1 } }));

describe('prepared statements on SQLite', () => {
  it('prepares each SQL text once per connection', async () => {
    const db = knex({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
    try {
      await createProbe(db);
      const prepared = new PreparedStatements(db);
      const query = prepared.prepare(db('prepared_probe').where('id', parameter('id')).select('id'), ['id']);
      const connection = (await db.client.acquireConnection()) as { prepare: (sql: string) => unknown };
      await db.client.releaseConnection(connection);
      const prepare = jest.spyOn(connection, 'prepare');
      for (const id of ['a', 'b', 'c', 'a']) expect(await prepared.first(query, { id })).toStrictEqual({ id });
      expect(prepare).toHaveBeenCalledTimes(1);
    } finally {
      await db.destroy();
    }
  });
});

describe('prepared statements on other drivers', () => {
  it('says which drivers it supports', () => {
    expect(() => new PreparedStatements({ client: { driverName: 'pg' } } as unknown as Knex)).toThrow('prepared statements need mysql2 or better-sqlite3, not pg');
  });
});

describeWithMysql('prepared statements on MySQL', (database) => {
  preparedQueryCases('MySQL', () => knex({ ...knexConfigFromUrl(database().url), pool: { min: 0, max: 1 } }));

  it('prepares each SQL text once per connection, on the server', async () => {
    const db = knex({ ...knexConfigFromUrl(database().url), pool: { min: 0, max: 1 } });
    try {
      await createProbe(db);
      const prepared = new PreparedStatements(db);
      const query = prepared.prepare(db('prepared_probe').where('id', parameter('id')).select('id'), ['id']);
      const status = async () => {
        const [rows] = (await db.raw("SHOW SESSION STATUS WHERE Variable_name IN ('Com_stmt_prepare', 'Com_stmt_execute')")) as [{ Variable_name: string; Value: string }[]];
        return Object.fromEntries(rows.map((r) => [r.Variable_name, Number(r.Value)]));
      };
      expect(await prepared.first(query, { id: 'a' })).toStrictEqual({ id: 'a' });
      const before = await status();
      for (const id of ['b', 'c', 'a']) expect(await prepared.first(query, { id })).toStrictEqual({ id });
      const after = await status();
      expect(after.Com_stmt_execute).toBe((before.Com_stmt_execute ?? NaN) + 3);
      expect(after.Com_stmt_prepare).toBe(before.Com_stmt_prepare);
    } finally {
      await db.schema.dropTableIfExists('prepared_probe');
      await db.destroy();
    }
  });
});
