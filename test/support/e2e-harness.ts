import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request, { type Response } from 'supertest';
import { loadConfig } from '../../src/config';
import { compose, TYPES, type Composition } from '../../src/container';
import { createLogger } from '../../src/adapters/logging/pino-logger';
import { describeWithMysql } from './mysql';
import { FixedClock, T0 } from './fixed-clock';
import { JWT_LIKE, leakedSecrets, LogCapture } from './e2e-logs';
import { jwtPayload } from './e2e-jwt';

export type Env = Record<string, string>;
export type StorageKind = 'sqlite' | 'mysql';

/** Where a gateway keeps its data: a SQLite file in its temp dir, or a throwaway MySQL database. */
export interface StorageTarget {
  kind: StorageKind;
  databaseUrl(dir: string): string;
}

export const JWT_SECRET = 'x'.repeat(40);

/** Short lifetimes (seconds) so the tests reach every expiry by moving the clock. */
export const TTL = { access: 60, refresh: 300, max: 3600, grace: 10, skew: 5 } as const;

export const BASE_ENV: Env = {
  JWT_SECRET,
  LOG_LEVEL: 'debug',
  ACCESS_TOKEN_TTL: `${TTL.access}s`,
  REFRESH_TOKEN_TTL: `${TTL.refresh}s`,
  SESSION_MAX_LIFETIME: `${TTL.max}s`,
  REFRESH_ROTATION: 'always',
  REFRESH_REUSE_GRACE: `${TTL.grace}s`,
  CLOCK_SKEW: `${TTL.skew}s`,
  // Hostile-input tests fail many logins from one IP; throttling has its own tests.
  LOGIN_RATE_LIMIT: '10000/1m',
};

/** Runs `body` once per storage: SQLite, then MySQL (skipped with a warning when down, failing under CI=true). */
export function forEachStorage(title: string, body: (target: () => StorageTarget) => void): void {
  describe(`${title} [sqlite]`, () => {
    body(() => ({ kind: 'sqlite', databaseUrl: (dir) => `sqlite:${join(dir, 't.db')}` }));
  });
  describeWithMysql(`${title} [mysql]`, (database) => {
    // Nested so the gateways close (inner afterAll) before the database is dropped.
    describe('on mysql', () => body(() => ({ kind: 'mysql', databaseUrl: () => database().url })));
  });
}

export interface TestUser {
  id: string;
  username: string;
  password: string;
  roles: string[];
}

/** A logged-in session, as the client holds it. */
export interface Tokens {
  access: string;
  refresh: string;
  sid: string;
  res: Response;
}

let userSequence = 0;

/** One running composition (storage migrated, container, Koa app) with a hand-driven clock and captured logs. */
export class Gateway {
  /** Every token and password the tests used: none may reach a log line or an error body. */
  readonly secrets = new Set<string>([JWT_SECRET]);
  private shared: Promise<TestUser> | null = null;

  private constructor(
    readonly comp: Composition,
    readonly clock: FixedClock,
    readonly logs: LogCapture,
    readonly dir: string,
  ) {}

  static async start(target: StorageTarget, env: Env = {}): Promise<Gateway> {
    const dir = mkdtempSync(join(tmpdir(), 'tokengate-e2e-'));
    const config = loadConfig({ ...BASE_ENV, DATABASE_URL: target.databaseUrl(dir), ...env }, { cwd: dir });
    const logs = new LogCapture();
    // A non-zero millisecond part catches second-rounding in stored times and token claims.
    const clock = new FixedClock(T0 + 250);
    const comp = await compose(config, { clock, logger: createLogger(config, logs) });
    return new Gateway(comp, clock, logs, dir);
  }

  /** A supertest client for real HTTP requests against the app. */
  http() {
    return request(this.comp.handler);
  }

  /** Moves the gateway's clock forward by `seconds` (fractions allowed). */
  advance(seconds: number): void {
    this.clock.advance(Math.round(seconds * 1000));
  }

  remember(...values: (string | null | undefined)[]): void {
    for (const v of values) if (v) this.secrets.add(v);
  }

  async addUser(options: { prefix?: string; roles?: string[]; username?: string } = {}): Promise<TestUser> {
    const username = options.username ?? `${options.prefix ?? 'user'}-${process.pid}-${++userSequence}`;
    const password = `pw-${Math.random().toString(36).slice(2)}-secret`;
    const roles = options.roles ?? ['reader'];
    this.remember(password);
    const user = await this.comp.container.get(TYPES.AddUser).execute({ username, password, roles });
    return { id: user.id, username, password, roles };
  }

  /** One user per gateway for tests that only need some session (saves a password hash per test). */
  sharedUser(): Promise<TestUser> {
    this.shared ??= this.addUser({ prefix: 'shared' });
    return this.shared;
  }

  async disable(username: string): Promise<void> {
    await this.comp.container.get(TYPES.DisableUser).execute(username);
  }

  /** JSON login; fails the test unless it answers 200. */
  async login(user: Pick<TestUser, 'username' | 'password'>, headers: Record<string, string> = {}): Promise<Tokens> {
    const res = await this.http().post('/auth/login').set(headers).send({ username: user.username, password: user.password });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
    const body = res.body as { accessToken: string; refreshToken: string };
    this.remember(body.accessToken, body.refreshToken);
    return { access: body.accessToken, refresh: body.refreshToken, sid: jwtPayload(body.accessToken).sid, res };
  }

  /** Remembers every token a response hands out (body, headers, cookies). */
  track(res: Response): Response {
    const body = (res.body ?? {}) as Record<string, unknown>;
    for (const v of [body.accessToken, body.refreshToken, res.headers['x-access-token'], res.headers['x-refresh-token']]) {
      if (typeof v === 'string') this.remember(v);
    }
    const cookies = res.headers['set-cookie'] as unknown as string[] | undefined;
    for (const line of cookies ?? []) this.remember(line.split(';')[0]?.split('=').slice(1).join('='));
    return res;
  }

  /** An access token the app's own issuer mints now for `sid` (as another instance would). */
  async mintAccess(sid: string): Promise<string> {
    const session = await this.comp.storage.sessions.findById(sid);
    const user = session && (await this.comp.storage.users.findById(session.userId));
    if (!session || !user) throw new Error(`no session ${sid}`);
    const token = this.comp.container.get(TYPES.Issuer).access(session, user, this.clock.now()).token;
    this.remember(token);
    return token;
  }

  async stop(): Promise<void> {
    await this.comp.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A gateway started before the block's tests and stopped after them. */
export function useGateway(target: () => StorageTarget, env: Env = {}): () => Gateway {
  let gateway: Gateway | null = null;
  beforeAll(async () => {
    gateway = await Gateway.start(target(), env);
  });
  afterAll(async () => {
    await gateway?.stop();
  });
  return () => {
    if (!gateway) throw new Error('gateway not started');
    return gateway;
  };
}

/**
 * The last test of a block: the captured logs hold no token (nothing JWT-shaped), no password
 * or secret the tests used, and no unhandled error (which would have been a 500).
 */
export function itKeepsSecretsOutOfLogs(gateway: () => Gateway): void {
  it('logged no token, password or secret, and no unhandled error', () => {
    const gw = gateway();
    const text = gw.logs.lines.join('');
    expect(gw.logs.lines.length).toBeGreaterThan(0);
    expect(text.match(JWT_LIKE)?.[0] ?? null).toBeNull();
    expect(leakedSecrets(text, gw.secrets)).toEqual([]);
    const unhandled = gw.logs.entries().filter((e) => typeof e.level === 'number' && e.level >= 50);
    expect(unhandled).toEqual([]);
  });
}

/** Asserts an error answer: status, `error` code, a description, and the RFC 6750 header on 401. */
export function expectError(res: Response, status: number, code: string): void {
  expect({ status: res.status, error: (res.body as { error?: unknown }).error }).toEqual({ status, error: code });
  expect((res.body as { error_description?: unknown }).error_description).toEqual(expect.any(String));
  if (status === 401) expect(res.headers['www-authenticate']).toBe(`Bearer error="${code}"`);
  expect(res.headers['x-request-id']).toEqual(expect.any(String));
}
