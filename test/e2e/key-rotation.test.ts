import { execFileSync, spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import request from 'supertest';
import { secretKeyId } from '../../src/adapters/security/jwk';
import { loadConfig } from '../../src/config';
import { compose } from '../../src/container';
import { writeKeys } from '../config/config-fixtures';
import { jwtHeader } from '../support/e2e-jwt';
import { spawnGateway } from '../support/spawn-gateway';

const root = resolve(__dirname, '../..');
let dir: string;

interface Running {
  url: string;
  log: () => string;
  stop: () => Promise<void>;
}

/** The built gateway on the test's SQLite file with `env`: a restart is a new process. */
async function start(env: Record<string, string>): Promise<Running> {
  const gw = await spawnGateway(dir, { DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`, ...env });
  return { url: gw.url, log: gw.log, stop: async () => void expect(await gw.stop()).toBe(0) };
}

const json = { 'content-type': 'application/json' };
let password = '';

async function login(gw: Running): Promise<{ access: string; refresh: string }> {
  const res = await fetch(`${gw.url}/auth/login`, { method: 'POST', headers: json, body: JSON.stringify({ username: 'demo', password }) });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { accessToken: string; refreshToken: string };
  return { access: body.accessToken, refresh: body.refreshToken };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const errorOf = async (res: Response) => ({ status: res.status, error: ((await res.json()) as { error?: string }).error });

/** The access token's claims under a header the test chooses, signed with `secret`. */
function resign(token: string, header: object, secret: string): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${token.split('.')[1]}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

beforeAll(() => {
  execFileSync(process.execPath, [join(root, 'scripts/ensure-build.js')], { cwd: root });
}, 180_000);
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tokengate-rotation-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('HS256 rotation by rolling restart (SPEC §10)', () => {
  it('a session made under A works after a restart with B current and A previous, refreshes under B, and dies with A', async () => {
    const A = randomBytes(48).toString('base64');
    const B = randomBytes(48).toString('base64');
    const first = await start({ JWT_SECRET: A });
    password = /with password (\S+) \(shown once/.exec(first.log())?.[1] ?? '';
    const kept = await login(first);
    const dropped = await login(first);
    await first.stop();
    expect(jwtHeader(kept.access).kid).toBe(secretKeyId(Buffer.from(A)));
    for (const token of [kept.access, kept.refresh]) expect(JSON.stringify(jwtHeader(token))).not.toContain(A.slice(0, 8));

    const rotated = await start({ JWT_SECRET: B, JWT_SECRET_PREVIOUS: A });
    const verify = await fetch(`${rotated.url}/auth/verify`, { headers: bearer(kept.access) });
    expect(verify.status).toBe(200);
    expect(verify.headers.get('x-user-name')).toBe('demo');
    const proxied = await fetch(`${rotated.url}/hello`, { headers: bearer(kept.access) });
    expect(proxied.status).toBe(200);
    expect(await proxied.json()).toMatchObject({ userName: 'demo', path: '/hello' });
    const refreshed = await fetch(`${rotated.url}/auth/refresh`, { method: 'POST', headers: { 'x-refresh-token': kept.refresh } });
    expect(refreshed.status).toBe(200);
    const next = (await refreshed.json()) as { accessToken: string; refreshToken: string };
    for (const token of [next.accessToken, next.refreshToken]) expect(jwtHeader(token).kid).toBe(secretKeyId(Buffer.from(B)));
    const unknownKid = resign(kept.access, { alg: 'HS256', typ: 'at+jwt', kid: 'no-such-key' }, B);
    expect(await errorOf(await fetch(`${rotated.url}/auth/me`, { headers: bearer(unknownKid) }))).toEqual({ status: 401, error: 'invalid_token' });
    await rotated.stop();

    const withoutA = await start({ JWT_SECRET: B });
    expect(await errorOf(await fetch(`${withoutA.url}/auth/me`, { headers: bearer(dropped.access) }))).toEqual({ status: 401, error: 'invalid_token' });
    const oldRefresh = await fetch(`${withoutA.url}/auth/refresh`, { method: 'POST', headers: { 'x-refresh-token': dropped.refresh } });
    expect(await errorOf(oldRefresh)).toEqual({ status: 401, error: 'invalid_token' });
    expect((await fetch(`${withoutA.url}/auth/me`, { headers: bearer(next.accessToken) })).status).toBe(200);
    await withoutA.stop();
  }, 90_000);
});

describe('tokengate keys rotate (the generated development secret)', () => {
  const cli = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [join(root, 'dist/src/cli.js'), ...args], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env }, timeout: 30_000 });

  it('the old secret becomes previous: sessions survive the restart, and reissued tokens carry the new kid', async () => {
    const first = await start({});
    password = /with password (\S+) \(shown once/.exec(first.log())?.[1] ?? '';
    const session = await login(first);
    await first.stop();
    const rotate = cli(['keys', 'rotate']);
    expect(rotate.status).toBe(0);
    expect(rotate.stdout).toContain(`kid ${String(jwtHeader(session.access).kid)} → `);
    const second = await start({});
    expect((await fetch(`${second.url}/auth/me`, { headers: bearer(session.access) })).status).toBe(200);
    const refreshed = await fetch(`${second.url}/auth/refresh`, { method: 'POST', headers: { 'x-refresh-token': session.refresh } });
    expect(refreshed.status).toBe(200);
    const { accessToken } = (await refreshed.json()) as { accessToken: string };
    expect(jwtHeader(accessToken).kid).not.toBe(jwtHeader(session.access).kid);
    await second.stop();
  }, 90_000);

  it('with JWT_SECRET set it refuses with one line saying how to rotate by hand, and exit 1', () => {
    const r = cli(['keys', 'rotate'], { JWT_SECRET: 'k'.repeat(40) });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^tokengate: keys rotate rotates the generated secret, but JWT_SECRET is set: rotate it by hand/)]);
  });
});

describe('RS256 JWKS during a rotation', () => {
  it('lists the current and the previous public key, each with its RFC 7638 kid, current first', async () => {
    const current = writeKeys(dir, 'rsa', 'new');
    const previous = writeKeys(dir, 'rsa', 'old');
    const env = { DATABASE_URL: 'memory:', LOG_LEVEL: 'silent', JWT_ALGORITHM: 'RS256', JWT_PRIVATE_KEY_FILE: current.privateFile, JWT_PUBLIC_KEY_FILE: current.publicFile };
    const comp = await compose(loadConfig({ ...env, JWT_PREVIOUS_PUBLIC_KEY_FILES: previous.publicFile }, { cwd: dir }), { defaultMetrics: false });
    const old = await compose(loadConfig({ ...env, JWT_PRIVATE_KEY_FILE: previous.privateFile, JWT_PUBLIC_KEY_FILE: previous.publicFile }, { cwd: dir }), { defaultMetrics: false });
    try {
      const jwks = (await request(comp.handler).get('/.well-known/jwks.json').expect(200)).body as { keys: { kid: string; alg: string; use: string }[] };
      const oldKid = ((await request(old.handler).get('/.well-known/jwks.json')).body as { keys: { kid: string }[] }).keys[0]?.kid;
      expect(jwks.keys).toHaveLength(2);
      expect(jwks.keys[1]?.kid).toBe(oldKid);
      expect(jwks.keys.every((k) => k.alg === 'RS256' && k.use === 'sig' && /^[A-Za-z0-9_-]{43}$/.test(k.kid))).toBe(true);
    } finally {
      await Promise.all([comp.close(), old.close()]);
    }
  });
});
