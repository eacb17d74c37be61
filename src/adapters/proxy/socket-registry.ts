import type { Duplex } from 'node:stream';

/** Open upgraded connections by session, so revoking a session can close them. */
export class SocketRegistry {
  private readonly bySession = new Map<string, Set<Duplex>>();

  track(sessionId: string, ...sockets: Duplex[]): void {
    let set = this.bySession.get(sessionId);
    if (!set) this.bySession.set(sessionId, (set = new Set()));
    for (const socket of sockets) {
      set.add(socket);
      socket.once('close', () => {
        set.delete(socket);
        if (set.size === 0 && this.bySession.get(sessionId) === set) this.bySession.delete(sessionId);
      });
    }
  }

  /** Destroys every connection of these sessions. */
  closeSessions(sessionIds: Iterable<string>): void {
    for (const id of sessionIds) {
      for (const socket of this.bySession.get(id) ?? []) socket.destroy();
      this.bySession.delete(id);
    }
  }

  count(): number {
    let n = 0;
    for (const set of this.bySession.values()) n += set.size;
    return n;
  }
}
