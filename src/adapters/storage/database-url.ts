import path from 'node:path';
import { redactPassword } from '../system/location-parsers';

export type DatabaseTarget =
  | { kind: 'memory' }
  | { kind: 'sqlite'; filename: string }
  | {
      kind: 'mysql';
      host: string;
      port: number;
      user: string;
      password: string;
      database: string;
    };

export const SQLITE_IN_MEMORY = ':memory:';
const DEFAULT_SQLITE_FILE = 'tokengate.db';

const unsupported = (url: string): Error =>
  new Error(
    `Unsupported DATABASE_URL "${redactPassword(url)}": use sqlite:<path>, sqlite::memory:, mysql://user:pass@host:3306/db or memory:`,
  );

/** `memory:` and `sqlite::memory:` live inside one process: other processes cannot share them. */
export function isPerProcessStore(url: string): boolean {
  try {
    const target = parseDatabaseUrl(url);
    return target.kind === 'memory' || (target.kind === 'sqlite' && target.filename === SQLITE_IN_MEMORY);
  } catch {
    return false;
  }
}

/**
 * Parses `DATABASE_URL` (SPEC §6). Relative SQLite paths resolve against the working
 * directory; a bare `sqlite:` means `<dataDir>/tokengate.db`. Throws one clear line.
 */
export function parseDatabaseUrl(url: string, dataDir = './data'): DatabaseTarget {
  const trimmed = url.trim();
  if (trimmed === 'memory:' || trimmed === 'memory://') return { kind: 'memory' };
  if (trimmed.startsWith('sqlite:')) {
    const rest = trimmed.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (rest === SQLITE_IN_MEMORY) return { kind: 'sqlite', filename: SQLITE_IN_MEMORY };
    const file = rest === '' ? path.join(dataDir, DEFAULT_SQLITE_FILE) : rest;
    return { kind: 'sqlite', filename: path.resolve(file) };
  }
  if (/^(mysql|mariadb):\/\//.test(trimmed)) return parseMysql(trimmed);
  if (/^rediss?:\/\//i.test(trimmed)) {
    throw new Error(
      `Unsupported DATABASE_URL "${redactPassword(url)}": Redis holds sessions only: set SESSION_STORE_URL to it and keep DATABASE_URL on sqlite:, mysql:// or memory:`,
    );
  }
  throw unsupported(url);
}

function parseMysql(url: string): DatabaseTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw unsupported(url);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!parsed.hostname || !database || database.includes('/')) throw unsupported(url);
  return {
    kind: 'mysql',
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database,
  };
}

/** A one-line, password-free description of where data lives. */
export function describeTarget(target: DatabaseTarget): string {
  switch (target.kind) {
    case 'memory':
      return 'memory: (in-process, lost on exit)';
    case 'sqlite':
      return `sqlite:${target.filename}`;
    case 'mysql': {
      const auth = target.user ? `${encodeURIComponent(target.user)}${target.password ? ':***' : ''}@` : '';
      const host = target.host.includes(':') ? `[${target.host}]` : target.host;
      return `mysql://${auth}${host}:${target.port}/${target.database}`;
    }
  }
}
