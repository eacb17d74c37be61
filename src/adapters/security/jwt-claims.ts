import type { AccessClaims, MfaClaims, RefreshClaims } from '../../domain/token';

/** A verification failure; its message is the `reason` of an `invalid` check (never token content). */
export class InvalidToken extends Error {}

export type Payload = Record<string, unknown>;

const nonEmpty = (p: Payload, name: string): string => {
  const v = p[name];
  if (typeof v !== 'string' || v === '') throw new InvalidToken(`claim ${name} must be a non-empty string`);
  return v;
};

const time = (p: Payload, name: string): number => {
  const v = p[name];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidToken(`claim ${name} must be a number`);
  return v;
};

export function toRefreshClaims(p: Payload): RefreshClaims {
  return { sub: nonEmpty(p, 'sub'), sid: nonEmpty(p, 'sid'), jti: nonEmpty(p, 'jti'), iat: time(p, 'iat'), exp: time(p, 'exp') };
}

export function toAccessClaims(p: Payload): AccessClaims {
  const { roles, username } = p;
  if (!isStringArray(roles)) throw new InvalidToken('claim roles must be an array of strings');
  if (typeof username !== 'string') throw new InvalidToken('claim username must be a string');
  const { sub, sid, jti, iat, exp } = toRefreshClaims(p);
  const amr = p.amr;
  if (amr !== undefined && !isStringArray(amr)) throw new InvalidToken('claim amr must be an array of strings');
  return { sub, sid, jti, iat, exp, roles, username, ...(amr ? { amr } : {}) };
}

function isStringArray(value: unknown): value is string[] {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (typeof item !== 'string') return false;
  return true;
}

/** The claims as written into a token, in a fixed order so equal claims give equal bytes. */
export function accessPayload(c: AccessClaims, iss: string, aud: string): Payload {
  return { iss, aud, sub: c.sub, sid: c.sid, jti: c.jti, iat: c.iat, exp: c.exp, roles: [...c.roles], username: c.username, ...(c.amr ? { amr: [...c.amr] } : {}) };
}

export function toMfaClaims(p: Payload): MfaClaims {
  if (p.mfa !== true) throw new InvalidToken('not an mfaToken');
  return { sub: nonEmpty(p, 'sub'), jti: nonEmpty(p, 'jti'), iat: time(p, 'iat'), exp: time(p, 'exp') };
}

/** `mfa: true` besides the header's `typ`: a second mark no access or refresh payload carries. */
export function mfaPayload(c: MfaClaims, iss: string, aud: string): Payload {
  return { iss, aud, sub: c.sub, jti: c.jti, iat: c.iat, exp: c.exp, mfa: true };
}

export function refreshPayload(c: RefreshClaims, iss: string, aud: string): Payload {
  return { iss, aud, sub: c.sub, sid: c.sid, jti: c.jti, iat: c.iat, exp: c.exp };
}
