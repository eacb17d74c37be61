import type { Session } from '../../domain/session';

/** Column widths (code points) of `sessions.user_agent` and `sessions.ip`. */
export const USER_AGENT_MAX = 512;
export const IP_MAX = 64;

const truncate = (value: string | null, max: number): string | null => {
  if (value === null) return null;
  const chars = Array.from(value);
  return chars.length <= max ? value : chars.slice(0, max).join('');
};

/** A copy of `session` whose client-supplied fields fit their columns, cut by code point. */
export function clampSessionFields(session: Session): Session {
  return {
    ...session,
    userAgent: truncate(session.userAgent, USER_AGENT_MAX),
    ip: truncate(session.ip, IP_MAX),
  };
}
