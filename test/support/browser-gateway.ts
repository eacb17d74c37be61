import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { compose, TYPES, type Composition } from '../../src/container';
import type { Clock } from '../../src/domain/ports/clock';

/** A clock the test moves by hand: token lifetimes pass without waiting. */
export class ManualClock implements Clock {
  private current = Date.now();

  /** Milliseconds since the epoch. */
  now(): number {
    return this.current;
  }

  advance(seconds: number): void {
    this.current += seconds * 1000;
  }
}

/**
 * The whole gateway listening on 127.0.0.1 (memory storage, the built-in demo upstream),
 * signing and checking tokens with a {@link ManualClock}.
 */
export class BrowserGateway {
  private constructor(
    readonly comp: Composition,
    readonly clock: ManualClock,
    private readonly server: http.Server,
    private readonly dir: string,
  ) {}

  static async start(env: Record<string, string>): Promise<BrowserGateway> {
    const dir = mkdtempSync(join(tmpdir(), 'tokengate-browser-'));
    const config = loadConfig({ DATABASE_URL: 'memory:', JWT_SECRET: 'b'.repeat(40), LOG_LEVEL: 'silent', ...env }, { cwd: dir });
    const clock = new ManualClock();
    const comp = await compose(config, { clock, defaultMetrics: false, logger: pino({ level: 'silent' }) });
    const server = comp.server();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new BrowserGateway(comp, clock, server, dir);
  }

  /** `http://127.0.0.1:<port>`. */
  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async addUser(username: string, password: string): Promise<void> {
    await this.comp.container.get(TYPES.AddUser).execute({ username, password, roles: ['reader'] });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.comp.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
