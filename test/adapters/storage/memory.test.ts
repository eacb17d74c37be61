import { MemorySessionRepository } from '../../../src/adapters/storage/memory-session-repository';
import { MemoryUserRepository } from '../../../src/adapters/storage/memory-user-repository';
import { sessionRepositoryContract } from './session-repository.contract';
import { userRepositoryContract } from './user-repository.contract';

const factory = async () => ({
  users: new MemoryUserRepository(),
  sessions: new MemorySessionRepository(),
  close: async () => {},
});

userRepositoryContract('memory', factory);
sessionRepositoryContract('memory', factory);
