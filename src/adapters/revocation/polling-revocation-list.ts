import type { Clock } from '../../domain/ports/clock';
import type { RevocationList } from '../../domain/ports/revocation-list';
import type { SessionRepository } from '../../domain/ports/session-repository';

export interface PollingRevocationListOptions {
  /** How often to read other instances' revocations, ms (`REVOCATION_TTL`). */
  intervalMs: number;
  /** How long a revocation matters: the access-token lifetime plus clock skew, ms. */
  retainMs: number;
  onError?: (error: unknown) => void;
}

/** How far apart clocks may be at start before the first read misses a revocation. */
const START_MARGIN_MS = 60 * 60 * 1000;

/**
 * In-memory view of revoked sessions: local revocations apply at once; a timer reads
 * storage every `intervalMs` for those made elsewhere, following the store's revocation
 * sequence (SPEC §6), so no clock of another process is ever compared with this one's and a
 * revocation that commits late is still read. Only the first read, at start, picks recent
 * revocations by time: over `retainMs` plus a margin of `retainMs` or an hour, whichever is longer. An entry is dropped `retainMs` after this
 * process learnt of it (its own clock), when every access token of the session has expired.
 */
export class PollingRevocationList implements RevocationList {
  private readonly revoked = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  /** Position in the store's revocation sequence; null until the first read. */
  private cursor: number | null = null;
  private readonly listeners: ((sessionIds: string[]) => void)[] = [];

  constructor(
    private readonly sessions: SessionRepository,
    private readonly clock: Clock,
    private readonly options: PollingRevocationListOptions,
  ) {}

  isRevoked(sessionId: string): boolean {
    return this.revoked.has(sessionId);
  }

  /** An entry already known keeps the later of its two times: a revocation is never forgotten sooner for being learnt twice. */
  add(sessionIds: readonly string[], at: number): void {
    const fresh: string[] = [];
    for (const id of sessionIds) {
      const known = this.revoked.get(id);
      if (known === undefined) fresh.push(id);
      this.revoked.set(id, known === undefined ? at : Math.max(known, at));
    }
    this.notify(fresh);
  }

  /** Calls `listener` with sessions newly known to be revoked (here or by another instance). */
  onRevoked(listener: (sessionIds: string[]) => void): void {
    this.listeners.push(listener);
  }

  private notify(ids: string[]): void {
    if (ids.length === 0) return;
    for (const listener of this.listeners) listener(ids);
  }

  /** Loads recent revocations, then keeps polling until {@link stop}. */
  async start(): Promise<void> {
    await this.poll();
    this.timer = setInterval(() => {
      this.poll().catch((e: unknown) => this.options.onError?.(e));
    }, this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One refresh from storage: what was revoked after the cursor. */
  async poll(): Promise<void> {
    const now = this.clock.now();
    let ids: string[];
    if (this.cursor === null) {
      // The cursor first: whatever commits after this read is numbered above it.
      const cursor = await this.sessions.revocationCursor();
      ids = (await this.sessions.listRevokedSince(now - this.options.retainMs - Math.max(this.options.retainMs, START_MARGIN_MS))).map((row) => row.id);
      this.cursor = cursor;
    } else {
      const page = await this.sessions.listRevokedAfter(this.cursor);
      ids = page.ids;
      this.cursor = page.cursor;
    }
    const fresh = ids.filter((id) => !this.revoked.has(id));
    for (const id of fresh) this.revoked.set(id, now);
    this.notify(fresh);
    const horizon = now - this.options.retainMs;
    for (const [id, at] of this.revoked) if (at < horizon) this.revoked.delete(id);
  }
}
