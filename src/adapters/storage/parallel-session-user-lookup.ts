import type { SessionRepository } from '../../domain/ports/session-repository';
import type { SessionAndUser, SessionUserLookup } from '../../domain/ports/session-user-lookup';
import type { UserRepository } from '../../domain/ports/user-repository';

/**
 * {@link SessionUserLookup} over two repositories, both asked at once: for stores that keep
 * sessions and users apart (Redis sessions, SQL users) or in memory.
 */
export class ParallelSessionUserLookup implements SessionUserLookup {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly users: UserRepository,
  ) {}

  async find(sessionId: string, userId: string): Promise<SessionAndUser> {
    const [session, user] = await Promise.all([this.sessions.findById(sessionId), this.users.findById(userId)]);
    return { session, user: session !== null && session.userId === userId ? user : null };
  }
}
