import type { Knex } from 'knex';
import type { SessionAndUser, SessionUserLookup } from '../../domain/ports/session-user-lookup';
import { parameter, preparedStatements, type PreparedQuery, type PreparedStatements } from './prepared-query';
import { fromSessionRow, type SessionRow } from './session-rows';
import { guardStorage } from './storage-errors';
import { fromUserRow, type UserRow } from './user-rows';

/** The user's columns, renamed so they cannot collide with the session's. */
const USER_COLUMNS = ['id', 'username', 'password_hash', 'roles', 'disabled', 'created_at', 'updated_at'] as const;

type JoinedRow = SessionRow & { [K in (typeof USER_COLUMNS)[number] as `u_${K}`]: UserRow[K] | null };

/**
 * {@link SessionUserLookup} on SQLite or MySQL: the session and its user in one statement
 * (a LEFT JOIN), one round trip where two separate reads took two connections.
 */
export class KnexSessionUserLookup implements SessionUserLookup {
  private readonly prepared: PreparedStatements;
  /** By primary key, so at most one row: no LIMIT (a bound LIMIT is not portable to MySQL's binary protocol). */
  private readonly byId: PreparedQuery<'sessionId'>;

  constructor(db: Knex) {
    this.prepared = preparedStatements(db);
    const columns = ['s.*', ...USER_COLUMNS.map((c) => `u.${c} as u_${c}`)];
    this.byId = this.prepared.prepare(
      db('sessions as s').leftJoin('users as u', 'u.id', 's.user_id').where('s.id', parameter('sessionId')).select(columns),
      ['sessionId'],
    );
  }

  find(sessionId: string, userId: string): Promise<SessionAndUser> {
    return guardStorage(async () => {
      const row = await this.prepared.first<JoinedRow, 'sessionId'>(this.byId, { sessionId });
      if (!row) return { session: null, user: null };
      const session = fromSessionRow(row);
      if (row.u_id === null || session.userId !== userId) return { session, user: null };
      return { session, user: fromUserRow(userRowOf(row)) };
    });
  }
}

function userRowOf(row: JoinedRow): Omit<UserRow, 'username_normalized'> {
  return {
    id: row.u_id as string,
    username: row.u_username as string,
    password_hash: row.u_password_hash as string,
    roles: row.u_roles as string,
    disabled: row.u_disabled as UserRow['disabled'],
    created_at: row.u_created_at as UserRow['created_at'],
    updated_at: row.u_updated_at as UserRow['updated_at'],
  };
}
