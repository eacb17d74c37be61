import type { Knex } from 'knex';
import type { SessionRepository } from '../../domain/ports/session-repository';
import type { SessionUserLookup } from '../../domain/ports/session-user-lookup';
import type { UserRepository } from '../../domain/ports/user-repository';
import type { SecondFactorRepository } from '../../domain/ports/second-factor-repository';
import { KnexSecondFactorRepository } from './knex-second-factor-repository';
import { MemorySecondFactorRepository } from './memory-second-factor-repository';
import { describeTarget, parseDatabaseUrl, SQLITE_IN_MEMORY } from './database-url';
import { knexConfigFromTarget } from './knex-config';
import { createKnex } from './knex-log';
import { KnexSessionRepository } from './knex-session-repository';
import { KnexSessionUserLookup } from './knex-session-user-lookup';
import { KnexUserRepository } from './knex-user-repository';
import { MemorySessionRepository } from './memory-session-repository';
import { MemoryUserRepository } from './memory-user-repository';
import { ParallelSessionUserLookup } from './parallel-session-user-lookup';
import { openRedisSessionStore, type RedisSessionStoreOptions } from './redis-session-store';
import { parseRedisUrl } from './redis-url';
import { guardStorage } from './storage-errors';
import { preparePrivateSqliteFile } from './private-files';

export interface Storage {
  kind: 'sqlite' | 'mysql' | 'memory';
  /** Where data lives, password redacted: safe to log. */
  description: string;
  users: UserRepository;
  sessions: SessionRepository;
  /** A session and its user at once: one JOIN where one database holds both. */
  sessionUsers: SessionUserLookup;
  /** TOTP enrolments; with the users, never in the Redis session store. */
  secondFactors: SecondFactorRepository;
  /** Brings the schema up to date; unreachable storage rejects with `service_unavailable`. */
  migrate(): Promise<void>;
  /** Releases connections; the repositories are unusable afterwards. */
  close(): Promise<void>;
}

export interface OpenStorageOptions {
  /** Where a bare `sqlite:` URL puts `tokengate.db` (default `./data`). */
  dataDir?: string;
  /** `SESSION_STORE_URL`: when set, sessions live in this Redis and users stay in `DATABASE_URL`. */
  sessionStoreUrl?: string;
  /** Key prefix, expiry margin, revocation retention and timeouts of the Redis session store. */
  sessionStore?: RedisSessionStoreOptions;
  /** Most MySQL connections (`DATABASE_POOL_MAX`); SQLite always uses one. */
  poolMax?: number;
  /** Where Knex's own messages go (`knexLog`); Knex prints them with `console.log` otherwise. */
  driverLog?: Knex.Logger;
  /** Told when the SQLite file's directory is readable by others and not the data directory. */
  onWarning?: (message: string) => void;
}

/**
 * Opens the storage named by `DATABASE_URL` (SPEC §6), with sessions in Redis when
 * `sessionStoreUrl` is set (then `migrate()` migrates SQL only and `close()` closes both).
 * Creates a SQLite file (0600) and its directory (0700), otherwise connects lazily: nothing reaches a store
 * before the first query, `migrate()` or `ping()`. Throws one clear line on an unsupported URL.
 */
export async function openStorage(databaseUrl: string, options: OpenStorageOptions = {}): Promise<Storage> {
  const redisTarget = options.sessionStoreUrl ? parseRedisUrl(options.sessionStoreUrl) : null;
  const storage = await openDatabase(databaseUrl, options);
  if (!redisTarget) return storage;
  const store = openRedisSessionStore(redisTarget, options.sessionStore);
  return {
    ...storage,
    description: `${storage.description} (users), ${store.description} (sessions)`,
    sessions: store.sessions,
    sessionUsers: new ParallelSessionUserLookup(store.sessions, storage.users),
    close: async () => {
      const results = await Promise.allSettled([storage.close(), store.close()]);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}

async function openDatabase(databaseUrl: string, options: OpenStorageOptions): Promise<Storage> {
  const target = parseDatabaseUrl(databaseUrl, options.dataDir);
  const description = describeTarget(target);
  if (target.kind === 'memory') {
    const users = new MemoryUserRepository();
    const sessions = new MemorySessionRepository();
    return {
      kind: 'memory',
      description,
      users,
      sessions,
      sessionUsers: new ParallelSessionUserLookup(sessions, users),
      secondFactors: new MemorySecondFactorRepository(),
      migrate: async () => {},
      close: async () => {},
    };
  }
  if (target.kind === 'sqlite' && target.filename !== SQLITE_IN_MEMORY) {
    await preparePrivateSqliteFile(target.filename, { dataDir: options.dataDir, onWarning: options.onWarning });
  }
  const db = createKnex(knexConfigFromTarget(target, { poolMax: options.poolMax, log: options.driverLog }));
  return {
    kind: target.kind,
    description,
    users: new KnexUserRepository(db),
    sessions: new KnexSessionRepository(db),
    sessionUsers: new KnexSessionUserLookup(db),
    secondFactors: new KnexSecondFactorRepository(db),
    migrate: () =>
      guardStorage(async () => {
        await db.migrate.latest();
      }),
    close: () => db.destroy(),
  };
}
