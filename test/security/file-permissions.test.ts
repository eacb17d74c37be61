import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage, type Storage } from '../../src/adapters/storage/open-storage';
import { loadConfig } from '../../src/config';

const modeOf = (p: string): number => statSync(p).mode & 0o777;

/** Issue 12 #5: with JWT_SECRET set the data directory was 0755 and the database (password hashes) 0644. */
describe('security: data files are private to the gateway user', () => {
  let root: string;
  const opened: Storage[] = [];
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'tokengate-perm-'));
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
    rmSync(root, { recursive: true, force: true });
  });
  const open = async (file: string, dataDir: string, warnings: string[] = []): Promise<Storage> => {
    const s = await openStorage(`sqlite:${file}`, { dataDir, onWarning: (m) => warnings.push(m) });
    opened.push(s);
    await s.migrate();
    return s;
  };

  it('creates the data directory 0700 and the SQLite database 0600', async () => {
    const dataDir = join(root, 'data');
    await open(join(dataDir, 'tokengate.db'), dataDir);
    expect(modeOf(dataDir).toString(8)).toBe('700');
    expect(modeOf(join(dataDir, 'tokengate.db')).toString(8)).toBe('600');
  });

  it('tightens an existing data directory and database that others can read', async () => {
    const dataDir = join(root, 'data');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, 'tokengate.db'), '');
    chmodSync(join(dataDir, 'tokengate.db'), 0o644);
    await open(join(dataDir, 'tokengate.db'), dataDir);
    expect(modeOf(dataDir).toString(8)).toBe('700');
    expect(modeOf(join(dataDir, 'tokengate.db')).toString(8)).toBe('600');
  });

  it('says so, and leaves it be, when the database lives in another directory others can read', async () => {
    const shared = join(root, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o755);
    const warnings: string[] = [];
    await open(join(shared, 'gate.db'), join(root, 'data'), warnings);
    expect(modeOf(shared).toString(8)).toBe('755');
    expect(modeOf(join(shared, 'gate.db')).toString(8)).toBe('600');
    expect(warnings).toEqual([expect.stringMatching(/shared.*readable by other users.*chmod 700/)]);
  });

  it('the Dockerfile makes /app/data 0700', () => {
    const dockerfile = readFileSync(join(__dirname, '..', '..', 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/chmod 0?700 \/app\/data/);
  });
});

describe('security: the generated signing secret is private', () => {
  it('tightens an existing data directory and keeps the secret 0600 when no JWT_SECRET is set', () => {
    const root = mkdtempSync(join(tmpdir(), 'tokengate-perm-secret-'));
    try {
      const dataDir = join(root, 'data');
      mkdirSync(dataDir);
      chmodSync(dataDir, 0o755);
      loadConfig({ DATABASE_URL: 'memory:' }, { cwd: root });
      expect(modeOf(dataDir).toString(8)).toBe('700');
      expect(modeOf(join(dataDir, 'jwt-secret')).toString(8)).toBe('600');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
