import pino from 'pino';
import { createKnex, knexLog } from '../../../src/adapters/storage/knex-log';
import { knexConfigFromUrl } from '../../../src/adapters/storage/knex-config';
import { openStorage } from '../../../src/adapters/storage/open-storage';
import { openLoginThrottle } from '../../../src/adapters/throttle/open-login-throttle';
import { LogCapture, SQL_TEXT } from '../../support/e2e-logs';
import { describeWithMysql } from '../../support/mysql';

/** Knex's own messages reach the gateway's logger as JSON lines, never `console.log`. */
function capture() {
  const lines = new LogCapture();
  return { lines, log: knexLog(pino({ level: 'info' }, lines)) };
}

let consoleLog: jest.SpyInstance;
beforeEach(() => {
  consoleLog = jest.spyOn(console, 'log');
});
afterEach(() => consoleLog.mockRestore());

describe('knexLog', () => {
  it('writes warnings, errors and deprecations as structured lines, and drops debug payloads', () => {
    const { lines, log } = capture();
    log.warn?.('Connection Error: Error: read ECONNRESET');
    log.error?.(new Error('pool destroyed'));
    log.deprecate?.('oldMethod', 'newMethod');
    log.debug?.({ sql: 'select * from users where username = ?', bindings: ['alice'] });
    expect(lines.entries()).toEqual([
      expect.objectContaining({ level: 40, component: 'knex', detail: 'Connection Error: Error: read ECONNRESET', msg: 'storage driver warning' }),
      expect.objectContaining({ level: 50, component: 'knex', detail: 'pool destroyed', msg: 'storage driver error' }),
      expect.objectContaining({ level: 40, component: 'knex', detail: 'oldMethod is deprecated; use newMethod' }),
    ]);
    expect(lines.lines.join('')).not.toMatch(/alice|select/);
  });

  // Regression: Knex hands a pool that cannot open its database over as one string with the
  // error's stack appended, which reached the log (SPEC §4: never a stack trace in a log).
  it('drops the stack frames Knex appends to a message, keeping the message on one line', () => {
    const { lines, log } = capture();
    log.warn?.('Acquire connection error: SqliteError: file is not a database\n    at Database.pragma (/app/node_modules/better-sqlite3/lib/methods/pragma.js:10:27)\n    at new Promise (<anonymous>)');
    log.warn?.('Acquire connection error: Error: connect ECONNREFUSED 127.0.0.1:1\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1611:16)');
    expect(lines.entries().map((e) => e.detail)).toEqual([
      'Acquire connection error: SqliteError: file is not a database',
      'Acquire connection error: Error: connect ECONNREFUSED 127.0.0.1:1',
    ]);
  });
});

describe('an unreachable MySQL', () => {
  it('storage: the pool error is a log line of its own, not console output, and the query is service_unavailable', async () => {
    const { lines, log } = capture();
    const storage = await openStorage('mysql://tg:hunter2@127.0.0.1:1/tokengate', { driverLog: log });
    try {
      await expect(storage.users.findByUsername('alice')).rejects.toMatchObject({ code: 'service_unavailable' });
    } finally {
      await storage.close();
    }
    const warnings = lines.entries().filter((e) => e.component === 'knex');
    expect(warnings.length).toBeGreaterThan(0);
    expect(String(warnings[0]?.detail)).toMatch(/ECONNREFUSED/);
    expect(lines.lines.join('')).not.toContain('hunter2');
    expect(lines.lines.join('')).not.toMatch(/\\n\s+at /);
    expect(consoleLog).not.toHaveBeenCalled();
  });

  it('the login throttle counters: the same', async () => {
    const { lines, log } = capture();
    await expect(openLoginThrottle({ count: 10, windowSeconds: 900 }, 'mysql://root@127.0.0.1:1/tokengate', { driverLog: log })).rejects.toBeDefined();
    expect(lines.entries().some((e) => e.component === 'knex' && /ECONNREFUSED/.test(String(e.detail)))).toBe(true);
    expect(consoleLog).not.toHaveBeenCalled();
  });
});

/**
 * SPEC §4: never SQL in a log. Knex puts the failed query, values spliced in, in front of the
 * driver's message; `createKnex` gives the error the driver's own message and keeps its code.
 */
function failedQueryKeepsNoSql(url: () => string, duplicateCode: string): void {
  it('a failed query\'s error carries the driver\'s message and code, without the query or its values', async () => {
    const db = createKnex(knexConfigFromUrl(url()));
    try {
      await db.schema.dropTableIfExists('knex_log_t');
      await db.schema.createTable('knex_log_t', (t) => {
        t.string('id', 32).primary();
      });
      await db('knex_log_t').insert({ id: 'value-in-a-binding' });
      const failure = await db('knex_log_t').insert({ id: 'value-in-a-binding' }).then(
        () => null,
        (e: unknown) => e as Error & { code?: string },
      );
      // Not toBeInstanceOf(Error): better-sqlite3's error class belongs to the realm that loaded it first.
      expect(failure).toEqual(expect.objectContaining({ message: expect.any(String) }));
      expect(failure!.code).toBe(duplicateCode);
      expect(failure!.message).not.toMatch(SQL_TEXT);
      expect(failure!.message.length).toBeGreaterThan(0);
      // The statement itself failed: the same error as the driver's alone would give.
      const unknownTable = await db('no_such_table_here').select('id').then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(unknownTable?.message).toMatch(/no_such_table_here/);
      expect(unknownTable?.message).not.toMatch(SQL_TEXT);
    } finally {
      await db.schema.dropTableIfExists('knex_log_t');
      await db.destroy();
    }
  });
}

describe('createKnex on SQLite', () => {
  failedQueryKeepsNoSql(() => 'sqlite::memory:', 'SQLITE_CONSTRAINT_PRIMARYKEY');
});

describeWithMysql('createKnex on MySQL', (database) => {
  failedQueryKeepsNoSql(() => database().url, 'ER_DUP_ENTRY');
});
