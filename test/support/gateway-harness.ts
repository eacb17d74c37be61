import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { compose, TYPES, type Composition } from '../../src/container';
import { createLogger } from '../../src/adapters/logging/pino-logger';
import type { Clock } from '../../src/domain/ports/clock';
import { send, type HttpAnswer } from './gateway-http';

export type Env = Record<string, string>;

export const GATEWAY_SECRET = 'gateway-tests-secret-0123456789abcdefghij';

/** Short lifetimes (seconds) so a hand-moved clock reaches every expiry. */
export const GATEWAY_TTL = { access: 60, refresh: 300, skew: 5 } as const;

export const GATEWAY_ENV: Env = {
  JWT_SECRET: GATEWAY_SECRET,
  LOG_LEVEL: 'warn',
  ACCESS_TOKEN_TTL: `${GATEWAY_TTL.access}s`,
  REFRESH_TOKEN_TTL: `${GATEWAY_TTL.refresh}s`,
  SESSION_MAX_LIFETIME: '3600s',
  CLOCK_SKEW: `${GATEWAY_TTL.skew}s`,
  LOGIN_RATE_LIMIT: '10000/1m',
};

/** A clock the tests move by hand (milliseconds since the epoch). */
export class ManualClock implements Clock {
  constructor(private ms: number = Date.UTC(2030, 0, 1)) {}

  now(): number {
    return this.ms;
  }

  advance(seconds: number): void {
    this.ms += Math.round(seconds * 1000);
  }
}

export interface GatewayUser {
  id: string;
  username: string;
  password: string;
  roles: string[];
}

/** A logged-in session as a client holds it. */
export interface Session {
  access: string;
  refresh: string;
  sid: string;
  /** `Cookie` header value carrying both token cookies. */
  cookie: string;
}

/** A session together with the user it belongs to. */
export type UserSession = Session & { user: GatewayUser };

let sequence = 0;

/** A temp dir for files a test writes (routes files, nginx configs); removed by {@link removeDir}. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Writes `text` to `name` inside `dir`; the file's path. */
export function writeTemp(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/**
 * A composition served by a real `http.Server` on 127.0.0.1, port 0, with the WebSocket
 * `upgrade` listener attached, as `serve()` does. Logs (level ≥ warn) are kept in `logs`.
 */
export class RunningGateway {
  private constructor(
    readonly comp: Composition,
    readonly logs: string[],
    readonly server: http.Server,
    readonly clock: Clock,
    private readonly dir: string,
  ) {}

  /** Composes from `env` (over {@link GATEWAY_ENV}, SQLite in a temp dir) and listens; `compose` errors reject. */
  static async start(env: Env, options: { clock?: Clock } = {}): Promise<RunningGateway> {
    const dir = tempDir('tokengate-gw-');
    const logs: string[] = [];
    try {
      const config = loadConfig({ ...GATEWAY_ENV, DATABASE_URL: `sqlite:${join(dir, 'gw.db')}`, ...env }, { cwd: dir });
      const clock = options.clock ?? new ManualClock();
      const logger = createLogger(config, { write: (line: string) => void logs.push(line) });
      const comp = await compose(config, { clock, logger });
      const server = comp.server();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return new RunningGateway(comp, logs, server, clock, dir);
    } catch (e) {
      removeDir(dir);
      throw e;
    }
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The gateway's own origin, as a browser on it would send in `Origin`. */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  advance(seconds: number): void {
    (this.clock as ManualClock).advance(seconds);
  }

  async addUser(roles: string[] = ['reader']): Promise<GatewayUser> {
    const username = `gw-user-${process.pid}-${++sequence}`;
    const password = `pw-${sequence}-${Math.random().toString(36).slice(2)}`;
    const user = await this.comp.container.get(TYPES.AddUser).execute({ username, password, roles });
    return { id: user.id, username, password, roles };
  }

  /** JSON login over HTTP; throws unless 200. */
  async login(user: GatewayUser): Promise<Session> {
    const res = await this.request('/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: user.username, password: user.password }),
    });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
    const access = String(res.json?.accessToken);
    const refresh = String(res.json?.refreshToken);
    return { access, refresh, sid: jwtClaims(access).sid as string, cookie: `access_token=${access}; refresh_token=${refresh}` };
  }

  /** A new user with `roles`, logged in. */
  async session(roles?: string[]): Promise<UserSession> {
    const user = await this.addUser(roles);
    return { ...(await this.login(user)), user };
  }

  request(path: string, options: Parameters<typeof send>[2] = {}): Promise<HttpAnswer> {
    return send(this.port, path, options);
  }

  /** Log entries at error level or above (a 500 or an unhandled failure). */
  errors(): Record<string, unknown>[] {
    return this.logs
      .flatMap((chunk) => chunk.split('\n'))
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((e) => typeof e.level === 'number' && e.level >= 50);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.comp.close();
    removeDir(this.dir);
  }
}

/** A JWT's claims, unverified. */
export function jwtClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}
