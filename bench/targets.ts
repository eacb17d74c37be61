import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { startNginx, startNginxUpstream } from './nginx';
import { startServer, type ServerProcess } from './processes';
import type { BenchSettings } from './settings';

/** An account the bench adds to a tokengate and logs in with. */
export interface BenchAccount {
  username: string;
  password: string;
}

export const BENCH_USER: BenchAccount = { username: 'bench', password: 'bench-password-0123' };
/** Shared with the tokengate processes so the benchmark can mint expired access tokens. */
export const BENCH_SECRET = randomBytes(32).toString('base64url');

/**
 * Logins of one account in flight at once that the storm sends at most: attempts in flight
 * count toward the fixed per-account ceiling of 100 (docs/security.md §1), so a wave of 200
 * logins of `bench` alone had half refused with 429 before any password was checked.
 */
export const STORM_LOGINS_PER_USER = 50;

/** The accounts a storm of `stormSize` concurrent logins spreads over (added to the tokengate it hits). */
export function stormUsers(stormSize: number): BenchAccount[] {
  return Array.from({ length: Math.ceil(stormSize / STORM_LOGINS_PER_USER) }, (_, i) => ({ username: `storm-${i + 1}`, password: BENCH_USER.password }));
}

export type TargetId =
  | 'bare-proxy' | 'bare-200' | 'bare-200-identity' | 'bare-proxy-workers' | 'bare-200-identity-workers'
  | 'fastify-peer' | 'verify-peer' | 'nginx-verify-peer'
  | 'tg-sqlite' | 'tg-sqlite-nocache' | 'tg-mysql' | 'tg-workers' | 'nginx-tg'
  | 'scale-bare-proxy' | 'scale-bare-proxy-workers' | 'scale-tg' | 'scale-tg-workers';

export const TARGET_LABELS: Record<TargetId, string> = {
  'bare-proxy': 'bare undici proxy (Pool, callback API)',
  'bare-200': 'bare Node 200',
  'bare-200-identity': 'bare Node 200, identity headers',
  'bare-proxy-workers': 'bare undici proxy, one cluster worker per core',
  'bare-200-identity-workers': 'bare Node 200, identity headers, one worker per core',
  'tg-sqlite': 'tokengate sqlite',
  'tg-sqlite-nocache': 'tokengate sqlite, TOKEN_CACHE_SIZE=0',
  'tg-mysql': 'tokengate mysql',
  'tg-workers': 'tokengate sqlite, WORKERS=auto',
  'fastify-peer': 'fastify + http-proxy + jwt peer',
  'verify-peer': 'verify peer (node:http + jsonwebtoken)',
  'nginx-verify-peer': 'nginx auth_request → verify peer',
  'nginx-tg': 'nginx auth_request → tokengate sqlite',
  'scale-bare-proxy': 'bare undici proxy → nginx upstream',
  'scale-bare-proxy-workers': 'bare undici proxy, one worker per core → nginx upstream',
  'scale-tg': 'tokengate sqlite → nginx upstream',
  'scale-tg-workers': 'tokengate sqlite, WORKERS=auto → nginx upstream',
};

/** The scaling scenario's servers: as their namesakes, in front of an nginx upstream. */
export const SCALING: readonly TargetId[] = ['scale-bare-proxy', 'scale-bare-proxy-workers', 'scale-tg', 'scale-tg-workers'];

/**
 * Peers: the anchors of `../shared/anchors` rebuilt here (docs/performance.md, "Baselines"). Like
 * the bare servers they always run with their scenario, whatever BENCH_TARGETS says.
 */
export const PEERS: ReadonlySet<TargetId> = new Set<TargetId>(['fastify-peer', 'verify-peer', 'nginx-verify-peer']);

/** Targets made of another one: nginx in front of that verify server, which must run too. */
export const NEEDS: Partial<Record<TargetId, TargetId>> = { 'nginx-tg': 'tg-sqlite', 'nginx-verify-peer': 'verify-peer' };

export const needsNginx = (t: TargetId): boolean => t.startsWith('nginx-') || SCALING.includes(t);

/** Every token tokengate issues verifies at the peers: same secret, tokengate's issuer and audience. */
const PEER_JWT = { JWT_SECRET: BENCH_SECRET, JWT_ISSUER: 'tokengate', JWT_AUDIENCE: 'tokengate' };

export interface Lab {
  upstream: ServerProcess;
  servers: Partial<Record<TargetId, ServerProcess>>;
  close(): Promise<void>;
}

const dist = (s: BenchSettings, path: string) => join(s.root, 'dist', path);

function addUser(s: BenchSettings, env: Record<string, string>, user: BenchAccount = BENCH_USER): void {
  const r = spawnSync(process.execPath, [dist(s, 'src/cli.js'), 'user', 'add', user.username, '--password-stdin'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    input: user.password,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`could not add the bench user ${user.username}: ${r.stderr.trim()}`);
}

async function createMysqlDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const server = new URL(serverUrl);
  const options = {
    host: server.hostname,
    port: Number(server.port || 3306),
    user: decodeURIComponent(server.username),
    password: decodeURIComponent(server.password),
  };
  const name = `tokengate_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = await mysql.createConnection(options);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  await admin.end();
  const url = new URL(server.href);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    drop: async () => {
      const c = await mysql.createConnection(options);
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

/**
 * Starts the upstream, the baselines and each tokengate variant wanted, each in its own process.
 * `tokengateEnv` is added to every tokengate's environment, over the defaults; an empty value
 * removes the variable.
 */
export async function startLab(s: BenchSettings, wanted: Set<TargetId>, tokengateEnv: Record<string, string> = {}): Promise<Lab> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const servers: Lab['servers'] = {};
  const close = async () => {
    for (const c of cleanups.reverse()) await c();
  };
  try {
    const upstream = await startServer({ name: 'upstream', script: dist(s, 'bench/servers/upstream.js'), env: {}, readyPath: '/' });
    cleanups.push(() => upstream.stop());
    const start = async (id: TargetId, options: Parameters<typeof startServer>[0]) => {
      if (!wanted.has(id)) return;
      const server = await startServer(options);
      servers[id] = server;
      cleanups.push(() => server.stop());
    };
    const probe = dist(s, 'bench/probe.js');
    await start('bare-proxy', { name: 'bare-proxy', script: dist(s, 'bench/servers/bare-proxy.js'), env: { UPSTREAM_URL: upstream.url }, readyPath: '/', probe });
    await start('bare-200', { name: 'bare-200', script: dist(s, 'bench/servers/upstream.js'), env: { BENCH_BODY: 'empty' }, readyPath: '/', probe });
    await start('bare-200-identity', { name: 'bare-200-identity', script: dist(s, 'bench/servers/upstream.js'), env: { BENCH_BODY: 'identity' }, readyPath: '/', probe });
    const clustered = (script: string, env: Record<string, string>) => ({ script: dist(s, 'bench/servers/cluster.js'), env: { ...env, BENCH_CLUSTER_SCRIPT: script }, readyPath: '/' });
    await start('bare-proxy-workers', { name: 'bare-proxy-workers', ...clustered('bare-proxy.js', { UPSTREAM_URL: upstream.url }) });
    await start('bare-200-identity-workers', { name: 'bare-200-identity-workers', ...clustered('upstream.js', { BENCH_BODY: 'identity' }) });
    await start('fastify-peer', { name: 'fastify-peer', script: dist(s, 'bench/servers/fastify-peer.js'), env: { ...PEER_JWT, UPSTREAM_URL: upstream.url }, readyPath: '/', readyStatus: 401, probe });
    await start('verify-peer', { name: 'verify-peer', script: dist(s, 'bench/servers/verify-peer.js'), env: PEER_JWT, readyPath: '/', readyStatus: 401, probe });
    const tokengate = async (id: TargetId, databaseUrl: string | null, extra: Record<string, string> = {}, users = [BENCH_USER]) => {
      if (!wanted.has(id)) return;
      const dataDir = mkdtempSync(join(tmpdir(), `tokengate-bench-${id}-`));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
      const env = {
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        DATABASE_URL: databaseUrl ?? `sqlite:${join(dataDir, 'tokengate.db')}`,
        JWT_SECRET: BENCH_SECRET,
        UPSTREAM_URL: upstream.url,
        LOG_LEVEL: s.logLevel,
        // What `npm start` and the Dockerfile set (docs/performance.md, "Memory").
        MALLOC_MMAP_THRESHOLD_: '131072',
        // The login scenario sends 50 concurrent logins of one user from one address, and
        // attempts in flight count toward the limit (docs/security.md): the bench measures
        // the login path, not the limiter, which would answer 429 after ten.
        LOGIN_RATE_LIMIT: '1000000/15m',
        ...extra,
        ...tokengateEnv,
      };
      for (const [name, value] of Object.entries(tokengateEnv)) if (value === '') delete (env as Record<string, string>)[name];
      for (const user of users) addUser(s, env, user);
      await start(id, { name: id, script: dist(s, 'src/main.js'), env, readyPath: '/healthz', probe: extra.WORKERS ? undefined : probe });
    };
    // The storm scenario's only target.
    await tokengate('tg-sqlite', null, {}, [BENCH_USER, ...stormUsers(s.stormSize)]);
    await tokengate('tg-sqlite-nocache', null, { TOKEN_CACHE_SIZE: '0' });
    await tokengate('tg-workers', null, { WORKERS: 'auto' });
    if (wanted.has('tg-mysql')) {
      if (!s.mysqlUrl) throw new Error('BENCH_MYSQL_URL is off');
      const db = await createMysqlDatabase(s.mysqlUrl);
      cleanups.push(() => db.drop());
      await tokengate('tg-mysql', db.url);
    }
    if (SCALING.some((t) => wanted.has(t))) {
      const lean = await startNginxUpstream(s.nginx);
      cleanups.push(() => lean.stop());
      await start('scale-bare-proxy', { name: 'scale-bare-proxy', script: dist(s, 'bench/servers/bare-proxy.js'), env: { UPSTREAM_URL: lean.url }, readyPath: '/', probe });
      await start('scale-bare-proxy-workers', { name: 'scale-bare-proxy-workers', ...clustered('bare-proxy.js', { UPSTREAM_URL: lean.url }) });
      await tokengate('scale-tg', null, { UPSTREAM_URL: lean.url });
      await tokengate('scale-tg-workers', null, { UPSTREAM_URL: lean.url, WORKERS: 'auto' });
    }
    for (const id of ['nginx-tg', 'nginx-verify-peer'] as const) {
      const verifier = servers[NEEDS[id] as TargetId];
      if (!wanted.has(id) || !verifier) continue;
      const nginx = await startNginx(s.nginx, id, verifier, upstream.url);
      servers[id] = nginx;
      cleanups.push(() => nginx.stop());
    }
    return { upstream, servers, close };
  } catch (e) {
    await close();
    throw e;
  }
}
