import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';

/**
 * Test MySQL/MariaDB: a throwaway database per test file on the local server.
 * `TEST_MYSQL_URL` (default `mysql://root@127.0.0.1:3306`) names a server account allowed to
 * create and drop databases. Unreachable: fails under `CI=true`, else skips with a warning.
 */
export interface TestMysqlDatabase {
  /** `DATABASE_URL` of the new, empty database (utf8mb4, the server's default collation). */
  url: string;
  name: string;
  /** Drops the database; safe to call twice. */
  drop(): Promise<void>;
}

export const DEFAULT_TEST_MYSQL_URL = 'mysql://root@127.0.0.1:3306';

const serverUrl = (): URL => new URL(process.env.TEST_MYSQL_URL ?? DEFAULT_TEST_MYSQL_URL);
const isCi = (): boolean => process.env.CI === 'true';

function adminOptions(server: URL): mysql.ConnectionOptions {
  return {
    host: server.hostname,
    port: Number(server.port || 3306),
    user: decodeURIComponent(server.username),
    password: decodeURIComponent(server.password),
    connectTimeout: 3_000,
    multipleStatements: false,
  };
}

function unreachable(server: URL, reason: string): null {
  const where = `${server.hostname}:${server.port || 3306}`;
  if (isCi()) throw new Error(`test MySQL at ${where} is unreachable (${reason}); CI=true forbids skipping`);
  console.warn(`Skipping MySQL tests: test MySQL at ${where} is unreachable (${reason}). Set CI=true to fail instead.`);
  return null;
}

/**
 * Creates `tokengate_t_<pid>_<random>` and returns its URL, or null when the server cannot be
 * reached outside CI. Throws under `CI=true` instead of returning null.
 */
export async function createTestMysqlDatabase(serverUrlText?: string): Promise<TestMysqlDatabase | null> {
  const server = serverUrlText ? new URL(serverUrlText) : serverUrl();
  const options = adminOptions(server);
  let admin: mysql.Connection;
  try {
    admin = await mysql.createConnection(options);
  } catch (err) {
    return unreachable(server, (err as { code?: string }).code ?? String(err));
  }
  const name = `tokengate_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  } finally {
    await admin.end();
  }
  const url = new URL(server.href);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    name,
    drop: async () => {
      const conn = await mysql.createConnection(options);
      try {
        await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await conn.end();
      }
    },
  };
}

/** Whether the server accepts TCP connections; synchronous because Jest registers tests synchronously. */
function serverAcceptsConnections(server: URL): boolean {
  const probe = `require('net').connect(${Number(server.port || 3306)}, ${JSON.stringify(server.hostname)})
    .on('connect', () => process.exit(0)).on('error', () => process.exit(1))
    .setTimeout(2000, () => process.exit(1));`;
  return spawnSync(process.execPath, ['-e', probe], { timeout: 5_000 }).status === 0;
}

/**
 * A `describe` block backed by a fresh test database, dropped after the block. Jest cannot
 * skip at run time, so reachability is probed while registering: unreachable outside CI
 * registers the block as skipped (with a warning); under `CI=true` it runs and fails.
 */
export function describeWithMysql(name: string, body: (database: () => TestMysqlDatabase) => void): void {
  const server = serverUrl();
  if (!isCi() && !serverAcceptsConnections(server)) {
    unreachable(server, 'no answer on TCP');
    describe.skip(name, () => body(() => { throw new Error('skipped'); }));
    return;
  }
  describe(name, () => {
    let database: TestMysqlDatabase | null = null;
    beforeAll(async () => {
      database = await createTestMysqlDatabase(server.href);
      if (!database) throw new Error('test MySQL became unreachable');
    });
    afterAll(async () => {
      await database?.drop();
    });
    body(() => {
      if (!database) throw new Error('test MySQL database not created');
      return database;
    });
  });
}
