import type { SecondFactorRepository } from '../../domain/ports/second-factor-repository';
import { afterSpend, spendOutcome, type FactorUse, type SecondFactor, type SpendOutcome } from '../../domain/second-factor';

const copy = (f: SecondFactor): SecondFactor => ({ ...f, recoveryHashes: [...f.recoveryHashes] });

/** In-process {@link SecondFactorRepository}; `spend` checks and writes without awaiting, so it is atomic. */
export class MemorySecondFactorRepository implements SecondFactorRepository {
  private readonly factors = new Map<string, SecondFactor>();

  async find(userId: string): Promise<SecondFactor | null> {
    const factor = this.factors.get(userId);
    return factor ? copy(factor) : null;
  }

  async any(): Promise<SecondFactor | null> {
    const first = this.factors.values().next();
    return first.done ? null : copy(first.value);
  }

  async save(factor: SecondFactor): Promise<void> {
    this.factors.set(factor.userId, copy(factor));
  }

  async create(factor: SecondFactor): Promise<boolean> {
    if (this.factors.has(factor.userId)) return false;
    this.factors.set(factor.userId, copy(factor));
    return true;
  }

  async remove(userId: string): Promise<boolean> {
    return this.factors.delete(userId);
  }

  async spend(userId: string, use: FactorUse, challengeIat: number): Promise<SpendOutcome> {
    const factor = this.factors.get(userId) ?? null;
    const outcome = spendOutcome(factor, use, challengeIat);
    if (outcome === 'spent' && factor) this.factors.set(userId, afterSpend(factor, use, challengeIat));
    return outcome;
  }
}
