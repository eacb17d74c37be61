import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import request, { type Response } from 'supertest';
import { loadConfig } from '../../src/config';
import { compose, TYPES, type Composition } from '../../src/container';
import { createLogger } from '../../src/adapters/logging/pino-logger';
import { FixedClock } from './fixed-clock';
import { describeWithMysql } from './mysql';

export type Env = Record<string, string>;

/** Where a gateway keeps its data: a SQLite file in its temp dir, or a throwaway MySQL database. */
export interface StorageTarget {
  kind: 'sqlite' | 'mysql';
  databaseUrl(dir: string): string;
}

export const JWT_SECRET = 'security-suite-hmac-key-0123456789-abcdef';

/** Short lifetimes (seconds); the clock is moved by hand. Throttling is off unless a test sets it. */
export const TTL = { access: 60, refresh: 300, max: 3600, grace: 10, skew: 5 } as const;
export const BASE_ENV: Env = {
  JWT_SECRET,
  LOG_LEVEL: 'debug',
  TRUST_PROXY: '1',
  UPSTREAM_URL: 'http://127.0.0.1:9',
  ACCESS_TOKEN_TTL: `${TTL.access}s`,
  REFRESH_TOKEN_TTL: `${TTL.refresh}s`,
  SESSION_MAX_LIFETIME: `${TTL.max}s`,
  REFRESH_REUSE_GRACE: `${TTL.grace}s`,
  CLOCK_SKEW: `${TTL.skew}s`,
  LOGIN_RATE_LIMIT: '10000/1m',
};

/** Runs `body` on SQLite, then on MySQL (skipped with a warning when down, failing under CI=true). */
export function forEachStorage(title: string, body: (target: () => StorageTarget) => void): void {
  describe(`${title} [sqlite]`, () => body(() => ({ kind: 'sqlite', databaseUrl: (dir) => `sqlite:${join(dir, 't.db')}` })));
  describeWithMysql(`${title} [mysql]`, (database) => {
    describe('on mysql', () => body(() => ({ kind: 'mysql', databaseUrl: () => database().url })));
  });
}

/** Every line pino wrote. */
export class LogSink {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
  text(): string {
    return this.lines.join('');
  }
  entries(): Record<string, unknown>[] {
    return this.text().split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

export interface User {
  id: string;
  username: string;
  password: string;
}

export interface Tokens {
  access: string;
  refresh: string;
  res: Response;
}

let sequence = 0;
/** A client address per call, so that the per-IP counter only trips where a test wants it to. */
export const freshIp = (): string => `198.51.100.${(++sequence % 250) + 1}`;

/** One composition behind a real listening HTTP server, with a hand-driven clock and captured logs. */
export class SecurityGateway {
  /** Every token and password the tests used: none may reach a log line. */
  readonly secrets = new Set<string>([JWT_SECRET]);

  private constructor(
    readonly comp: Composition,
    readonly server: http.Server,
    readonly clock: FixedClock,
    readonly logs: LogSink,
    readonly dir: string,
  ) {}

  static async start(target: StorageTarget, env: Env = {}, dir = mkdtempSync(join(tmpdir(), 'tokengate-sec-'))): Promise<SecurityGateway> {
    const config = loadConfig({ ...BASE_ENV, DATABASE_URL: target.databaseUrl(dir), ...env }, { cwd: dir });
    const logs = new LogSink();
    const clock = new FixedClock();
    const comp = await compose(config, { clock, logger: createLogger(config, logs), defaultMetrics: false });
    const server = comp.server();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new SecurityGateway(comp, server, clock, logs, dir);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  http() {
    return request(this.server);
  }

  /** The Knex instance the gateway's own repositories use (not a second connection). */
  db(): Knex {
    const db = (this.comp.storage.users as unknown as { db?: Knex }).db;
    if (!db) throw new Error(`storage ${this.comp.storage.kind} has no Knex`);
    return db;
  }

  advance(seconds: number): void {
    this.clock.advance(seconds * 1000);
  }

  remember(...values: unknown[]): void {
    for (const v of values) if (typeof v === 'string' && v.length >= 6) this.secrets.add(v);
  }

  /** Remembers every token a response hands out (body, headers, cookies). */
  track(res: Response): Response {
    const body = (res.body ?? {}) as Record<string, unknown>;
    this.remember(body.accessToken, body.refreshToken, res.headers['x-access-token'], res.headers['x-refresh-token']);
    const cookies = (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
    for (const line of cookies) this.remember(line.split(';')[0]?.split('=').slice(1).join('='));
    return res;
  }

  async addUser(prefix = 'user'): Promise<User> {
    const username = `${prefix}-${process.pid}-${++sequence}`;
    const password = `pw-${Math.random().toString(36).slice(2)}-Secret`;
    this.remember(password);
    const user = await this.comp.container.get(TYPES.AddUser).execute({ username, password, roles: ['reader'] });
    return { id: user.id, username, password };
  }

  async disable(username: string): Promise<string[]> {
    return this.comp.container.get(TYPES.DisableUser).execute(username);
  }

  /** The ChangePassword use-case (what `tokengate user passwd` runs). */
  async changePassword(user: User, password: string): Promise<string[]> {
    this.remember(password);
    return this.comp.container.get(TYPES.ChangePassword).execute(user.username, password);
  }

  /** JSON login from `ip`; the raw response, every token remembered. */
  async tryLogin(username: string, password: string, ip = freshIp()): Promise<Response> {
    this.remember(password);
    return this.track(await this.http().post('/auth/login').set('X-Forwarded-For', ip).send({ username, password }));
  }

  /** A login that must succeed. */
  async login(user: Pick<User, 'username' | 'password'>, ip = freshIp()): Promise<Tokens> {
    const res = await this.tryLogin(user.username, user.password, ip);
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
    const body = res.body as { accessToken: string; refreshToken: string };
    return { access: body.accessToken, refresh: body.refreshToken, res };
  }

  async refresh(refreshToken: string, ip = freshIp()): Promise<Response> {
    return this.track(await this.http().post('/auth/refresh').set('X-Forwarded-For', ip).set('X-Refresh-Token', refreshToken));
  }

  me(accessToken: string): Promise<Response> {
    return this.http().get('/auth/me').set('Authorization', `Bearer ${accessToken}`).then((r) => r);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.comp.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A gateway started before the block's tests and stopped after them. */
export function useGateway(target: () => StorageTarget, env: Env = {}): () => SecurityGateway {
  let gateway: SecurityGateway | null = null;
  beforeAll(async () => {
    gateway = await SecurityGateway.start(target(), env);
  });
  afterAll(async () => {
    await gateway?.stop();
  });
  return () => {
    if (!gateway) throw new Error('gateway not started');
    return gateway;
  };
}

/** Anything shaped like a JWT (`eyJ…` header and payload). */
export const JWT_LIKE = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;

/**
 * The last test of a block: the gateway's captured logs hold none of the tokens, passwords
 * or secrets the block used, nothing JWT-shaped, and no unhandled error (a 500).
 */
export function itLeaksNoSecrets(gateway: () => SecurityGateway): void {
  it('wrote no token, password or secret to its logs, and no unhandled error', () => {
    const gw = gateway();
    const text = gw.logs.text();
    expect(gw.logs.lines.length).toBeGreaterThan(0);
    expect([...gw.secrets].filter((secret) => text.includes(secret))).toEqual([]);
    expect(JWT_LIKE.exec(text)?.[0] ?? null).toBeNull();
    expect(gw.logs.entries().filter((e) => typeof e.level === 'number' && e.level >= 50)).toEqual([]);
  });
}

/** Exact status, `error` code, a description, and `WWW-Authenticate` on 401 only (RFC 6750 §3). */
export function expectError(res: Response, status: number, code: string): void {
  expect({ status: res.status, error: (res.body as { error?: unknown }).error }).toEqual({ status, error: code });
  expect((res.body as { error_description?: unknown }).error_description).toEqual(expect.any(String));
  expect(res.headers['www-authenticate']).toBe(status === 401 ? `Bearer error="${code}"` : undefined);
  expect(res.headers['x-request-id']).toEqual(expect.any(String));
}
