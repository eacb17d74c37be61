import net from 'node:net';

/**
 * A TCP relay in front of a real server, so a test can make the server really unreachable:
 * `cut()` resets every open connection and stops listening (new ones are refused), `restore()`
 * listens again on the same port. No mock: the driver sees a genuine network failure.
 */
export class TcpRelay {
  private readonly sockets = new Set<net.Socket>();
  private server: net.Server | null = null;
  private boundPort = 0;

  private constructor(private readonly target: { host: string; port: number }) {}

  static async start(target: { host: string; port: number }): Promise<TcpRelay> {
    const relay = new TcpRelay(target);
    await relay.listen(0);
    return relay;
  }

  get port(): number {
    return this.boundPort;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.resetAndDestroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  restore(): Promise<void> {
    return this.listen(this.boundPort);
  }

  private listen(port: number): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        this.boundPort = (server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }
}

/** The database URL of `url` reached through `relay` instead of directly. */
export function throughRelay(url: string, relay: TcpRelay): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(relay.port);
  return u.href;
}

/** Host and port of a `mysql://` URL. */
export function serverOf(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 3306) };
}
