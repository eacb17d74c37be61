import type { SessionRepository } from '../../../src/domain/ports/session-repository';
import type { SessionUserLookup } from '../../../src/domain/ports/session-user-lookup';
import type { NewUser, UserRepository } from '../../../src/domain/ports/user-repository';
import type { Session } from '../../../src/domain/session';

/** What every storage adapter under contract hands the suites: fresh, empty repositories. */
export interface StorageUnderTest {
  users: UserRepository;
  sessions: SessionRepository;
  sessionUsers: SessionUserLookup;
  close(): Promise<void>;
}

export type StorageFactory = () => Promise<StorageUnderTest>;

/** A fixed instant (ms) with a non-zero millisecond part, to catch second-rounding. */
export const T0 = 1_700_000_000_123;
export const DAY = 86_400_000;

let sequence = 0;
const nextId = (prefix: string): string => `${prefix}-${process.pid}-${++sequence}`;

export function aSession(overrides: Partial<Session> = {}): Session {
  return {
    id: nextId('sid'),
    userId: 'user-1',
    currentJti: nextId('jti'),
    currentIssuedAt: T0,
    previousJti: null,
    rotatedAt: null,
    earlierSpent: [],
    createdAt: T0,
    lastUsedAt: T0,
    expiresAt: T0 + 30 * DAY,
    revokedAt: null,
    revokeReason: null,
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
    ip: '203.0.113.7',
    ...overrides,
  };
}

export function aUser(overrides: Partial<NewUser> = {}): NewUser {
  return {
    id: nextId('uid'),
    username: nextId('user'),
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo',
    roles: ['reader'],
    disabled: false,
    createdAt: T0,
    ...overrides,
  };
}
