import type Koa from 'koa';
import { knex, type Knex } from 'knex';
import pino from 'pino';
import request from 'supertest';
import { loadConfig } from '../../src/config';
import { createContainer, TYPES } from '../../src/container';
import { buildApp } from '../../src/adapters/http/app';
import { knexConfigFromUrl } from '../../src/adapters/storage/knex-config';
import { openStorage, type Storage } from '../../src/adapters/storage/open-storage';
import { throttleKey } from '../../src/adapters/throttle/flexible-login-throttle';
import { THROTTLE_TABLE } from '../../src/adapters/throttle/mysql-limiter-store';
import { openLoginThrottle, type OpenedLoginThrottle } from '../../src/adapters/throttle/open-login-throttle';
import { FixedClock } from '../support/fixed-clock';
import { describeWithMysql } from '../support/mysql';
import { BASE_ENV, expectError } from '../support/security-harness';
import { serverOf, TcpRelay, throughRelay } from './support/tcp-relay';

const LIMITS = { count: 3, windowSeconds: 900 };
let sequence = 0;
const account = (): string => `shared-${process.pid}-${++sequence}`;

describeWithMysql('security: login throttle counters shared on MySQL', (database) => {
  const opened: OpenedLoginThrottle[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  let admin: Knex;
  const open = async (url = database().url) => {
    const o = await openLoginThrottle(LIMITS, url);
    opened.push(o);
    return o;
  };
  /** The stored count of one counter family for `value` (null when no row). */
  const storedPoints = async (family: string, value: string): Promise<number | null> => {
    const row = (await admin(THROTTLE_TABLE).where('key', `${family}:${throttleKey(value)}`).first()) as { points: number } | undefined;
    return row ? Number(row.points) : null;
  };

  beforeAll(() => {
    admin = knex(knexConfigFromUrl(database().url));
  });
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
    await Promise.all(opened.map((o) => o.close()));
    await admin.destroy();
  });

  it('creates its login_throttle table itself, once, when several instances start together', async () => {
    const all = await Promise.all([open(), open(), open()]);
    expect(all.map((o) => o.store)).toEqual(['mysql', 'mysql', 'mysql']);
    const columns = (await admin('information_schema.columns')
      .select({ name: 'COLUMN_NAME' })
      .where({ TABLE_SCHEMA: database().name, TABLE_NAME: THROTTLE_TABLE })
      .orderBy('ORDINAL_POSITION')) as { name: string }[];
    expect(columns.map((c) => c.name)).toEqual(['key', 'points', 'expire']);
  });

  it('two instances on one database share failure counts and resets', async () => {
    const [a, b] = [await open(), await open()];
    const name = account();
    await a.throttle.recordFailure(name, null);
    await a.throttle.recordFailure(name, null);
    expect(await b.throttle.blockedFor(name, null)).toBe(0);
    await b.throttle.recordFailure(name, null);
    expect(await a.throttle.blockedFor(name, null)).toBeGreaterThan(0);
    expect(await b.throttle.blockedFor(name, null)).toBeGreaterThan(0);
    await b.throttle.reset(name);
    expect(await a.throttle.blockedFor(name, null)).toBe(0);
  });

  it('counts every one of 50 concurrent failures made through two instances', async () => {
    const [a, b] = [await open(), await open()];
    const name = account();
    await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).throttle.recordFailure(name, '203.0.113.50')));
    expect(await storedPoints('login_user', name)).toBe(50);
    expect(await storedPoints('login_ceiling', name)).toBe(50);
    expect(await storedPoints('login_ip', '203.0.113.50')).toBe(50);
  });

  it('stores digests only: no username (nor a password typed as one) in the table, any Unicode accepted', async () => {
    const o = await open();
    const typedPassword = `Zoë-💥-correct horse ${account()}`;
    await o.throttle.recordFailure(typedPassword, '203.0.113.51');
    expect(await storedPoints('login_user', typedPassword)).toBe(1);
    const keys = ((await admin(THROTTLE_TABLE).select('key')) as { key: string }[]).map((r) => r.key).join('\n');
    expect(keys).not.toContain('Zoë');
    expect(keys).not.toContain('correct horse');
    expect(keys).not.toContain('203.0.113.51');
  });

  it('two compositions on one database throttle a username together over HTTP', async () => {
    const apps = [await composeWithSharedThrottle(database().url), await composeWithSharedThrottle(database().url)];
    const a = request(apps[0]!.app.callback());
    const b = request(apps[1]!.app.callback());
    const name = account();
    await apps[0]!.addUser(name, 'the-right-password');
    const fail = (client: typeof a) => client.post('/auth/login').send({ username: name, password: 'wrong-guess' });
    expectError(await fail(a), 401, 'invalid_credentials');
    expectError(await fail(b), 401, 'invalid_credentials');
    expectError(await fail(a), 401, 'invalid_credentials');
    const refused = await b.post('/auth/login').send({ username: name, password: 'the-right-password' });
    expectError(refused, 429, 'rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('fails closed with service_unavailable when the counter store becomes unreachable', async () => {
    const relay = await TcpRelay.start(serverOf(database().url));
    cleanups.push(() => relay.cut());
    const o = await open(throughRelay(database().url, relay));
    const name = account();
    await o.throttle.recordFailure(name, null);
    await relay.cut();
    await expect(o.throttle.blockedFor(name, null)).rejects.toMatchObject({ code: 'service_unavailable' });
    await expect(o.throttle.recordFailure(name, null)).rejects.toMatchObject({ code: 'service_unavailable' });
    await relay.restore();
    expect(await o.throttle.blockedFor(name, null)).toBe(0);
  });

  /**
   * The wiring the composition root is to get: the container's throttle bound to the MySQL
   * counters. Built here by rebinding, since compose() still binds memory counters.
   */
  async function composeWithSharedThrottle(url: string): Promise<{ app: Koa; addUser(u: string, p: string): Promise<unknown> }> {
    const config = loadConfig({ ...BASE_ENV, DATABASE_URL: url, LOGIN_RATE_LIMIT: '3/15m' });
    const storage: Storage = await openStorage(url);
    await storage.migrate();
    const counters = await open(url);
    const c = createContainer(config, storage, { clock: new FixedClock(), logger: pino({ level: 'silent' }), defaultMetrics: false });
    c.rebind(TYPES.Throttle).toConstantValue(counters.throttle);
    cleanups.push(() => storage.close());
    const app = buildApp(c.get(TYPES.HttpDeps));
    return { app, addUser: (u, p) => c.get(TYPES.AddUser).execute({ username: u, password: p, roles: [] }) };
  }
});
