import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStorage, type Storage } from '../../../src/adapters/storage/open-storage';
import { sessionRepositoryContract } from './session-repository.contract';
import { aSession, T0 } from './storage-fixtures';
import { userRepositoryContract } from './user-repository.contract';
import { sessionUserLookupContract } from './session-user-lookup.contract';
import { secondFactorRepositoryContract } from './second-factor-repository.contract';

const tempDir = mkdtempSync(path.join(os.tmpdir(), 'tokengate-sqlite-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

let fileCount = 0;
/** A new database file per test, in a directory that does not exist yet. */
const fileFactory = async (): Promise<Storage> => {
  const storage = await openStorage(`sqlite:${path.join(tempDir, `db-${++fileCount}`, 'tokengate.db')}`);
  await storage.migrate();
  return storage;
};

const memoryFactory = async (): Promise<Storage> => {
  const storage = await openStorage('sqlite::memory:');
  await storage.migrate();
  return storage;
};

userRepositoryContract('sqlite file', fileFactory);
sessionRepositoryContract('sqlite file', fileFactory);
sessionUserLookupContract('sqlite file', fileFactory);
userRepositoryContract('sqlite :memory:', memoryFactory);
sessionRepositoryContract('sqlite :memory:', memoryFactory);
sessionUserLookupContract('sqlite :memory:', memoryFactory);
secondFactorRepositoryContract('sqlite file', fileFactory);

describe('SQLite file shared by two connections', () => {
  it('rotate stays a single-winner compare-and-set across processes-worth of connections', async () => {
    const file = path.join(tempDir, 'shared', 'tokengate.db');
    const [a, b] = [await openStorage(`sqlite:${file}`), await openStorage(`sqlite:${file}`)];
    try {
      await a.migrate();
      await b.migrate();
      const session = aSession({ currentJti: 'jti-old' });
      await a.sessions.create(session);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? a : b).sessions.rotate(session.id, 'jti-old', { jti: `jti-${i}`, issuedAt: T0 + i }, T0 + i),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect(await b.sessions.findById(session.id)).toMatchObject({ currentJti: `jti-${winner}`, previousJti: 'jti-old' });
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('an unopenable database file makes queries reject with service_unavailable', async () => {
    const storage = await openStorage(`sqlite:${tempDir}`);
    try {
      await expect(storage.sessions.ping()).rejects.toMatchObject({
        code: 'service_unavailable',
        message: 'storage unavailable',
        details: { retryAfterSeconds: 5 },
      });
    } finally {
      await storage.close();
    }
  });
});
