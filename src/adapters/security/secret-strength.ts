/** Words that mark a secret copied from a sample file or a README, not generated. */
const PLACEHOLDER = /change-?me|secret|example|passw(or|0)d|placeholder|sample|dummy|replace|tokengate/i;
/** Estimated bits below which a secret is guessable, whatever its length (see {@link estimatedBits}). */
export const MIN_ESTIMATED_BITS = 80;
/** Fewest distinct characters a generated secret shows (32 hex characters show about 13). */
const MIN_DISTINCT = 8;

/**
 * Why a production `JWT_SECRET` is guessable, or null: it holds a placeholder word, or it is
 * low in entropy (few distinct characters, or a character-frequency estimate under 80 bits).
 * The answer never quotes the secret.
 */
export function weakSecretProblem(secret: string): string | null {
  const generate = 'generate one with: openssl rand -base64 48';
  if (PLACEHOLDER.test(secret)) return `looks like a placeholder (it holds a word such as "change-me", "secret" or "example"); ${generate}`;
  if (new Set(secret).size < MIN_DISTINCT || estimatedBits(secret) < MIN_ESTIMATED_BITS) {
    return `is too predictable (too few distinct characters); ${generate}`;
  }
  return null;
}

/** Length × Shannon entropy of the character frequencies: an upper bound for a random-looking string. */
export function estimatedBits(text: string): number {
  const chars = [...text];
  const counts = new Map<string, number>();
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  let perChar = 0;
  for (const n of counts.values()) {
    const p = n / chars.length;
    perChar -= p * Math.log2(p);
  }
  return perChar * chars.length;
}
