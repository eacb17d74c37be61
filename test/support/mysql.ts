import { randomBytes } from 'node:crypto';
import { describeWithService, unreachableService } from './test-service';
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
  return unreachableService('MySQL', `${server.hostname}:${server.port || 3306}`, reason);
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

/**
 * A `describe` block backed by a fresh test database, dropped after the block; skipped with a
 * warning when MySQL is unreachable, failing under `CI=true` (see {@link describeWithService}).
 */
export function describeWithMysql(name: string, body: (database: () => TestMysqlDatabase) => void): void {
  const server = serverUrl();
  describeWithService(
    name,
    {
      kind: 'MySQL',
      host: server.hostname,
      port: Number(server.port || 3306),
      create: () => createTestMysqlDatabase(server.href),
      release: (database) => database.drop(),
    },
    body,
  );
}
