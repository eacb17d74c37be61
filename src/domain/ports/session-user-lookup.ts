import type { Session } from '../session';
import type { User } from '../user';

/** A session and its user, as one read returns them. */
export interface SessionAndUser {
  session: Session | null;
  user: User | null;
}

/**
 * The first read of every refresh-token use (cases 2 and 3, `/auth/refresh`): the session the
 * token names and the user it names. A store holding both answers in one round trip.
 * Unreachable storage throws `DomainError('service_unavailable')`.
 */
export interface SessionUserLookup {
  /**
   * The session `sessionId` (null when unknown) and the user `userId`: null when that user is
   * unknown, and also when the session is unknown or belongs to another user (then the caller
   * refuses the token before it needs any user).
   */
  find(sessionId: string, userId: string): Promise<SessionAndUser>;
}
