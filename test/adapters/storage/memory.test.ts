import { MemorySessionRepository } from '../../../src/adapters/storage/memory-session-repository';
import { MemoryUserRepository } from '../../../src/adapters/storage/memory-user-repository';
import { sessionRepositoryContract } from './session-repository.contract';
import { userRepositoryContract } from './user-repository.contract';
import { sessionUserLookupContract } from './session-user-lookup.contract';
import { ParallelSessionUserLookup } from '../../../src/adapters/storage/parallel-session-user-lookup';
import { MemorySecondFactorRepository } from '../../../src/adapters/storage/memory-second-factor-repository';
import { secondFactorRepositoryContract } from './second-factor-repository.contract';

const factory = async () => {
  const users = new MemoryUserRepository();
  const sessions = new MemorySessionRepository();
  return { users, sessions, sessionUsers: new ParallelSessionUserLookup(sessions, users), close: async () => {} };
};

userRepositoryContract('memory', factory);
sessionRepositoryContract('memory', factory);
sessionUserLookupContract('memory', factory);
secondFactorRepositoryContract('memory', async () => ({ secondFactors: new MemorySecondFactorRepository(), close: async () => {} }));
