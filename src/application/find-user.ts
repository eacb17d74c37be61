import { normalizeUsername, type User } from '../domain/user';
import type { UserRepository } from '../domain/ports/user-repository';
import { reject } from './errors';

/** The user named `username` (case-insensitive), or `not_found`. */
export async function findUserOrFail(users: UserRepository, username: string): Promise<User> {
  const user = await users.findByUsername(normalizeUsername(username));
  if (!user) throw reject('not_found', `no user named "${username}"`);
  return user;
}
