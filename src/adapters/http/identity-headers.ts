import type { Identity } from '../../application/authenticate-request';

export const IDENTITY_HEADERS = ['x-user-id', 'x-user-name', 'x-user-roles', 'x-session-id', 'x-user-amr'] as const;

/** Header values must be visible ASCII: other characters (and `%`) are percent-encoded as UTF-8. */
export function headerSafe(value: string): string {
  return value.replace(/[^\x20-\x7e]|%/gu, (c) => encodeURIComponent(c));
}

/** A shared (frozen) identity's headers, made once: a token cache hands out the same identity on every hit. */
const made = new WeakMap<Identity, readonly string[]>();

/**
 * The caller's identity as the headers SPEC §5 names, as a flat `[name, value, …]` list in
 * {@link IDENTITY_HEADERS} order (the form undici and `writeHead` take; read it by index).
 */
export function identityHeaders(identity: Identity): readonly string[] {
  let headers = made.get(identity);
  if (headers) return headers;
  headers = [
    'x-user-id', headerSafe(identity.sub),
    'x-user-name', headerSafe(identity.username),
    'x-user-roles', identity.roles.join(','),
    'x-session-id', identity.sid,
    'x-user-amr', identity.amr.join(','),
  ];
  if (Object.isFrozen(identity)) made.set(identity, Object.freeze(headers));
  return headers;
}
