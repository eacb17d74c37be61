import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { compose, TYPES, type Composition } from '../../src/container';
import type { Clock } from '../../src/domain/ports/clock';

/** A clock the test moves by hand: token lifetimes pass without waiting. `flowing`: real time, plus what `advance` adds. */
export class ManualClock implements Clock {
  private readonly frozenAt: number | null;
  private offset = 0;

  constructor(flowing = false) {
    this.frozenAt = flowing ? null : Date.now();
  }

  /** Milliseconds since the epoch. */
  now(): number {
    return (this.frozenAt ?? Date.now()) + this.offset;
  }

  advance(seconds: number): void {
    this.offset += seconds * 1000;
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

  /** `flowingClock`: tokens expire in real time (a browser client's own timers must meet them). */
  static async start(env: Record<string, string>, options: { flowingClock?: boolean } = {}): Promise<BrowserGateway> {
    const dir = mkdtempSync(join(tmpdir(), 'tokengate-browser-'));
    const config = loadConfig({ DATABASE_URL: 'memory:', JWT_SECRET: 'b'.repeat(40), LOG_LEVEL: 'silent', ...env }, { cwd: dir });
    const clock = new ManualClock(options.flowingClock ?? false);
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

  /** Sum of `tokengate_gate_outcomes_total` for these outcomes, read from `/metrics`. */
  async gateOutcomes(...outcomes: string[]): Promise<number> {
    const text = await (await fetch(`${this.origin}/metrics`)).text();
    return outcomes.reduce((sum, outcome) => {
      const line = new RegExp(`^tokengate_gate_outcomes_total\\{outcome="${outcome}"\\} (\\d+)$`, 'm').exec(text);
      return sum + Number(line?.[1] ?? NaN);
    }, 0);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.comp.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
