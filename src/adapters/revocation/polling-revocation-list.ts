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

/**
 * In-memory view of revoked sessions: local revocations apply at once; a timer reads
 * storage every `intervalMs` for those made elsewhere. Entries older than `retainMs` are
 * dropped, since every access token of such a session has expired by then.
 */
export class PollingRevocationList implements RevocationList {
  private readonly revoked = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private lastPoll = 0;
  private readonly listeners: ((sessionIds: string[]) => void)[] = [];

  constructor(
    private readonly sessions: SessionRepository,
    private readonly clock: Clock,
    private readonly options: PollingRevocationListOptions,
  ) {}

  isRevoked(sessionId: string): boolean {
    return this.revoked.has(sessionId);
  }

  add(sessionIds: readonly string[], at: number): void {
    const fresh = sessionIds.filter((id) => !this.revoked.has(id));
    for (const id of sessionIds) this.revoked.set(id, at);
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

  /** One refresh from storage; overlapping windows so no revocation falls between polls. */
  async poll(): Promise<void> {
    const now = this.clock.now();
    const since = this.lastPoll === 0 ? now - this.options.retainMs : this.lastPoll - this.options.intervalMs;
    const rows = await this.sessions.listRevokedSince(since);
    const fresh = rows.filter((row) => !this.revoked.has(row.id)).map((row) => row.id);
    for (const row of rows) this.revoked.set(row.id, row.revokedAt);
    this.notify(fresh);
    this.lastPoll = now;
    const horizon = now - this.options.retainMs;
    for (const [id, at] of this.revoked) if (at < horizon) this.revoked.delete(id);
  }
}
