import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { spawnGateway } from '../support/spawn-gateway';

const root = resolve(__dirname, '../..');
let dir: string;

beforeAll(() => {
  // What `prepare` does at install: compiles only when the sources changed since the last build.
  execFileSync(process.execPath, [join(root, 'scripts/ensure-build.js')], { cwd: root });
}, 120_000);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tokengate-modules-'));
  // Written into the gateway process: at exit, the files it had loaded.
  writeFileSync(
    join(dir, 'loaded.js'),
    `process.on('exit', () => require('node:fs').writeFileSync(process.env.LOADED_OUT, JSON.stringify(Object.keys(require.cache))));`,
  );
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The packages a gateway started with `env` had loaded once it answered `/healthz` and stopped. */
async function packagesLoaded(env: Record<string, string>): Promise<string[]> {
  const files = await filesLoaded(env);
  return [...new Set(files.filter((f) => !isAbsolute(f)).map((f) => /^(@[^/]+\/)?[^/]+/.exec(f)![0]))];
}

/** The files such a gateway had loaded: a library's as its path below `node_modules/`, others absolute. */
async function filesLoaded(env: Record<string, string>): Promise<string[]> {
  const out = join(dir, 'loaded.json');
  const gateway = await spawnGateway(dir, {
    DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`,
    JWT_SECRET: 'start-modules-test-secret-0123456789abcdef',
    UPSTREAM_URL: 'http://127.0.0.1:9',
    NODE_OPTIONS: `--require ${join(dir, 'loaded.js')}`,
    LOADED_OUT: out,
    ...env,
  });
  expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
  expect(await gateway.stop()).toBe(0);
  return (JSON.parse(readFileSync(out, 'utf8')) as string[]).map((f) => f.replace(/^.*node_modules\//, ''));
}

describe('a gateway loads the libraries of optional features only when they are used', () => {
  it('starts on SQLite without a routes file, Redis or a QR code, and loads none of their libraries', async () => {
    const loaded = await packagesLoaded({});
    // The list is real: the storage and HTTP libraries in use are in it.
    expect(loaded).toEqual(expect.arrayContaining(['knex', 'better-sqlite3', 'koa', 'undici']));
    for (const name of ['ioredis', 'qrcode', 'zod', 'yaml', 'otpauth']) expect(loaded).not.toContain(name);
  }, 40_000);

  it("loads rate-limiter-flexible's memory limiter from its own file, not the index that requires every store", async () => {
    const files = (await filesLoaded({})).filter((f) => f.startsWith('rate-limiter-flexible/'));
    expect(files).toEqual(expect.arrayContaining(['rate-limiter-flexible/lib/RateLimiterMemory.js', 'rate-limiter-flexible/lib/RateLimiterRes.js']));
    expect(files).not.toContain('rate-limiter-flexible/index.js');
    expect(files.filter((f) => /RateLimiter(Redis|MySQL|Mongo|Postgres)\.js$/.test(f))).toEqual([]);
  }, 40_000);

  it('loads the routes file parser and schema when ROUTES_FILE names a YAML file', async () => {
    const routes = join(dir, 'routes.yaml');
    writeFileSync(routes, 'routes:\n  - prefix: /api\n    upstream: http://127.0.0.1:9\n');
    const loaded = await packagesLoaded({ ROUTES_FILE: routes, UPSTREAM_URL: '' });
    expect(loaded).toEqual(expect.arrayContaining(['zod', 'yaml']));
    expect(loaded).not.toContain('ioredis');
  }, 40_000);
});
