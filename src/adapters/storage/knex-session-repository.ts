import type { Knex } from 'knex';
import type { SessionRepository } from '../../domain/ports/session-repository';
import type { RevokeReason, Session } from '../../domain/session';
import { clampSessionFields } from './session-limits';
import { fromSessionRow, toSessionRow, type SessionRow } from './session-rows';
import { parameter, preparedStatements, type PreparedQuery, type PreparedStatements } from './prepared-query';
import { guardStorage } from './storage-errors';
import { encodeSpentTokens } from './spent-tokens-text';
import type { PurgeCutoffs, RotationNext } from '../../domain/ports/session-repository';

type RotateParameter = 'id' | 'expectedJti' | 'jti' | 'issuedAt' | 'now' | 'earlierSpent';
type TouchParameter = 'id' | 'now';

/** {@link SessionRepository} on SQLite or MySQL; every write is one conditional statement. */
export class KnexSessionRepository implements SessionRepository {
  /** The statements of every refresh (cases 2 and 3, `/auth/refresh`), prepared once. */
  private readonly prepared: PreparedStatements;
  private readonly rotation: PreparedQuery<RotateParameter>;
  private readonly touching: PreparedQuery<TouchParameter>;

  constructor(private readonly db: Knex) {
    this.prepared = preparedStatements(db);
    this.rotation = this.prepared.prepare(
      this.table()
        .where('id', parameter('id'))
        .andWhere('current_jti', parameter('expectedJti'))
        .whereNull('revoked_at')
        .update({
          previous_jti: parameter('expectedJti'),
          current_jti: parameter('jti'),
          current_issued_at: parameter('issuedAt'),
          rotated_at: parameter('now'),
          earlier_spent: parameter('earlierSpent'),
          last_used_at: parameter('now'),
        }),
      ['id', 'expectedJti', 'jti', 'issuedAt', 'now', 'earlierSpent'],
    );
    this.touching = this.prepared.prepare(
      this.table().where('id', parameter('id')).whereNull('revoked_at').andWhere('last_used_at', '<', parameter('now')).update({ last_used_at: parameter('now') }),
      ['id', 'now'],
    );
  }

  private table(): Knex.QueryBuilder<SessionRow> {
    return this.db<SessionRow>('sessions');
  }

  create(session: Session): Promise<void> {
    return guardStorage(async () => {
      await this.table().insert(toSessionRow(clampSessionFields(session)));
    });
  }

  findById(id: string): Promise<Session | null> {
    return guardStorage(async () => {
      const row = await this.table().where('id', id).first();
      return row ? fromSessionRow(row) : null;
    });
  }

  /** One compare-and-set UPDATE: of concurrent callers with the same `expectedJti`, one wins. */
  rotate(id: string, expectedJti: string, next: RotationNext, now: number): Promise<boolean> {
    return guardStorage(async () => {
      const changed = await this.prepared.changes(this.rotation, {
        id,
        expectedJti,
        jti: next.jti,
        issuedAt: next.issuedAt,
        now,
        earlierSpent: encodeSpentTokens(next.earlierSpent),
      });
      return changed === 1;
    });
  }

  /** Never moves `lastUsedAt` backwards when touches race. */
  touch(id: string, now: number): Promise<void> {
    return guardStorage(async () => {
      await this.prepared.changes(this.touching, { id, now });
    });
  }

  revoke(id: string, reason: RevokeReason, now: number): Promise<boolean> {
    return guardStorage(() =>
      this.db.transaction(async (trx) => {
        const seq = await nextRevocation(trx);
        return (await revokeRow(trx, id, reason, now, seq)) === 1;
      }),
    );
  }

  /**
   * One transaction and one sequence number for the whole sweep; session by session, so the
   * ids returned are exactly those this call flipped.
   */
  revokeAllForUser(userId: string, reason: RevokeReason, now: number, exceptId?: string): Promise<string[]> {
    return guardStorage(() =>
      this.db.transaction(async (trx) => {
        const seq = await nextRevocation(trx);
        const query = trx<SessionRow>('sessions').select('id').where('user_id', userId).whereNull('revoked_at');
        if (exceptId !== undefined) query.andWhereNot('id', exceptId);
        const candidates = ((await query) as Pick<SessionRow, 'id'>[]).map((row) => row.id);
        const revoked: string[] = [];
        for (const id of candidates) {
          if ((await revokeRow(trx, id, reason, now, seq)) === 1) revoked.push(id);
        }
        return revoked;
      }),
    );
  }

  listActiveForUser(userId: string, now: number): Promise<Session[]> {
    return guardStorage(async () => {
      const rows = await this.table()
        .where('user_id', userId)
        .whereNull('revoked_at')
        .andWhere('expires_at', '>', now)
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ]);
      return rows.map(fromSessionRow);
    });
  }

  listRevokedSince(since: number): Promise<{ id: string; revokedAt: number }[]> {
    return guardStorage(async () => {
      const rows = (await this.table()
        .select('id', 'revoked_at')
        .where('revoked_at', '>=', since)
        .orderBy([
          { column: 'revoked_at', order: 'asc' },
          { column: 'id', order: 'asc' },
        ])) as Pick<SessionRow, 'id' | 'revoked_at'>[];
      return rows.map((row) => ({ id: row.id, revokedAt: Number(row.revoked_at) }));
    });
  }

  revocationCursor(): Promise<number> {
    return guardStorage(async () => {
      const row = (await this.db('revocation_sequence').where('id', 1).first('value')) as { value: number | string } | undefined;
      return Number(row?.value ?? 0);
    });
  }

  listRevokedAfter(cursor: number): Promise<{ ids: string[]; cursor: number }> {
    return guardStorage(async () => {
      const rows = (await this.table()
        .select('id', 'revoke_seq')
        .where('revoke_seq', '>', cursor)
        .orderBy([{ column: 'revoke_seq', order: 'asc' }, { column: 'id', order: 'asc' }])) as { id: string; revoke_seq: number | string }[];
      const last = rows.length === 0 ? cursor : Number(rows[rows.length - 1]!.revoke_seq);
      return { ids: rows.map((r) => r.id), cursor: last };
    });
  }

  /** One SELECT of at most `limit` ids, then one DELETE of those that are still stale. */
  purge(cutoffs: PurgeCutoffs, limit: number): Promise<number> {
    return guardStorage(async () => {
      const rows = (await this.table().select('id').where((q) => stale(q, cutoffs)).limit(limit)) as Pick<SessionRow, 'id'>[];
      if (rows.length === 0) return 0;
      return this.table().whereIn('id', rows.map((r) => r.id)).andWhere((q) => stale(q, cutoffs)).delete();
    });
  }

  ping(): Promise<void> {
    return guardStorage(async () => {
      await this.db.raw('select 1');
    });
  }
}

/** `(revoked_at IS NULL AND (expires_at < ? OR last_used_at < ?)) OR revoked_at < ?` */
function stale(q: Knex.QueryBuilder, c: PurgeCutoffs): void {
  q.where((live) => live.whereNull('revoked_at').andWhere((old) => old.where('expires_at', '<', c.expiredBefore).orWhere('last_used_at', '<', c.idleBefore)))
    .orWhere('revoked_at', '<', c.revokedBefore);
}

/**
 * Bumps the revocation sequence as the transaction's first write: its lock is held until
 * commit, so a later number never commits before an earlier one.
 */
async function nextRevocation(trx: Knex.Transaction): Promise<number> {
  await trx('revocation_sequence').where('id', 1).increment('value', 1);
  const row = (await trx('revocation_sequence').where('id', 1).first('value')) as { value: number | string };
  return Number(row.value);
}

function revokeRow(trx: Knex.Transaction, id: string, reason: RevokeReason, now: number, seq: number): Promise<number> {
  return trx<SessionRow>('sessions').where('id', id).whereNull('revoked_at').update({ revoked_at: now, revoke_reason: reason, revoke_seq: seq } as Partial<SessionRow>);
}
