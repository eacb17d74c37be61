import type { RevokeReason, Session } from '../../domain/session';
import { decodeSpentTokens, encodeSpentTokens } from './spent-tokens-text';

/**
 * A session as a Redis hash: one field per {@link Session} property but `id` (it is in the
 * key), numbers as decimal strings, null properties left out. Scripts rely on the names
 * `userId`, `currentJti`, `lastUsedAt` and `revokedAt`.
 */
export type SessionHash = Record<string, string>;

const NUMBER_FIELDS = ['currentIssuedAt', 'createdAt', 'lastUsedAt', 'expiresAt'] as const;
const OPTIONAL_NUMBER_FIELDS = ['rotatedAt', 'revokedAt'] as const;
const STRING_FIELDS = ['userId', 'currentJti'] as const;
const OPTIONAL_STRING_FIELDS = ['previousJti', 'revokeReason', 'userAgent', 'ip'] as const;

/** Field, value, field, value…: the HSET argument list. */
export function toHashArgs(session: Session): string[] {
  const args: string[] = [];
  for (const field of [...STRING_FIELDS, ...OPTIONAL_STRING_FIELDS]) {
    const value = session[field];
    if (value !== null) args.push(field, value);
  }
  for (const field of [...NUMBER_FIELDS, ...OPTIONAL_NUMBER_FIELDS]) {
    const value = session[field];
    if (value !== null) args.push(field, String(value));
  }
  const earlierSpent = encodeSpentTokens(session.earlierSpent);
  if (earlierSpent !== null) args.push('earlierSpent', earlierSpent);
  if (session.amr) args.push('amr', JSON.stringify(session.amr));
  return args;
}

/** The hash as HGETALL's flat array (what Lua scripts return) or ioredis's object form. */
export function hashFromPairs(pairs: string[]): SessionHash {
  const hash: SessionHash = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) hash[pairs[i]!] = pairs[i + 1]!;
  return hash;
}

/** Null for an empty hash (no such key); throws on a hash this adapter did not write. */
export function fromSessionHash(id: string, hash: SessionHash): Session | null {
  if (Object.keys(hash).length === 0) return null;
  const required = (field: string): string => {
    const value = hash[field];
    if (value === undefined) throw new Error(`session hash ${id} lacks ${field}`);
    return value;
  };
  const optionalNumber = (field: string): number | null => (hash[field] === undefined ? null : Number(hash[field]));
  return {
    id,
    userId: required('userId'),
    currentJti: required('currentJti'),
    currentIssuedAt: Number(required('currentIssuedAt')),
    previousJti: hash.previousJti ?? null,
    rotatedAt: optionalNumber('rotatedAt'),
    earlierSpent: decodeSpentTokens(hash.earlierSpent),
    createdAt: Number(required('createdAt')),
    lastUsedAt: Number(required('lastUsedAt')),
    expiresAt: Number(required('expiresAt')),
    revokedAt: optionalNumber('revokedAt'),
    revokeReason: (hash.revokeReason ?? null) as RevokeReason | null,
    userAgent: hash.userAgent ?? null,
    ip: hash.ip ?? null,
    ...(hash.amr ? { amr: JSON.parse(hash.amr) as string[] } : {}),
  };
}
