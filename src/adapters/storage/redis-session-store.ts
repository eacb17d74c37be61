import type { SessionRepository } from '../../domain/ports/session-repository';
import { closeRedisClient, createRedisClient, type RedisClientOptions } from './redis-client';
import { RedisSessionRepository, type RedisSessionOptions } from './redis-session-repository';
import { describeRedisTarget, type RedisTarget } from './redis-url';

export type RedisSessionStoreOptions = RedisSessionOptions & RedisClientOptions;

/** Sessions in Redis (`SESSION_STORE_URL`), with the client that serves them. */
export interface RedisSessionStore {
  sessions: SessionRepository;
  /** Where sessions live, password redacted: safe to log. */
  description: string;
  close(): Promise<void>;
}

/** Creates the client lazily: nothing reaches Redis before the first command. */
export function openRedisSessionStore(target: RedisTarget, options: RedisSessionStoreOptions = {}): RedisSessionStore {
  const client = createRedisClient(target, options);
  return {
    sessions: new RedisSessionRepository(client, options),
    description: describeRedisTarget(target),
    close: () => closeRedisClient(client),
  };
}
