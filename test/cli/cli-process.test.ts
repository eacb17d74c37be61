import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitUntil } from '../support/gateway-http';
import { freePort } from '../support/gateway-nginx';
import { describeWithMysql } from '../support/mysql';
import { spawnGateway } from '../support/spawn-gateway';

const root = resolve(__dirname, '../..');
const cli = join(root, 'dist/src/cli.js');
const main = join(root, 'dist/src/main.js');
let dir: string;

/** Runs the built CLI as a user would: a real process, settings from the environment. */
function tokengate(args: string[], opts: { input?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: dir,
    input: opts.input ?? '',
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`, LOG_LEVEL: 'silent', ...opts.env },
    timeout: 30_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  // What `prepare` does at install: compiles only when the sources changed since the last build.
  execFileSync(process.execPath, [join(root, 'scripts/ensure-build.js')], { cwd: root });
  expect(existsSync(cli)).toBe(true);
}, 120_000);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tokengate-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('tokengate CLI', () => {
  it('adds, lists, re-passwords and disables a user, exit 0 each time', () => {
    const add = tokengate(['user', 'add', 'Alice', '--roles', 'admin,ops', '--password-stdin'], { input: 'correct horse\n' });
    expect(add).toMatchObject({ code: 0 });
    expect(add.out).toMatch(/^added user Alice \(\S+\) with roles admin,ops$/m);
    const list = tokengate(['user', 'list']);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/^Alice\t\S+\troles=admin,ops\tactive/m);
    expect(tokengate(['user', 'passwd', 'alice', '--password-stdin'], { input: 'new secret' })).toMatchObject({ code: 0 });
    const disable = tokengate(['user', 'disable', 'ALICE']);
    expect(disable).toMatchObject({ code: 0 });
    expect(disable.out).toContain('disabled ALICE; 0 session(s) revoked');
    expect(tokengate(['user', 'list']).out).toMatch(/\tdisabled\t/);
    expect(tokengate(['session', 'list', 'alice'])).toMatchObject({ code: 0, out: '' });
  });

  it('refuses a taken name (any letter case) with one clear line and exit 1', () => {
    tokengate(['user', 'add', 'bob', '--password-stdin'], { input: 'pw-one' });
    const again = tokengate(['user', 'add', 'BOB', '--password-stdin'], { input: 'pw-two' });
    expect(again.code).toBe(1);
    expect(again.err.trim().split('\n')).toEqual(['tokengate: username already exists']);
  });

  it.each([
    [['session', 'revoke', 'no-such-session'], 1, 'tokengate: no session "no-such-session"'],
    [['user', 'disable', 'nobody'], 1, 'tokengate: no user named "nobody"'],
    [['user', 'add', 'bad\u0007name', '--password-stdin'], 1, 'tokengate: username may not contain control or format characters'],
  ])('%j fails with exit %i and one line', (args, code, line) => {
    const r = tokengate(args as string[], { input: 'pw' });
    expect(r.code).toBe(code);
    expect(r.err.trim()).toBe(line);
  });

  it('answers an unknown command with usage and exit 2', () => {
    const r = tokengate(['frobnicate', 'now']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('tokengate: unknown command "frobnicate now"');
    expect(r.err).toContain('usage: tokengate');
  });

  // Regression: Node's own three-line complaint was passed through, and extra words after
  // `user list` or `migrate` were ignored with exit 0.
  it.each([
    [['user', 'add', 'bob', '--roles'], 'tokengate: --roles needs a value'],
    [['user', 'add', 'bob', '--frobnicate'], "tokengate: Unknown option '--frobnicate'"],
    [['user', 'list', 'extra'], 'tokengate: unexpected argument "extra"'],
    [['migrate', 'extra'], 'tokengate: unexpected argument "extra"'],
  ])('%j is a usage error: exit 2, its own one line, then the usage', (args, line) => {
    const r = tokengate(args);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe(line);
    expect(r.err.split('\n')[1]).toBe('usage: tokengate <command>');
  });

  it('without a terminal and without --password-stdin, says how to pass the password', () => {
    const r = tokengate(['user', 'add', 'carol']);
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe('tokengate: no terminal to prompt on: pass the password with --password-stdin');
  });

  it('stops on a bad setting with one line naming the variable', () => {
    const r = tokengate(['migrate'], { env: { ACCESS_TOKEN_TTL: 'soon' } });
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^tokengate: ACCESS_TOKEN_TTL: /);
  });

  // Regression: these said only "file is not a database" or "storage unavailable", not which setting.
  it.each([
    ['a file that is not a SQLite database', () => { writeFileSync(join(dir, 'not-a-db.json'), '{"x":1}'); return `sqlite:${join(dir, 'not-a-db.json')}`; }, 'file is not a database'],
    ['a MySQL server that refuses connections', () => 'mysql://tg:hunter2@127.0.0.1:1/tokengate', 'storage unavailable'],
  ])('a store that cannot be opened (%s) stops with one line naming DATABASE_URL', (_name, url, cause) => {
    const r = tokengate(['migrate'], { env: { DATABASE_URL: url() } });
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toEqual([`tokengate: DATABASE_URL: the store cannot be opened: ${cause}`]);
    expect(r.out).toBe('');
  });

  it('migrate creates the schema and exits 0', () => {
    const r = tokengate(['migrate']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('migrated sqlite:');
    expect(existsSync(join(dir, 'db.sqlite'))).toBe(true);
  });
});

describe('first run (npm start with no settings)', () => {
  it('creates the store and secret, prints a demo login that works through the demo upstream, and stops with exit 0 on SIGTERM', async () => {
    const gw = await spawnGateway(dir, {});
    const log = gw.log();
    const url = gw.url;
    const password = /with password (\S+) \(shown once/.exec(log)?.[1];
    expect(url).toBeDefined();
    expect(password).toBeDefined();
    expect(log).toContain('built-in demo upstream');
    expect(existsSync(join(dir, 'data', 'tokengate.db'))).toBe(true);
    expect(existsSync(join(dir, 'data', 'jwt-secret'))).toBe(true);
    const login = await fetch(`${url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'demo', password }),
    });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const page = await fetch(`${url}/hello`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(page.status).toBe(200);
    expect(await page.json()).toMatchObject({ userName: 'demo', path: '/hello' });
    expect(await gw.stop()).toBe(0);
  }, 40_000);

  // Regression: the demo password was logged at info only, so LOG_LEVEL=warn made a demo user
  // whose password nobody ever saw.
  it('shows the demo password at the first level LOG_LEVEL shows, and makes no demo user when it shows none', async () => {
    const run = async (level: string) => {
      const port = await freePort();
      const child = spawn(process.execPath, [main], { cwd: dir, env: { PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: level } });
      let log = '';
      child.stdout.on('data', (c: Buffer) => (log += c.toString()));
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      const up = await waitUntil(() => fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false), 20_000);
      child.kill('SIGTERM');
      return { up: up !== null, code: await exited, log };
    };
    const warn = await run('warn');
    const line = warn.log.split('\n').find((l) => l.includes('created user demo with password'));
    expect({ up: warn.up, code: warn.code, level: line ? (JSON.parse(line) as { level: number }).level : null }).toEqual({ up: true, code: 0, level: 40 });
    rmSync(join(dir, 'data'), { recursive: true, force: true });
    const silent = await run('silent');
    expect({ up: silent.up, code: silent.code, log: silent.log }).toEqual({ up: true, code: 0, log: '' });
    expect(tokengate(['user', 'list'], { env: { DATABASE_URL: `sqlite:${join(dir, 'data', 'tokengate.db')}` } })).toMatchObject({ code: 0, out: '' });
  }, 60_000);

  it('in production without JWT_SECRET and UPSTREAM_URL, refuses to start with clear lines', () => {
    const r = spawnSync(process.execPath, [main], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' }, timeout: 20_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^tokengate: /);
    expect(r.stderr).toContain('JWT_SECRET');
    expect(r.stderr).toContain('UPSTREAM_URL');
  });
});

describe('graceful shutdown', () => {
  it('on SIGTERM refuses new connections, lets a slow in-flight request finish, and exits 0', async () => {
    const http = await import('node:http');
    let arrived = (): void => {};
    const slowArrived = new Promise<void>((r) => (arrived = r));
    const upstream = http.createServer((req, res) => {
      req.resume();
      arrived();
      setTimeout(() => res.end(`slow ${req.url ?? ''}`), 4000);
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const upstreamPort = (upstream.address() as { port: number }).port;
    const child = spawn(process.execPath, [main], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', DATABASE_URL: 'memory:', UPSTREAM_URL: `http://127.0.0.1:${upstreamPort}` },
    });
    let log = '';
    child.stdout.on('data', (c: Buffer) => (log += c.toString()));
    const deadline = Date.now() + 20_000;
    while (!/log in: curl/.test(log) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const url = /listening on (http:\/\/\S+)"/.exec(log)?.[1] as string;
    const password = /with password (\S+) \(shown once/.exec(log)?.[1] as string;
    const login = await fetch(`${url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'demo', password }) });
    const { accessToken } = (await login.json()) as { accessToken: string };
    let slowSettled = false;
    const slow = fetch(`${url}/slow`, { headers: { authorization: `Bearer ${accessToken}` } }).finally(() => (slowSettled = true));
    await slowArrived;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    // New connections are refused while the slow request (4 s upstream) is still in flight;
    // polled, since a loaded host may take a moment to act on the signal.
    const refusedAfterMs = await waitUntil(() => fetch(`${url}/healthz`).then(() => false, () => true), 3000);
    expect({ refused: refusedAfterMs !== null, slowSettled }).toEqual({ refused: true, slowSettled: false });
    const answer = await slow;
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe('slow /slow');
    expect(await exited).toBe(0);
    expect(log).toContain('stopping: no new connections');
    await new Promise<void>((r) => upstream.close(() => r()));
  }, 40_000);
});

describe('tokengate serve', () => {
  const started: ReturnType<typeof spawn>[] = [];
  // A test that fails half-way leaves no gateway (or its workers) behind.
  afterEach(() => {
    for (const child of started.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  /** `tokengate serve` as a process; `log` is its output so far. */
  function serveProcess(env: Record<string, string>) {
    const child = spawn(process.execPath, [cli, 'serve'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`, ...env },
    });
    started.push(child);
    let log = '';
    child.stdout.on('data', (c: Buffer) => (log += c.toString()));
    child.stderr.on('data', (c: Buffer) => (log += c.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    return { child, log: () => log, exited };
  }

  // Regression: `tokengate serve` (SPEC §8, what `npm start` runs) ran one process whatever WORKERS said.
  it('runs WORKERS gateway processes, as npm start does, and stops them all on SIGTERM', async () => {
    const gw = serveProcess({ WORKERS: '2' });
    const listening = () => new Set([...gw.log().matchAll(/"pid":(\d+)[^\n]*listening on http/g)].map((m) => m[1]));
    const upAfterMs = await waitUntil(() => listening().size === 2, 20_000);
    expect({ up: upAfterMs !== null, workers: listening().size, primaryLine: /started 2 workers/.test(gw.log()) }).toEqual({ up: true, workers: 2, primaryLine: true });
    const url = /listening on (http:\/\/\S+)"/.exec(gw.log())?.[1] as string;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    gw.child.kill('SIGTERM');
    expect(await gw.exited).toBe(0);
    expect(gw.log()).toContain('all workers stopped');
  }, 40_000);

  it('names the settings when it cannot listen: an address not on this machine, a port in use', async () => {
    const absent = serveProcess({ HOST: '203.0.113.7', LOG_LEVEL: 'silent' });
    expect(await absent.exited).toBe(1);
    expect(absent.log().trim().split('\n')).toEqual([expect.stringMatching(/^tokengate: PORT\/HOST: cannot listen on 203\.0\.113\.7:0: listen EADDRNOTAVAIL/)]);

    const http = await import('node:http');
    const taken = http.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as { port: number }).port;
    const busy = serveProcess({ PORT: String(port), LOG_LEVEL: 'silent' });
    expect(await busy.exited).toBe(1);
    expect(busy.log().trim().split('\n')).toEqual([`tokengate: PORT/HOST: cannot listen on 127.0.0.1:${port}: listen EADDRINUSE: address already in use 127.0.0.1:${port}`]);
    await new Promise<void>((r) => taken.close(() => r()));
  }, 40_000);
});

/** Starts `node dist/src/main.js` with `env`; resolves with its URL once it listens. */
const startGateway = (env: Record<string, string>) => spawnGateway(dir, env);

describeWithMysql('two gateway processes on one MySQL database', (database) => {
  it('a logout on one makes the other refuse the same access token within REVOCATION_TTL', async () => {
    const env = { DATABASE_URL: database().url, JWT_SECRET: 'two-processes-share-this-secret-0123456789', REVOCATION_TTL: '1s', UPSTREAM_URL: 'http://127.0.0.1:9' };
    expect(tokengate(['user', 'add', 'pat', '--password-stdin'], { input: 'pw-pat-123', env })).toMatchObject({ code: 0 });
    const a = await startGateway(env);
    const b = await startGateway(env);
    try {
      const login = await fetch(`${a.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'pat', password: 'pw-pat-123' }) });
      const { accessToken } = (await login.json()) as { accessToken: string };
      const me = (gw: string) => fetch(`${gw}/auth/me`, { headers: { authorization: `Bearer ${accessToken}` } });
      expect((await me(b.url)).status).toBe(200);
      expect((await fetch(`${a.url}/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}` } })).status).toBe(204);
      const onA = await me(a.url);
      expect(onA.status).toBe(401);
      expect(((await onA.json()) as { error: string }).error).toBe('token_revoked');
      const started = Date.now();
      let status = 200;
      while (status === 200 && Date.now() - started < 5_000) {
        status = (await me(b.url)).status;
        if (status === 200) await new Promise((r) => setTimeout(r, 100));
      }
      const onB = await me(b.url);
      expect(onB.status).toBe(401);
      expect(((await onB.json()) as { error: string }).error).toBe('token_revoked');
      // REVOCATION_TTL=1s: one poll interval plus the overlap; generous for a loaded CI machine.
      expect(Date.now() - started).toBeLessThan(4_000);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  }, 60_000);
});
