import { normalizeUsername, passwordProblem, roleProblem, usernameProblem, type User } from '../domain/user';
import type { Clock } from '../domain/ports/clock';
import type { IdGenerator } from '../domain/ports/id-generator';
import type { PasswordHasher } from '../domain/ports/password-hasher';
import type { UserRepository } from '../domain/ports/user-repository';
import { reject } from './errors';

export interface AddUserInput {
  username: string;
  password: string;
  roles: string[];
}

/** Creates a user; `invalid_request` for a bad name, password or role, or a taken name. */
export class AddUser {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  async execute(input: AddUserInput): Promise<User> {
    const problem =
      usernameProblem(input.username) ??
      passwordProblem(input.password) ??
      input.roles.map(roleProblem).find((p) => p !== null) ??
      null;
    if (problem) throw reject('invalid_request', problem);
    if (await this.users.findByUsername(normalizeUsername(input.username))) {
      throw reject('invalid_request', 'username already exists');
    }
    const now = this.clock.now();
    return this.users.create({
      id: this.ids.next(),
      username: input.username.normalize('NFC'),
      passwordHash: await this.hasher.hash(input.password),
      roles: [...new Set(input.roles)],
      disabled: false,
      createdAt: now,
    });
  }
}
