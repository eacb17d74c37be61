import type { SecondFactorRepository } from '../../../src/domain/ports/second-factor-repository';
import type { SecondFactor } from '../../../src/domain/second-factor';
import { T0 } from './storage-fixtures';

export interface SecondFactorStorage {
  secondFactors: SecondFactorRepository;
  close(): Promise<void>;
}

let sequence = 0;
const aFactor = (overrides: Partial<SecondFactor> = {}): SecondFactor => ({
  userId: `user-2fa-${process.pid}-${++sequence}`,
  sealedSecret: 'v1.iv.tag.body',
  lastStep: 1000,
  recoveryHashes: ['hash-a', 'hash-b'],
  challengesSpentThrough: 0,
  createdAt: T0,
  ...overrides,
});

/** The {@link SecondFactorRepository} contract every storage adapter must pass. */
export function secondFactorRepositoryContract(name: string, factory: () => Promise<SecondFactorStorage>): void {
  describe(`SecondFactorRepository contract (${name})`, () => {
    let storage: SecondFactorStorage;
    let repo: SecondFactorRepository;
    beforeEach(async () => {
      storage = await factory();
      repo = storage.secondFactors;
    });
    afterEach(() => storage.close());

    it('saves, finds, replaces and removes one enrolment per user', async () => {
      const factor = aFactor();
      expect(await repo.find(factor.userId)).toBeNull();
      await repo.save(factor);
      expect(await repo.find(factor.userId)).toStrictEqual(factor);
      expect(await repo.any()).toStrictEqual(factor);
      const replaced = { ...factor, sealedSecret: 'v1.other', recoveryHashes: ['hash-c'] };
      await repo.save(replaced);
      expect(await repo.find(factor.userId)).toStrictEqual(replaced);
      expect(await repo.remove(factor.userId)).toBe(true);
      expect(await repo.remove(factor.userId)).toBe(false);
      expect(await repo.find(factor.userId)).toBeNull();
      expect(await repo.any()).toBeNull();
    });

    it('a TOTP step is spent once: the same or an earlier step is a replay', async () => {
      const factor = aFactor({ lastStep: 1000 });
      await repo.save(factor);
      expect(await repo.spend(factor.userId, { kind: 'totp', step: 1000 }, 10)).toBe('code_used');
      expect(await repo.spend(factor.userId, { kind: 'totp', step: 1001 }, 10)).toBe('spent');
      expect(await repo.spend(factor.userId, { kind: 'totp', step: 1001 }, 11)).toBe('code_used');
      expect(await repo.spend(factor.userId, { kind: 'totp', step: 1000 }, 12)).toBe('code_used');
      expect(await repo.find(factor.userId)).toMatchObject({ lastStep: 1001, challengesSpentThrough: 10 });
    });

    it('an mfaToken is spent once: one issued at or before the last spent one is refused', async () => {
      const factor = aFactor({ lastStep: 1000 });
      await repo.save(factor);
      expect(await repo.spend(factor.userId, { kind: 'totp', step: 1001 }, 50)).toBe('spent');
      expect(await repo.spend(factor.userId, { kind: 'totp', step: 1002 }, 50)).toBe('challenge_used');
      expect(await repo.spend(factor.userId, { kind: 'totp', step: 1002 }, 49)).toBe('challenge_used');
      expect(await repo.spend(factor.userId, { kind: 'totp', step: 1002 }, 51)).toBe('spent');
    });

    it('a recovery code works once and leaves the others', async () => {
      const factor = aFactor({ recoveryHashes: ['hash-a', 'hash-b'] });
      await repo.save(factor);
      expect(await repo.spend(factor.userId, { kind: 'recovery', hash: 'hash-a' }, 1)).toBe('spent');
      expect(await repo.spend(factor.userId, { kind: 'recovery', hash: 'hash-a' }, 2)).toBe('code_used');
      expect(await repo.spend(factor.userId, { kind: 'recovery', hash: 'nope' }, 3)).toBe('code_used');
      expect((await repo.find(factor.userId))?.recoveryHashes).toStrictEqual(['hash-b']);
    });

    it('spending for a user without enrolment says so', async () => {
      expect(await repo.spend('nobody', { kind: 'totp', step: 1 }, 1)).toBe('not_enrolled');
    });

    it('creates an enrolment only where none exists, and leaves an existing one untouched', async () => {
      const factor = aFactor();
      expect(await repo.create(factor)).toBe(true);
      expect(await repo.create({ ...factor, sealedSecret: 'v1.other', recoveryHashes: ['hash-z'] })).toBe(false);
      expect(await repo.find(factor.userId)).toStrictEqual(factor);
    });

    it('of parallel creations for one user, exactly one wins and its enrolment stays', async () => {
      const base = aFactor();
      const tries = Array.from({ length: 6 }, (_, i) => ({ ...base, sealedSecret: `v1.try-${i}` }));
      const results = await Promise.all(tries.map((f) => repo.create(f)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await repo.find(base.userId))?.sealedSecret).toBe(tries[results.indexOf(true)]!.sealedSecret);
    });

    it('of parallel spends of one code, exactly one wins', async () => {
      const factor = aFactor({ lastStep: 1000 });
      await repo.save(factor);
      const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => repo.spend(factor.userId, { kind: 'totp', step: 1001 }, 100 + i)));
      expect(outcomes.filter((o) => o === 'spent')).toHaveLength(1);
    });
  });
}
