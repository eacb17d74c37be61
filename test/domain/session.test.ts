import {
  accessTokenTimes,
  classifyRefreshUse,
  earlierSpentAfterRotation,
  isSessionLive,
  MAX_EARLIER_SPENT,
  refreshTokenTimes,
  sessionEndsAt,
  type Session,
} from '../../src/domain/session';

const T0 = Date.UTC(2030, 0, 1); // a fixed, whole-second instant
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;
const GRACE = 10 * SECOND;
const IDLE = 14 * DAY;

const session = (over: Partial<Session> = {}): Session => ({
  id: 'sid-1',
  userId: 'user-1',
  currentJti: 'jti-2',
  currentIssuedAt: T0 + DAY,
  previousJti: 'jti-1',
  rotatedAt: T0 + DAY,
  earlierSpent: [],
  createdAt: T0,
  lastUsedAt: T0 + DAY,
  expiresAt: T0 + 30 * DAY,
  revokedAt: null,
  revokeReason: null,
  userAgent: null,
  ip: null,
  ...over,
});

describe('classifyRefreshUse', () => {
  const s = session();
  const rotated = s.rotatedAt as number;

  it('the current jti is current', () => {
    expect(classifyRefreshUse(s, 'jti-2', T0 + 2 * DAY, GRACE)).toBe('current');
  });

  it('the previous jti is grace up to exactly the grace window after rotation', () => {
    expect(classifyRefreshUse(s, 'jti-1', rotated, GRACE)).toBe('grace');
    expect(classifyRefreshUse(s, 'jti-1', rotated + GRACE, GRACE)).toBe('grace');
  });

  it('the previous jti one millisecond past the grace window is reused', () => {
    expect(classifyRefreshUse(s, 'jti-1', rotated + GRACE + 1, GRACE)).toBe('reused');
  });

  it('a zero grace window honours the previous jti only at the rotation instant', () => {
    expect(classifyRefreshUse(s, 'jti-1', rotated, 0)).toBe('grace');
    expect(classifyRefreshUse(s, 'jti-1', rotated + 1, 0)).toBe('reused');
  });

  it('an older jti the session does not record is reused, even inside the window', () => {
    expect(classifyRefreshUse(s, 'jti-0', rotated + 1, GRACE)).toBe('reused');
  });

  it('a jti spent two rotations ago is grace until its own window ends, then reused', () => {
    // jti-0 was spent 4 s before jti-1 was: its window ends 4 s before jti-1's does.
    const chain = session({ earlierSpent: [{ jti: 'jti-0', spentAt: rotated - 4 * SECOND }] });
    expect(classifyRefreshUse(chain, 'jti-0', rotated + GRACE - 4 * SECOND, GRACE)).toBe('grace');
    expect(classifyRefreshUse(chain, 'jti-0', rotated + GRACE - 4 * SECOND + 1, GRACE)).toBe('reused');
    expect(classifyRefreshUse(chain, 'jti-1', rotated + GRACE - 4 * SECOND + 1, GRACE)).toBe('grace');
    expect(classifyRefreshUse(chain, 'jti-9', rotated + 1, GRACE)).toBe('reused');
  });

  it('an unknown jti of a never-rotated session is reused', () => {
    const fresh = session({ previousJti: null, rotatedAt: null });
    expect(classifyRefreshUse(fresh, 'jti-1', T0 + DAY, GRACE)).toBe('reused');
  });

  it.each(['jti-2', 'jti-1', 'jti-0'])('a revoked session answers revoked for %s', (jti) => {
    const revoked = session({ revokedAt: T0 + DAY + 1, revokeReason: 'logout' });
    expect(classifyRefreshUse(revoked, jti, rotated + 1, GRACE)).toBe('revoked');
  });

  it('a missing session counts as revoked', () => {
    expect(classifyRefreshUse(null, 'jti-2', T0, GRACE)).toBe('revoked');
  });

  it('is lifetime_over from exactly the absolute end, whatever the jti', () => {
    expect(classifyRefreshUse(s, 'jti-2', s.expiresAt - 1, GRACE)).toBe('current');
    expect(classifyRefreshUse(s, 'jti-2', s.expiresAt, GRACE)).toBe('lifetime_over');
    expect(classifyRefreshUse(s, 'jti-0', s.expiresAt, GRACE)).toBe('lifetime_over');
  });

  it('revocation takes precedence over the absolute end', () => {
    const revoked = session({ revokedAt: T0 + 2 * DAY, revokeReason: 'reuse_detected' });
    expect(classifyRefreshUse(revoked, 'jti-2', revoked.expiresAt, GRACE)).toBe('revoked');
  });
});

describe('sessionEndsAt / isSessionLive', () => {
  it('ends at the idle limit when the refresh token goes unused', () => {
    const s = session({ currentIssuedAt: T0, lastUsedAt: T0 });
    expect(sessionEndsAt(s, IDLE)).toBe(T0 + IDLE);
    expect(isSessionLive(s, T0 + IDLE - 1, IDLE)).toBe(true);
    expect(isSessionLive(s, T0 + IDLE, IDLE)).toBe(false);
  });

  it('use moves the idle limit', () => {
    const used = session({ currentIssuedAt: T0 + 10 * DAY, lastUsedAt: T0 + 10 * DAY });
    expect(sessionEndsAt(used, IDLE)).toBe(T0 + 24 * DAY);
  });

  it('no activity extends the absolute limit', () => {
    const s = session({ currentIssuedAt: T0 + 29 * DAY, lastUsedAt: T0 + 29 * DAY });
    expect(sessionEndsAt(s, IDLE)).toBe(s.expiresAt);
    expect(isSessionLive(s, s.expiresAt - 1, IDLE)).toBe(true);
    expect(isSessionLive(s, s.expiresAt, IDLE)).toBe(false);
  });

  it('a revoked session is never live', () => {
    const s = session({ revokedAt: T0 + DAY, revokeReason: 'logout' });
    expect(isSessionLive(s, T0 + DAY, IDLE)).toBe(false);
    expect(isSessionLive(s, T0, IDLE)).toBe(false);
  });
});

describe('refreshTokenTimes / accessTokenTimes', () => {
  const s = session();

  it('refresh: iat in whole seconds, exp = iat + ttl', () => {
    expect(refreshTokenTimes(s, T0 + 1500, 14 * 86400)).toEqual({
      iat: T0 / 1000 + 1,
      exp: T0 / 1000 + 1 + 14 * 86400,
    });
  });

  it('refresh: capped at the absolute end of the session', () => {
    const late = s.expiresAt - DAY;
    expect(refreshTokenTimes(s, late, 14 * 86400)).toEqual({ iat: late / 1000, exp: s.expiresAt / 1000 });
  });

  it('refresh: the same inputs give the same claims (grace convergence)', () => {
    const a = refreshTokenTimes(s, s.currentIssuedAt, 14 * 86400);
    const b = refreshTokenTimes(s, s.currentIssuedAt, 14 * 86400);
    expect(a).toEqual(b);
  });

  it('access: exp = iat + ttl, in whole seconds', () => {
    expect(accessTokenTimes(s, T0 + 999, 900)).toEqual({ iat: T0 / 1000, exp: T0 / 1000 + 900 });
  });

  it('access: capped at the absolute end of the session', () => {
    const now = s.expiresAt - 5 * MINUTE;
    expect(accessTokenTimes(s, now, 900)).toEqual({ iat: now / 1000, exp: s.expiresAt / 1000 });
  });

  it('access: the cap rounds a fractional-second absolute end down, never past it', () => {
    const odd = session({ expiresAt: T0 + 30 * DAY + 700 });
    const { exp } = accessTokenTimes(odd, odd.expiresAt - 60 * SECOND, 900);
    expect(exp).toBe(Math.floor(odd.expiresAt / 1000));
    expect(exp * 1000).toBeLessThanOrEqual(odd.expiresAt);
  });

  it('access: deterministic', () => {
    expect(accessTokenTimes(s, T0 + 12345, 900)).toEqual(accessTokenTimes(s, T0 + 12345, 900));
  });
});

describe('earlierSpentAfterRotation', () => {
  const rotated = T0 + DAY;

  it('a never-rotated session has nothing spent', () => {
    expect(earlierSpentAfterRotation(session({ previousJti: null, rotatedAt: null }), rotated, GRACE)).toEqual([]);
  });

  it('the token the last rotation spent joins, newest first, while its window is open', () => {
    const s = session({ earlierSpent: [{ jti: 'jti-0', spentAt: rotated - 3 * SECOND }] });
    expect(earlierSpentAfterRotation(s, rotated + 5 * SECOND, GRACE)).toEqual([
      { jti: 'jti-1', spentAt: rotated },
      { jti: 'jti-0', spentAt: rotated - 3 * SECOND },
    ]);
  });

  it('tokens whose window has ended leave (the previous one too)', () => {
    const s = session({ earlierSpent: [{ jti: 'jti-0', spentAt: rotated - 3 * SECOND }] });
    expect(earlierSpentAfterRotation(s, rotated + 8 * SECOND, GRACE)).toEqual([{ jti: 'jti-1', spentAt: rotated }]);
    expect(earlierSpentAfterRotation(s, rotated + GRACE + 1, GRACE)).toEqual([]);
  });

  it(`keeps at most ${MAX_EARLIER_SPENT}, dropping the oldest`, () => {
    const earlier = Array.from({ length: MAX_EARLIER_SPENT }, (_, i) => ({ jti: `old-${i}`, spentAt: rotated - (i + 1) }));
    const next = earlierSpentAfterRotation(session({ earlierSpent: earlier }), rotated + 1, GRACE);
    expect(next).toHaveLength(MAX_EARLIER_SPENT);
    expect(next[0]).toEqual({ jti: 'jti-1', spentAt: rotated });
    expect(next.map((t) => t.jti)).not.toContain(`old-${MAX_EARLIER_SPENT - 1}`);
  });
});
