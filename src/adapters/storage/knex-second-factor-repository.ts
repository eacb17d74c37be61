import type { Knex } from 'knex';
import type { SecondFactorRepository } from '../../domain/ports/second-factor-repository';
import { afterSpend, spendOutcome, type FactorUse, type SecondFactor, type SpendOutcome } from '../../domain/second-factor';
import { guardStorage, isUniqueViolation } from './storage-errors';

/** A `second_factors` row. BIGINT may come back as a string. */
interface SecondFactorRow {
  user_id: string;
  sealed_secret: string;
  last_step: number | string;
  recovery_hashes: string;
  challenges_spent_through: number | string;
  created_at: number | string;
}

const toRow = (f: SecondFactor): SecondFactorRow => ({
  user_id: f.userId,
  sealed_secret: f.sealedSecret,
  last_step: f.lastStep,
  recovery_hashes: JSON.stringify(f.recoveryHashes),
  challenges_spent_through: f.challengesSpentThrough,
  created_at: f.createdAt,
});

const fromRow = (r: SecondFactorRow): SecondFactor => ({
  userId: r.user_id,
  sealedSecret: r.sealed_secret,
  lastStep: Number(r.last_step),
  recoveryHashes: JSON.parse(r.recovery_hashes) as string[],
  challengesSpentThrough: Number(r.challenges_spent_through),
  createdAt: Number(r.created_at),
});

/** {@link SecondFactorRepository} on SQLite or MySQL. */
export class KnexSecondFactorRepository implements SecondFactorRepository {
  constructor(private readonly db: Knex) {}

  private table(db: Knex = this.db): Knex.QueryBuilder<SecondFactorRow> {
    return db<SecondFactorRow>('second_factors');
  }

  find(userId: string): Promise<SecondFactor | null> {
    return guardStorage(async () => {
      const row = await this.table().where('user_id', userId).first();
      return row ? fromRow(row) : null;
    });
  }

  any(): Promise<SecondFactor | null> {
    return guardStorage(async () => {
      const row = await this.table().orderBy('user_id').first();
      return row ? fromRow(row) : null;
    });
  }

  save(factor: SecondFactor): Promise<void> {
    return guardStorage(async () => {
      await this.db.transaction(async (trx) => {
        await this.table(trx).where('user_id', factor.userId).del();
        await this.table(trx).insert(toRow(factor));
      });
    });
  }

  /** The primary key on `user_id` decides a race: the loser's insert fails, and nothing is deleted. */
  create(factor: SecondFactor): Promise<boolean> {
    return guardStorage(async () => {
      try {
        await this.table().insert(toRow(factor));
        return true;
      } catch (err) {
        if (isUniqueViolation(err)) return false;
        throw err;
      }
    });
  }

  remove(userId: string): Promise<boolean> {
    return guardStorage(async () => (await this.table().where('user_id', userId).del()) > 0);
  }

  /**
   * Compare-and-set: the update names every value the decision read, so of two concurrent
   * spends of one code or one mfaToken exactly one changes the row.
   */
  spend(userId: string, use: FactorUse, challengeIat: number): Promise<SpendOutcome> {
    return guardStorage(async () => {
      const row = await this.table().where('user_id', userId).first();
      const factor = row ? fromRow(row) : null;
      const outcome = spendOutcome(factor, use, challengeIat);
      if (outcome !== 'spent' || !row || !factor) return outcome;
      const next = toRow(afterSpend(factor, use, challengeIat));
      const changed = await this.table()
        .where({ user_id: userId, last_step: row.last_step, recovery_hashes: row.recovery_hashes, challenges_spent_through: row.challenges_spent_through })
        .update({ last_step: next.last_step, recovery_hashes: next.recovery_hashes, challenges_spent_through: next.challenges_spent_through });
      return changed > 0 ? 'spent' : use.kind === 'totp' ? 'code_used' : 'challenge_used';
    });
  }
}
