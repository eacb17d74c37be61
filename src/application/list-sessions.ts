import { isSessionLive, sessionEndsAt } from '../domain/session';
import type { Clock } from '../domain/ports/clock';
import type { SessionRepository } from '../domain/ports/session-repository';
import type { SessionSettings } from './settings';

/** One live session as the caller sees it. Times in milliseconds. */
export interface SessionView {
  id: string;
  createdAt: number;
  lastUsedAt: number;
  expiresAt: number;
  userAgent: string | null;
  ip: string | null;
  current: boolean;
}

/** A user's live sessions, newest first; `current` marks the caller's. */
export class ListSessions {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly clock: Clock,
    private readonly settings: SessionSettings,
  ) {}

  async execute(userId: string, currentSessionId: string | null): Promise<SessionView[]> {
    const now = this.clock.now();
    const idleMs = this.settings.refreshTokenTtl * 1000;
    const sessions = await this.sessions.listActiveForUser(userId, now);
    return sessions
      .filter((s) => isSessionLive(s, now, idleMs) || s.id === currentSessionId)
      .map((s) => ({
        id: s.id,
        createdAt: s.createdAt,
        lastUsedAt: s.lastUsedAt,
        expiresAt: sessionEndsAt(s, idleMs),
        userAgent: s.userAgent,
        ip: s.ip,
        current: s.id === currentSessionId,
      }));
  }
}
