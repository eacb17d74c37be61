import { MemorySessionRepository } from '../../../src/adapters/storage/memory-session-repository';
import { MemoryUserRepository } from '../../../src/adapters/storage/memory-user-repository';
import { sessionRepositoryContract } from './session-repository.contract';
import { userRepositoryContract } from './user-repository.contract';
import { MemorySecondFactorRepository } from '../../../src/adapters/storage/memory-second-factor-repository';
import { secondFactorRepositoryContract } from './second-factor-repository.contract';

const factory = async () => ({
  users: new MemoryUserRepository(),
  sessions: new MemorySessionRepository(),
  close: async () => {},
});

userRepositoryContract('memory', factory);
sessionRepositoryContract('memory', factory);
secondFactorRepositoryContract('memory', async () => ({ secondFactors: new MemorySecondFactorRepository(), close: async () => {} }));
