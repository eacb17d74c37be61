import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import request from 'supertest';
import { loadConfig } from '../../src/config';
import { issuesOf } from '../config/config-fixtures';
import { compose, type Composition } from '../../src/container';

const root = resolve(__dirname, '../..');
const BASE = { DATABASE_URL: 'memory:', JWT_SECRET: 's'.repeat(40), LOG_LEVEL: 'silent' };

function freePort(): Promise<number> {
  return new Promise((done) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => done(port));
    });
  });
}

/** Whether a TCP connection to host:port is accepted. */
function connects(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host, port, timeout: 2000 });
    socket.once('connect', () => (socket.destroy(), done(true)));
    socket.once('error', () => done(false));
    socket.once('timeout', () => (socket.destroy(), done(false)));
  });
}

describe('METRICS_PORT settings', () => {
  it('defaults to /metrics on the public port; set, it binds loopback unless METRICS_HOST says otherwise', () => {
    expect(loadConfig(BASE).metrics).toBeNull();
    expect(loadConfig({ ...BASE, METRICS_PORT: '9464' }).metrics).toEqual({ port: 9464, host: '127.0.0.1' });
    expect(loadConfig({ ...BASE, METRICS_PORT: '9464', METRICS_HOST: '10.0.0.7' }).metrics).toEqual({ port: 9464, host: '10.0.0.7' });
  });

  it.each([
    [{ METRICS_PORT: 'nine' }, /^METRICS_PORT: /],
    [{ METRICS_PORT: '70000' }, /^METRICS_PORT: /],
    [{ METRICS_PORT: '8080' }, /^METRICS_PORT: must differ from PORT/],
  ])('%j stops the start with one line naming the variable', (env, line) => {
    expect(issuesOf({ ...BASE, ...env })).toEqual([expect.stringMatching(line)]);
  });
});

describe('with METRICS_PORT, in process', () => {
  let comp: Composition;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tokengate-metrics-port-'));
    comp = await compose(loadConfig({ ...BASE, METRICS_PORT: '0' }, { cwd: dir }), { defaultMetrics: false });
  });
  afterAll(async () => {
    await comp.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the public port answers /metrics 404 not_found, and never proxies it', async () => {
    const res = await request(comp.handler).get('/metrics');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: 'not_found' });
  });

  // Not 405 with `Allow: HEAD, GET`, which would tell that the route is there.
  it.each(['HEAD', 'POST', 'PUT', 'OPTIONS'])('the public port answers %s /metrics 404 too', async (method) => {
    const res = await (request(comp.handler) as unknown as Record<string, (u: string) => request.Test>)[method.toLowerCase()]!('/metrics');
    expect([res.status, res.headers.allow]).toEqual([404, undefined]);
  });

  it('the metrics listener answers /metrics with Prometheus text, and nothing else', async () => {
    const res = await request(comp.metricsHandler).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toContain('tokengate_gate_outcomes_total{outcome="pass"} 0');
    expect((await request(comp.metricsHandler).get('/healthz')).status).toBe(404);
    const post = await request(comp.metricsHandler).post('/metrics');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });
});

describe('with METRICS_PORT, a real process', () => {
  let dir: string;
  beforeAll(() => {
    execFileSync(process.execPath, [join(root, 'scripts/ensure-build.js')], { cwd: root });
    dir = mkdtempSync(join(tmpdir(), 'tokengate-metrics-proc-'));
  }, 180_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves /metrics on its own loopback listener, logs where, and counts the public traffic there', async () => {
    const metricsPort = await freePort();
    const env = { PATH: process.env.PATH ?? '', ...BASE, LOG_LEVEL: 'info', PORT: '0', HOST: '0.0.0.0', METRICS_PORT: String(metricsPort), UPSTREAM_URL: 'http://127.0.0.1:9' };
    const child = spawn(process.execPath, [join(root, 'dist/src/main.js')], { cwd: dir, env });
    let log = '';
    child.stdout.on('data', (c: Buffer) => (log += c.toString()));
    child.stderr.on('data', (c: Buffer) => (log += c.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const deadline = Date.now() + 20_000;
      while (!/log in: curl/.test(log) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      const port = /listening on http:\/\/localhost:(\d+)"/.exec(log)?.[1];
      expect(log).toContain(`metrics: http://127.0.0.1:${metricsPort}/metrics (not on the public port)`);
      const pub = `http://127.0.0.1:${port}`;
      expect((await fetch(`${pub}/metrics`)).status).toBe(404);
      expect((await fetch(`${pub}/auth/me`)).status).toBe(401);
      const scrape = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(scrape.status).toBe(200);
      expect(await scrape.text()).toMatch(/^tokengate_gate_outcomes_total\{outcome="login_required"\} [1-9]/m);
      const outside = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal);
      if (outside) expect(await connects(outside.address, metricsPort)).toBe(false);
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  }, 60_000);
});
