import type { Clock } from '../../domain/ports/clock';
import type { TokenSigner } from '../../domain/ports/token-signer';
import type { AccessClaims, RefreshClaims, TokenCheck } from '../../domain/token';

export interface CachingTokenSignerOptions {
  /** Most access tokens remembered at once (`TOKEN_CACHE_SIZE`); 0 turns the cache off. */
  maxEntries: number;
  clock: Clock;
}

interface Entry<C> {
  /** The whole token: a hit needs these very bytes, not only the same key. */
  token: string;
  result: TokenCheck<C>;
  /** The clock reading when the token was verified, ms; a hit never predates it. */
  verifiedAt: number;
  /** The token's `exp` in ms: the entry is dead from then on. */
  expiresAt: number;
  /** Hit since it was stored or last spared: the next eviction passes over it once. */
  used: boolean;
}

/** How many of a token's last characters key the cache: 192 bits of its signature. */
const KEY_CHARS = 32;

type Jwks = { jwks?(): { keys: object[] } | null };

/**
 * A {@link TokenSigner} that remembers successful `verifyAccess` results, so a token already
 * seen skips the signature check and claim parsing on the proxy's hot path.
 *
 * - Keyed by the token's last {@link KEY_CHARS} characters (its signature's end), and a hit
 *   also needs the whole token to be equal: the very same bytes were verified before. A
 *   forged token that copies a genuine signature finds that entry, is not equal to it, and
 *   goes to the real check (and is refused there); the genuine entry stays. Hashing a
 *   32-character key costs V8 far less than a digest (or a hash) of the whole ~400-byte
 *   token. The cached tokens stay in this process's memory until their `exp`, as the
 *   signing key itself does, which would let anyone who can read that memory mint tokens.
 * - Only `valid` results are cached, each only until the token's own `exp` (not `exp` plus the
 *   clock skew: inside the leeway the inner signer decides again). `invalid` and `expired`
 *   results are never cached, so every refused token is refused by the real check.
 * - Bounded: past `maxEntries` an entry is dropped, oldest first, but one hit since it was
 *   stored or last spared is moved to the newest end instead (second chance, the CLOCK
 *   approximation of least recently used), at most {@link MAX_SPARED} of them per eviction.
 *   A hit only sets a flag: moving the entry in the `Map` on every hit made V8 rehash its
 *   table again and again, on the hot path.
 * - Revocation is not this cache's business: the gate asks the revocation list about the
 *   token's `sid` after every verification, cache hit or not. {@link forgetSessions} only
 *   frees the memory early when sessions are revoked.
 * - Refresh tokens are cached the same way (their own map): a browser sends its refresh
 *   cookie with every request, and case 4 checks only its signature. Every use that reissues
 *   or goes through `/auth/refresh` is still checked against storage.
 */
export class CachingTokenSigner implements TokenSigner {
  private readonly entries = new Map<string, Entry<AccessClaims>>();
  private readonly refreshEntries = new Map<string, Entry<RefreshClaims>>();

  constructor(
    private readonly inner: TokenSigner & Jwks,
    private readonly options: CachingTokenSignerOptions,
  ) {
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 0) {
      throw new Error('maxEntries must be a non-negative integer');
    }
  }

  /** How many tokens are remembered now. */
  get size(): number {
    return this.entries.size;
  }

  signAccess(claims: AccessClaims): string {
    return this.inner.signAccess(claims);
  }

  signRefresh(claims: RefreshClaims): string {
    return this.inner.signRefresh(claims);
  }

  /** Cached like access tokens: a browser sends its refresh cookie on every request (case 4). */
  verifyRefresh(token: string): TokenCheck<RefreshClaims> {
    return this.cached(this.refreshEntries, token, (t) => this.inner.verifyRefresh(t));
  }

  verifyAccess(token: string): TokenCheck<AccessClaims> {
    return this.cached(this.entries, token, (t) => this.inner.verifyAccess(t));
  }

  private cached<C extends { exp: number; sid: string }>(
    entries: Map<string, Entry<C>>,
    token: string,
    verify: (token: string) => TokenCheck<C>,
  ): TokenCheck<C> {
    if (this.options.maxEntries === 0 || typeof token !== 'string' || token.length < KEY_CHARS) return verify(token);
    const key = token.slice(-KEY_CHARS);
    const now = this.options.clock.now();
    const hit = entries.get(key);
    if (hit && hit.token === token) {
      if (now >= hit.verifiedAt && now < hit.expiresAt) {
        hit.used = true;
        return hit.result;
      }
      entries.delete(key);
    }
    const result = verify(token);
    if (result.state === 'valid' && now < result.claims.exp * 1000) this.remember(entries, key, token, result, now);
    return result;
  }

  /** Drops every remembered token of these sessions (memory only: the gate checks revocation itself). */
  forgetSessions(sessionIds: readonly string[]): void {
    if (sessionIds.length === 0) return;
    const gone = new Set(sessionIds);
    for (const entries of [this.entries, this.refreshEntries] as Map<string, Entry<{ sid: string }>>[]) {
      for (const [key, entry] of entries) {
        if (entry.result.state !== 'invalid' && gone.has(entry.result.claims.sid)) entries.delete(key);
      }
    }
  }

  /** The inner signer's public keys (`/.well-known/jwks.json`); null when it has none. */
  jwks(): { keys: object[] } | null {
    return this.inner.jwks ? this.inner.jwks() : null;
  }

  private remember<C extends { exp: number }>(
    entries: Map<string, Entry<C>>,
    key: string,
    token: string,
    result: { state: 'valid' | 'expired'; claims: C },
    now: number,
  ): void {
    // Frozen, since every later hit hands out this same object.
    const roles = (result.claims as { roles?: unknown }).roles;
    if (roles) Object.freeze(roles);
    Object.freeze(result.claims);
    Object.freeze(result);
    entries.delete(key); // a re-insert moves the key to the newest end
    entries.set(key, { token, result, verifiedAt: now, expiresAt: result.claims.exp * 1000, used: false });
    if (entries.size > this.options.maxEntries) evictOne(entries, key, now);
  }
}

/**
 * How many hit entries one eviction spares at most. Sparing is amortised (each spare undoes
 * one hit), but a cache whose every entry was hit could otherwise move all of them in one
 * request: 10,000 `Map` moves on one request's clock. Past this many, the next one goes.
 */
export const MAX_SPARED = 16;

/**
 * Drops the oldest entry other than `fresh` (the one just stored) that was not hit since it
 * was stored or last spared, or is past its `exp`; a hit one is spared (flag cleared, moved
 * to the newest end), at most {@link MAX_SPARED} of them, and then the next is dropped
 * whatever its flag. There is one besides `fresh`, as `maxEntries` ≥ 1.
 */
function evictOne(entries: Map<string, Entry<unknown>>, fresh: string, now: number): void {
  let spared = 0;
  for (const [key, entry] of entries) {
    if (key === fresh) continue;
    entries.delete(key);
    if (!entry.used || now >= entry.expiresAt || spared === MAX_SPARED) return;
    entry.used = false;
    entries.set(key, entry);
    spared++;
  }
}
