import type { User } from '../user';

export type NewUser = Omit<User, 'updatedAt'>;

/** Users. Lookups by username are by {@link normalizeUsername}. Unreachable storage throws `service_unavailable`. */
export interface UserRepository {
  /** Null when no user has this (normalized) username. */
  findByUsername(username: string): Promise<User | null>;
  /** Null when unknown. */
  findById(id: string): Promise<User | null>;
  /** Throws `DomainError('invalid_request')` when the normalized username is taken. */
  create(user: NewUser): Promise<User>;
  /** False when the user is unknown. `now` in milliseconds. */
  setDisabled(id: string, disabled: boolean, now: number): Promise<boolean>;
  /** False when the user is unknown. */
  setPasswordHash(id: string, passwordHash: string, now: number): Promise<boolean>;
  /** Every user, ordered by username. */
  list(): Promise<User[]>;
  count(): Promise<number>;
}
