import type { Identity } from '../../application/authenticate-request';

export const IDENTITY_HEADERS = ['x-user-id', 'x-user-name', 'x-user-roles', 'x-session-id', 'x-user-amr'] as const;

/** Header values must be visible ASCII: other characters (and `%`) are percent-encoded as UTF-8. */
export function headerSafe(value: string): string {
  return value.replace(/[^\x20-\x7e]|%/gu, (c) => encodeURIComponent(c));
}

type IdentityHeaders = Readonly<Record<(typeof IDENTITY_HEADERS)[number], string>>;

/** A shared (frozen) identity's headers, made once: a token cache hands out the same identity on every hit. */
const made = new WeakMap<Identity, IdentityHeaders>();

/** The caller's identity as the headers SPEC §5 names. */
export function identityHeaders(identity: Identity): IdentityHeaders {
  if (!Object.isFrozen(identity)) return headersOf(identity);
  let headers = made.get(identity);
  if (!headers) made.set(identity, (headers = Object.freeze(headersOf(identity))));
  return headers;
}

function headersOf(identity: Identity): IdentityHeaders {
  return {
    'x-user-id': headerSafe(identity.sub),
    'x-user-name': headerSafe(identity.username),
    'x-user-roles': identity.roles.join(','),
    'x-session-id': identity.sid,
    'x-user-amr': identity.amr.join(','),
  };
}
