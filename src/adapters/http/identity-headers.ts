import type { Identity } from '../../application/authenticate-request';

export const IDENTITY_HEADERS = ['x-user-id', 'x-user-name', 'x-user-roles', 'x-session-id'] as const;

/** Header values must be visible ASCII: other characters (and `%`) are percent-encoded as UTF-8. */
export function headerSafe(value: string): string {
  return value.replace(/[^\x20-\x7e]|%/gu, (c) => encodeURIComponent(c));
}

/** The caller's identity as the headers SPEC §5 names. */
export function identityHeaders(identity: Identity): Record<(typeof IDENTITY_HEADERS)[number], string> {
  return {
    'x-user-id': headerSafe(identity.sub),
    'x-user-name': headerSafe(identity.username),
    'x-user-roles': identity.roles.join(','),
    'x-session-id': identity.sid,
  };
}
