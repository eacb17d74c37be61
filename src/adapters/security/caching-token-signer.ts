import { createHash } from 'node:crypto';
import type { Clock } from '../../domain/ports/clock';
import type { TokenSigner } from '../../domain/ports/token-signer';
import type { AccessClaims, RefreshClaims, TokenCheck } from '../../domain/token';

export interface CachingTokenSignerOptions {
  /** Most access tokens remembered at once (`TOKEN_CACHE_SIZE`); 0 turns the cache off. */
  maxEntries: number;
  clock: Clock;
}

interface Entry {
  result: TokenCheck<AccessClaims>;
  /** The clock reading when the token was verified, ms; a hit never predates it. */
  verifiedAt: number;
  /** The token's `exp` in ms: the entry is dead from then on. */
  expiresAt: number;
}

type Jwks = { jwks?(): { keys: object[] } | null };

/**
 * A {@link TokenSigner} that remembers successful `verifyAccess` results, so a token already
 * seen skips the signature check and claim parsing on the proxy's hot path.
 *
 * - Keyed by the SHA-256 of the whole token: a hit means the very same bytes were verified
 *   before (a forged token cannot share a key with a genuine one), and no bearer token is
 *   kept in memory.
 * - Only `valid` results are cached, each only until the token's own `exp` (not `exp` plus the
 *   clock skew: inside the leeway the inner signer decides again). `invalid` and `expired`
 *   results are never cached, so every refused token is refused by the real check.
 * - Bounded: least recently used entries are dropped past `maxEntries`.
 * - Revocation is not this cache's business: the gate asks the revocation list about the
 *   token's `sid` after every verification, cache hit or not. {@link forgetSessions} only
 *   frees the memory early when sessions are revoked.
 * - Refresh tokens are not cached: each of their uses is checked against storage anyway.
 */
export class CachingTokenSigner implements TokenSigner {
  private readonly entries = new Map<string, Entry>();

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

  verifyRefresh(token: string): TokenCheck<RefreshClaims> {
    return this.inner.verifyRefresh(token);
  }

  verifyAccess(token: string): TokenCheck<AccessClaims> {
    if (this.options.maxEntries === 0 || typeof token !== 'string') return this.inner.verifyAccess(token);
    const key = createHash('sha256').update(token).digest('base64');
    const now = this.options.clock.now();
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      if (now >= hit.verifiedAt && now < hit.expiresAt) {
        this.entries.set(key, hit);
        return hit.result;
      }
    }
    const result = this.inner.verifyAccess(token);
    if (result.state === 'valid' && now < result.claims.exp * 1000) this.remember(key, result, now);
    return result;
  }

  /** Drops every remembered token of these sessions (memory only: the gate checks revocation itself). */
  forgetSessions(sessionIds: readonly string[]): void {
    if (sessionIds.length === 0 || this.entries.size === 0) return;
    const gone = new Set(sessionIds);
    for (const [key, entry] of this.entries) {
      if (entry.result.state !== 'invalid' && gone.has(entry.result.claims.sid)) this.entries.delete(key);
    }
  }

  /** The inner signer's public keys (`/.well-known/jwks.json`); null when it has none. */
  jwks(): { keys: object[] } | null {
    return this.inner.jwks ? this.inner.jwks() : null;
  }

  private remember(key: string, result: { state: 'valid' | 'expired'; claims: AccessClaims }, now: number): void {
    // Frozen, since every later hit hands out this same object.
    Object.freeze(result.claims.roles);
    Object.freeze(result.claims);
    Object.freeze(result);
    this.entries.set(key, { result, verifiedAt: now, expiresAt: result.claims.exp * 1000 });
    if (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
}
