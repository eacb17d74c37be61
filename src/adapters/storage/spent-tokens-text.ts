import type { SpentToken } from '../../domain/session';

/** `Session.earlierSpent` as stored text (a JSON array of `[jti, spentAt]`), or null when empty. */
export function encodeSpentTokens(tokens: readonly SpentToken[] | undefined): string | null {
  if (!tokens || tokens.length === 0) return null;
  return JSON.stringify(tokens.map((t) => [t.jti, t.spentAt]));
}

/** The stored text back as tokens; throws on text this adapter did not write. */
export function decodeSpentTokens(text: string | null | undefined): SpentToken[] {
  if (text === null || text === undefined || text === '') return [];
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) throw new Error('earlier spent tokens: not an array');
  return parsed.map((entry: unknown) => {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'number' || !Number.isFinite(entry[1])) {
      throw new Error('earlier spent tokens: malformed entry');
    }
    return { jti: entry[0], spentAt: entry[1] };
  });
}
