import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import type { Response } from 'supertest';
import { loadConfig } from '../../src/config';
import { compose } from '../../src/container';
import { describeWithMysql } from '../support/mysql';
import { BASE_ENV, expectError, itLeaksNoSecrets, SecurityGateway, type Tokens, type User } from '../support/security-harness';
import { serverOf, TcpRelay, throughRelay } from './support/tcp-relay';

/** What a storage outage must look like to a client: 503, Retry-After, and nothing issued. */
function expectUnavailable(res: Response): void {
  expectError(res, 503, 'service_unavailable');
  expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
  expect(res.text).not.toMatch(/eyJ[A-Za-z0-9_-]{4,}/);
  expect(res.body).not.toHaveProperty('accessToken');
  expect(res.headers['set-cookie']).toBeUndefined();
}

/**
 * The same scenario on each storage: tokens are issued, storage then really fails (`breakIt`),
 * login and refresh answer 503, a still-valid access token keeps passing; once storage is back
 * (`repair`), nothing was stored or spent by the failed requests.
 */
function failClosedScenario(gateway: () => SecurityGateway, breakIt: () => Promise<void>, repair: () => Promise<void>): void {
  let user: User;
  let t: Tokens;

  it('while storage is down: login and refresh answer 503 service_unavailable with Retry-After, issuing no token', async () => {
    const gw = gateway();
    user = await gw.addUser();
    t = await gw.login(user);
    await breakIt();
    expectUnavailable(await gw.tryLogin(user.username, user.password));
    expectUnavailable(await gw.refresh(t.refresh));
  });

  it('while storage is down: a still-valid access token keeps passing /auth/me and /auth/verify', async () => {
    const gw = gateway();
    expect((await gw.me(t.access)).status).toBe(200);
    const verify = await gw.http().get('/auth/verify').set('Authorization', `Bearer ${t.access}`);
    expect(verify.status).toBe(200);
    expect(verify.headers['x-user-id']).toBe(user.id);
  });

  it('once storage is back: the failed login stored no session, and the failed refresh spent nothing', async () => {
    const gw = gateway();
    await repair();
    expect(await gw.comp.storage.sessions.listActiveForUser(user.id, gw.clock.now())).toHaveLength(1);
    expect((await gw.refresh(t.refresh)).status).toBe(200);
    expect((await gw.tryLogin(user.username, user.password)).status).toBe(200);
  });

  itLeaksNoSecrets(gateway);
}

describe('security: a start against unreachable storage', () => {
  it('stops with service_unavailable and a message that does not carry the database password', async () => {
    const config = loadConfig({ ...BASE_ENV, DATABASE_URL: 'mysql://root:hunter2-db-pass@127.0.0.1:1/tokengate' });
    const failure = await compose(config, { logger: pino({ level: 'silent' }), defaultMetrics: false }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'service_unavailable' });
    expect(String((failure as Error).message)).not.toContain('hunter2-db-pass');
  });
});

describeWithMysql('security: fail closed when storage is unreachable [mysql]', (database) => {
  let relay: TcpRelay;
  let gw: SecurityGateway | null = null;
  beforeAll(async () => {
    relay = await TcpRelay.start(serverOf(database().url));
    gw = await SecurityGateway.start({ kind: 'mysql', databaseUrl: () => throughRelay(database().url, relay) });
  });
  afterAll(async () => {
    await gw?.stop();
    await relay.cut();
  });
  const gateway = () => gw as SecurityGateway;

  failClosedScenario(gateway, () => relay.cut(), () => relay.restore());

  it('/readyz answers 503 while the server is cut off, and 200 again once it is back', async () => {
    await relay.cut();
    expectUnavailable(await gateway().http().get('/readyz'));
    await relay.restore();
    expect((await gateway().http().get('/readyz')).status).toBe(200);
  });
});

describe('security: fail closed when storage is locked by another process [sqlite]', () => {
  let gw: SecurityGateway | null = null;
  let locker: Database.Database | null = null;
  beforeAll(async () => {
    gw = await SecurityGateway.start({ kind: 'sqlite', databaseUrl: (dir) => `sqlite:${join(dir, 't.db')}` });
  });
  afterAll(async () => {
    locker?.close();
    await gw?.stop();
  });
  const gateway = () => gw as SecurityGateway;

  // Another process holds the write lock past the busy timeout (5 s): every write fails for real.
  const lock = async () => {
    locker = new Database(join(gateway().dir, 't.db'));
    locker.exec('BEGIN EXCLUSIVE');
  };
  const unlock = async () => {
    locker?.exec('ROLLBACK');
    locker?.close();
    locker = null;
  };

  failClosedScenario(gateway, lock, unlock);
});
