import { InvalidToken } from './jwt-claims';

/** Header members that would let a token choose its own key, or demand unknown processing. */
const FORBIDDEN = ['jwk', 'jku', 'x5u', 'x5c', 'crit'];

export interface HeaderRules {
  alg: string;
  /** Expected `typ` (`at+jwt` / `rt+jwt`); compared case-insensitively, `application/` prefix allowed. */
  typ: string;
}

/**
 * Checks the protected header before any signature work and returns its `kid` (null when it
 * has none), which picks the verification key. jsonwebtoken ignores `typ` and `kid`, so this
 * is what keeps access and refresh tokens apart.
 */
export function checkHeader(token: string, rules: HeaderRules): string | null {
  const header = decodeHeader(token);
  if (header.alg !== rules.alg) throw new InvalidToken('unexpected algorithm');
  const typ = typeof header.typ === 'string' ? header.typ.toLowerCase().replace(/^application\//, '') : null;
  if (typ !== rules.typ) throw new InvalidToken('wrong token type');
  const present = FORBIDDEN.find((name) => name in header);
  if (present) throw new InvalidToken(`header ${present} not allowed`);
  if (!('kid' in header)) return null;
  if (typeof header.kid !== 'string') throw new InvalidToken('unknown kid');
  return header.kid;
}

function decodeHeader(token: string): Record<string, unknown> {
  const part = token.slice(0, token.indexOf('.'));
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidToken('malformed header');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new InvalidToken('malformed header');
  return header as Record<string, unknown>;
}
