import { DomainError } from '../../domain/errors';
import type { NewUser, UserRepository } from '../../domain/ports/user-repository';
import { normalizeUsername, type User } from '../../domain/user';

const copy = (user: User): User => ({ ...user, roles: [...user.roles] });

/** UTF-8 byte order is code point order: the order of the binary collations in SQL. */
const byCodePoint = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** In-process {@link UserRepository}; hands out copies, never its own objects. */
export class MemoryUserRepository implements UserRepository {
  private readonly users = new Map<string, User>();
  private readonly idsByUsername = new Map<string, string>();

  async findByUsername(username: string): Promise<User | null> {
    const id = this.idsByUsername.get(normalizeUsername(username));
    return id === undefined ? null : this.findById(id);
  }

  async findById(id: string): Promise<User | null> {
    const user = this.users.get(id);
    return user ? copy(user) : null;
  }

  async create(user: NewUser): Promise<User> {
    const normalized = normalizeUsername(user.username);
    if (this.idsByUsername.has(normalized)) {
      throw new DomainError('invalid_request', 'username already exists');
    }
    if (this.users.has(user.id)) throw new Error(`duplicate user id ${user.id}`);
    const created: User = { ...user, roles: [...user.roles], updatedAt: user.createdAt };
    this.users.set(created.id, created);
    this.idsByUsername.set(normalized, created.id);
    return copy(created);
  }

  async setDisabled(id: string, disabled: boolean, now: number): Promise<boolean> {
    return this.update(id, { disabled, updatedAt: now });
  }

  async setPasswordHash(id: string, passwordHash: string, now: number): Promise<boolean> {
    return this.update(id, { passwordHash, updatedAt: now });
  }

  async list(): Promise<User[]> {
    return [...this.users.values()]
      .sort(
        (a, b) =>
          byCodePoint(normalizeUsername(a.username), normalizeUsername(b.username)) || byCodePoint(a.id, b.id),
      )
      .map(copy);
  }

  async count(): Promise<number> {
    return this.users.size;
  }

  private update(id: string, changes: Partial<Pick<User, 'disabled' | 'passwordHash' | 'updatedAt'>>): boolean {
    const user = this.users.get(id);
    if (!user) return false;
    this.users.set(id, { ...user, ...changes });
    return true;
  }
}
