import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../src/config';
import { compose, TYPES } from '../../src/container';
import { codeAt } from '../support/e2e-totp';

const root = resolve(__dirname, '../..');
const cli = join(root, 'dist/src/cli.js');
let dir: string;
const env = () => ({ PATH: process.env.PATH ?? '', DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`, LOG_LEVEL: 'silent' });

function tokengate(args: string[], input = '') {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, input, encoding: 'utf8', env: env(), timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Enrols as a script would: reads the secret from stdout, answers the code on stdin. */
function scriptedEnrol(username: string, codeFor: (secret: string) => string): Promise<{ code: number | null; lines: string[]; err: string }> {
  return new Promise((done, failed) => {
    const child = spawn(process.execPath, [cli, 'user', 'totp', username, '--secret-stdout'], { cwd: dir, env: env() });
    let out = '';
    let err = '';
    let answered = false;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (!answered && out.includes('\n')) {
        answered = true;
        child.stdin.end(`${codeFor(out.split('\n')[0]!)}\n`);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.on('error', failed);
    child.on('close', (code) => done({ code, lines: out.split('\n').filter(Boolean), err }));
  });
}

/** A login through the same database and data directory, in-process. */
async function withGateway<T>(body: (c: Awaited<ReturnType<typeof compose>>) => Promise<T>): Promise<T> {
  const comp = await compose(loadConfig(env(), { cwd: dir }), { defaultMetrics: false });
  try {
    return await body(comp);
  } finally {
    await comp.close();
  }
}

const ctx = { ip: '127.0.0.1', userAgent: null, requestId: 'cli-test' };

beforeAll(() => {
  execFileSync(process.execPath, [join(root, 'scripts/ensure-build.js')], { cwd: root });
  expect(existsSync(cli)).toBe(true);
}, 180_000);
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tokengate-totp-cli-'));
  expect(tokengate(['user', 'add', 'alice', '--password-stdin'], 'pw-alice-1').code).toBe(0);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('tokengate user totp', () => {
  it('--secret-stdout enrols with one code from a pipe, prints ten recovery codes, and the next login needs the second factor', async () => {
    const r = await scriptedEnrol('alice', (secret) => codeAt(secret, Date.now()));
    expect(r).toMatchObject({ code: 0 });
    const [secret, uri, ...recovery] = r.lines;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(uri).toMatch(/^otpauth:\/\/totp\/.*secret=/);
    expect(recovery).toHaveLength(10);
    await withGateway(async (comp) => {
      const first = await comp.container.get(TYPES.Login).execute({ username: 'alice', password: 'pw-alice-1' }, ctx);
      expect(first).toMatchObject({ mfaRequired: true, mfaToken: expect.any(String) });
      const token = (first as { mfaToken: string }).mfaToken;
      await expect(comp.container.get(TYPES.CompleteMfaLogin).execute({ mfaToken: token, code: recovery[0]! }, ctx)).resolves.toMatchObject({ accessToken: expect.any(String) });
    });
    const off = tokengate(['user', 'totp', 'alice', '--disable']);
    expect(off).toMatchObject({ code: 0, out: 'second factor removed for alice\n' });
    await withGateway(async (comp) => {
      await expect(comp.container.get(TYPES.Login).execute({ username: 'alice', password: 'pw-alice-1' }, ctx)).resolves.toMatchObject({ accessToken: expect.any(String) });
    });
  }, 60_000);

  it('a wrong code enrols nothing and exits 1 with one line', async () => {
    const r = await scriptedEnrol('alice', (secret) => codeAt(secret, Date.now(), 5));
    expect(r.code).toBe(1);
    expect(r.err).toContain('tokengate: invalid code');
    expect(r.lines).toHaveLength(2);
    await withGateway(async (comp) => {
      await expect(comp.container.get(TYPES.Login).execute({ username: 'alice', password: 'pw-alice-1' }, ctx)).resolves.toMatchObject({ accessToken: expect.any(String) });
    });
  }, 60_000);

  it('for a person, prints a terminal QR code and the URI before asking for the code', () => {
    const r = tokengate(['user', 'totp', 'alice'], '');
    expect(r.out).toContain('Scan this with an authenticator app');
    expect(r.out).toMatch(/[▀▄█]/);
    expect(r.out).toMatch(/otpauth:\/\/totp\//);
    expect(r.code).not.toBe(0);
  }, 60_000);

  it('names an unknown user in one line', () => {
    expect(tokengate(['user', 'totp', 'nobody'])).toMatchObject({ code: 1, err: 'tokengate: no user named "nobody"\n' });
  });
});
