import net from 'node:net';
import { openStorage } from '../../../src/adapters/storage/open-storage';
import { closeRedisClient, createRedisClient } from '../../../src/adapters/storage/redis-client';
import { RedisSessionRepository } from '../../../src/adapters/storage/redis-session-repository';
import { parseRedisUrl } from '../../../src/adapters/storage/redis-url';
import { createTestRedis, describeWithRedis } from '../../support/redis';
import { aSession, T0 } from './storage-fixtures';

const unavailable = { code: 'service_unavailable', message: 'storage unavailable', details: { retryAfterSeconds: 5 } };
/** Jest timeout bounding each "fails fast" test: a hanging command fails the test. */
const FAST_MS = 3_000;
const UNREACHABLE_URL = 'redis://127.0.0.1:1/0';

describe('Redis unreachable (port 1)', () => {
  const session = aSession();
  it.each<[string, (repo: RedisSessionRepository) => Promise<unknown>]>([
    ['ping', (repo) => repo.ping()],
    ['findById', (repo) => repo.findById(session.id)],
    ['create', (repo) => repo.create(session)],
    ['rotate', (repo) => repo.rotate(session.id, session.currentJti, { jti: 'next', issuedAt: T0 }, T0)],
    ['revokeAllForUser', (repo) => repo.revokeAllForUser(session.userId, 'admin', T0)],
    ['listRevokedSince', (repo) => repo.listRevokedSince(T0)],
    ['revocationCursor', (repo) => repo.revocationCursor()],
    ['listRevokedAfter', (repo) => repo.listRevokedAfter(0)],
  ])(
    '%s rejects with service_unavailable, fast',
    async (_name, operation) => {
      const client = createRedisClient(parseRedisUrl(UNREACHABLE_URL));
      try {
        await expect(operation(new RedisSessionRepository(client))).rejects.toMatchObject(unavailable);
      } finally {
        await closeRedisClient(client);
      }
    },
    FAST_MS,
  );

  it(
    'a second command after a failed one fails fast too',
    async () => {
      const client = createRedisClient(parseRedisUrl(UNREACHABLE_URL));
      const repo = new RedisSessionRepository(client);
      try {
        await expect(repo.ping()).rejects.toMatchObject(unavailable);
        await expect(repo.findById('sid')).rejects.toMatchObject(unavailable);
      } finally {
        await closeRedisClient(client);
      }
    },
    FAST_MS,
  );

  it(
    'through openStorage: sessions answer service_unavailable while SQL users still work',
    async () => {
      const storage = await openStorage('sqlite::memory:', { sessionStoreUrl: 'redis://:hunter2@127.0.0.1:1/0' });
      try {
        await storage.migrate();
        expect(await storage.users.count()).toBe(0);
        await expect(storage.sessions.ping()).rejects.toMatchObject(unavailable);
        expect(storage.description).not.toContain('hunter2');
      } finally {
        await storage.close();
      }
    },
    FAST_MS,
  );
});

describeWithRedis('Redis lost after connecting', (redis) => {
  /** A TCP relay to the test Redis, on a fixed port, that the test can cut and restore. */
  class Relay {
    private server: net.Server | null = null;
    private readonly sockets = new Set<net.Socket>();
    port = 0;

    async open(): Promise<void> {
      const { host, port } = parseRedisUrl(redis().url);
      const server = net.createServer((inbound) => {
        const outbound = net.connect(port, host);
        for (const s of [inbound, outbound]) {
          this.sockets.add(s);
          s.on('error', () => {});
        }
        inbound.pipe(outbound).pipe(inbound);
      });
      await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
      this.port = (server.address() as net.AddressInfo).port;
      this.server = server;
    }

    async cut(): Promise<void> {
      const server = this.server;
      if (!server) return;
      this.server = null;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of this.sockets) s.destroy();
      this.sockets.clear();
      await closed;
    }
  }

  let relay: Relay;
  let client: ReturnType<typeof createRedisClient>;
  let repo: RedisSessionRepository;
  beforeEach(async () => {
    relay = new Relay();
    await relay.open();
    const { db } = parseRedisUrl(redis().url);
    client = createRedisClient(parseRedisUrl(`redis://127.0.0.1:${relay.port}/${db}`));
    repo = new RedisSessionRepository(client, { keyPrefix: redis().newPrefix() });
    await repo.ping();
  });
  afterEach(async () => {
    await closeRedisClient(client);
    await relay.cut();
  });

  it(
    'commands reject with service_unavailable at once instead of queueing',
    async () => {
      await relay.cut();
      await expect(repo.findById('sid')).rejects.toMatchObject(unavailable);
      await expect(repo.rotate('sid', 'a', { jti: 'b', issuedAt: T0 }, T0)).rejects.toMatchObject(unavailable);
    },
    FAST_MS,
  );

  it(
    'serves again once Redis answers again (reconnects in the background)',
    async () => {
      await relay.cut();
      await expect(repo.ping()).rejects.toMatchObject(unavailable);
      await relay.open();
      const session = aSession();
      for (let attempt = 0; ; attempt++) {
        try {
          await repo.create(session);
          break;
        } catch (err) {
          if (attempt > 40) throw err;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      expect(await repo.findById(session.id)).toStrictEqual(session);
    },
    8_000,
  );
});

describe('createTestRedis', () => {
  const ci = process.env.CI;
  afterEach(() => {
    if (ci === undefined) delete process.env.CI;
    else process.env.CI = ci;
  });

  it('returns null for an unreachable server outside CI', async () => {
    delete process.env.CI;
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    await expect(createTestRedis(UNREACHABLE_URL)).resolves.toBeNull();
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });

  it('rejects for an unreachable server under CI=true, never skips', async () => {
    process.env.CI = 'true';
    await expect(createTestRedis(UNREACHABLE_URL)).rejects.toThrow(/CI=true/);
  });
});
