import type { Knex } from 'knex';
import { DomainError } from '../../domain/errors';
import type { NewUser, UserRepository } from '../../domain/ports/user-repository';
import { normalizeUsername, type User } from '../../domain/user';
import { guardStorage, isUniqueViolation } from './storage-errors';
import { fromUserRow, toUserRow, type UserRow } from './user-rows';

/**
 * {@link UserRepository} on SQLite or MySQL. Usernames are matched on `username_normalized`
 * ({@link normalizeUsername}, binary collation), so callers may pass either form.
 */
export class KnexUserRepository implements UserRepository {
  constructor(private readonly db: Knex) {}

  private table(): Knex.QueryBuilder<UserRow> {
    return this.db<UserRow>('users');
  }

  /** Exact: a MySQL without a no-pad collation (migration 007) would match `'alice '` to `alice`. */
  findByUsername(username: string): Promise<User | null> {
    return guardStorage(async () => {
      const normalized = normalizeUsername(username);
      const row = await this.rowNamed(normalized);
      return row && row.username_normalized === normalized ? fromUserRow(row) : null;
    });
  }

  /** The row the unique index takes for this name (on a padding collation, `alice` for `'alice '`). */
  private rowNamed(normalized: string): Promise<UserRow | undefined> {
    return this.table().where('username_normalized', normalized).first() as Promise<UserRow | undefined>;
  }

  findById(id: string): Promise<User | null> {
    return guardStorage(async () => {
      const row = await this.table().where('id', id).first();
      return row ? fromUserRow(row) : null;
    });
  }

  /** The unique index decides races: the loser gets `invalid_request`, not a driver error. */
  create(user: NewUser): Promise<User> {
    return guardStorage(async () => {
      const created: User = { ...user, roles: [...user.roles], updatedAt: user.createdAt };
      const normalized = normalizeUsername(user.username);
      try {
        await this.table().insert(toUserRow(created, normalized));
      } catch (err) {
        if (isUniqueViolation(err) && (await this.rowNamed(normalized)) !== undefined) {
          throw new DomainError('invalid_request', 'username already exists');
        }
        throw err;
      }
      return created;
    });
  }

  setDisabled(id: string, disabled: boolean, now: number): Promise<boolean> {
    return guardStorage(async () => {
      const changed = await this.table()
        .where('id', id)
        .update({ disabled: disabled ? 1 : 0, updated_at: now });
      return changed > 0;
    });
  }

  setPasswordHash(id: string, passwordHash: string, now: number): Promise<boolean> {
    return guardStorage(async () => {
      const changed = await this.table()
        .where('id', id)
        .update({ password_hash: passwordHash, updated_at: now });
      return changed > 0;
    });
  }

  /** Ordered by normalized username (code point order on every engine), then id. */
  list(): Promise<User[]> {
    return guardStorage(async () => {
      const rows = await this.table().orderBy([
        { column: 'username_normalized', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
      return rows.map(fromUserRow);
    });
  }

  count(): Promise<number> {
    return guardStorage(async () => {
      const row = (await this.table().count({ n: '*' }).first()) as { n: number | string } | undefined;
      return Number(row?.n ?? 0);
    });
  }
}
