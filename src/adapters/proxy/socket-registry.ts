import type { Duplex } from 'node:stream';

/** Key for connections on public routes, which belong to no session. */
const PUBLIC = '\u0000public';

/** Open upgraded connections by session, so revoking a session (or stopping) can close them. */
export class SocketRegistry {
  private readonly bySession = new Map<string, Set<Duplex>>();
  private readonly clientSide = new WeakSet<Duplex>();

  /** Tracks a client socket and its upstream socket under the session (null: public route). */
  track(sessionId: string | null, client: Duplex, upstream: Duplex): void {
    const key = sessionId ?? PUBLIC;
    this.clientSide.add(client);
    let set = this.bySession.get(key);
    if (!set) this.bySession.set(key, (set = new Set()));
    for (const socket of [client, upstream]) {
      set.add(socket);
      socket.once('close', () => {
        set.delete(socket);
        if (set.size === 0 && this.bySession.get(key) === set) this.bySession.delete(key);
      });
    }
  }

  /** Closes every connection of these sessions with 1008 (policy violation): they were revoked. */
  closeSessions(sessionIds: Iterable<string>): void {
    for (const id of sessionIds) {
      const set = this.bySession.get(id);
      if (set) this.closeSet(set, 1008);
      this.bySession.delete(id);
    }
  }

  /** Closes everything with 1001 (going away), for a shutdown. */
  closeAll(): void {
    for (const set of this.bySession.values()) this.closeSet(set, 1001);
    this.bySession.clear();
  }

  count(): number {
    let n = 0;
    for (const set of this.bySession.values()) n += set.size;
    return n;
  }

  /** Unpipes, sends the client an unmasked close frame with `code`, then ends both sides. */
  private closeSet(set: Set<Duplex>, code: number): void {
    const frame = Buffer.from([0x88, 0x02, (code >> 8) & 0xff, code & 0xff]);
    for (const socket of [...set]) {
      socket.unpipe();
      if (this.clientSide.has(socket) && socket.writable) socket.end(frame);
      else socket.end();
      setTimeout(() => socket.destroy(), 1000).unref();
    }
  }
}
