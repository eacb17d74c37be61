import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { compose, TYPES } from '../../src/container';
import { AesGcmSecretBox } from '../../src/adapters/security/aes-gcm-secret-box';
import { rotateGeneratedSecret } from '../../src/adapters/security/previous-secrets-file';
import { createLogger } from '../../src/adapters/logging/pino-logger';
import { FixedClock, T0 } from '../support/fixed-clock';
import { codeAt } from '../support/e2e-totp';
import { LogCapture } from '../support/e2e-logs';

/**
 * Development without TOTP_ENCRYPTION_KEY: TOTP secrets are sealed with a generated key kept in
 * `<DATA_DIR>/totp-key`, so `keys rotate` or a new JWT_SECRET no longer locks enrolled users out,
 * and secrets sealed earlier under the key derived from the signing secret still open.
 */
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tokengate-totp-rotation-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const LATER = T0 + 10 * 60_000;
const ctx = { ip: '127.0.0.1', userAgent: null, requestId: 'totp-key-rotation' };
const keyFile = () => join(dir, 'totp-key');

/** A development start (no NODE_ENV, no TOTP_ENCRYPTION_KEY) on the test's data directory. */
function start(env: Record<string, string> = {}, ms = T0) {
  const config = loadConfig({ DATA_DIR: dir, DATABASE_URL: `sqlite:${join(dir, 't.db')}`, UPSTREAM_URL: 'http://127.0.0.1:9', ...env }, { cwd: dir });
  return compose(config, { clock: new FixedClock(ms), logger: createLogger(config, new LogCapture()), defaultMetrics: false });
}

async function enrolAlice(env: Record<string, string> = {}): Promise<void> {
  const comp = await start(env);
  try {
    const c = comp.container;
    await c.get(TYPES.AddUser).execute({ username: 'alice', password: 'pw-alice-xyz', roles: [] });
    const offer = (await c.get(TYPES.BeginTotp).execute('alice'))!;
    await c.get(TYPES.ConfirmTotp).execute({ userId: offer.userId, secret: SECRET, code: codeAt(SECRET, T0) });
  } finally {
    await comp.close();
  }
}

/** Restarts (the start check opens a stored secret) and logs alice in with a TOTP code. */
async function loginWithCode(env: Record<string, string> = {}, at = LATER): Promise<void> {
  const comp = await start(env, at);
  try {
    const c = comp.container;
    const first = await c.get(TYPES.Login).execute({ username: 'alice', password: 'pw-alice-xyz' }, ctx);
    expect(first).toMatchObject({ mfaRequired: true });
    const mfaToken = (first as { mfaToken: string }).mfaToken;
    await expect(c.get(TYPES.CompleteMfaLogin).execute({ mfaToken, code: codeAt(SECRET, at) }, ctx)).resolves.toMatchObject({
      accessToken: expect.any(String),
    });
  } finally {
    await comp.close();
  }
}

const storedSigningSecret = (): Buffer => Buffer.from(readFileSync(join(dir, 'jwt-secret'), 'utf8').trim(), 'base64url');

/** The key earlier versions used in development: derived from the signing secret. */
const derivedKey = (material: Buffer | string): Buffer => createHash('sha256').update('tokengate totp key\0').update(material).digest();

/** Alice enrolled by an earlier version: her secret sealed under the key derived from the generated signing secret. */
async function enrolAliceTheOldWay(): Promise<void> {
  const comp = await start();
  try {
    const c = comp.container;
    const { id: userId } = await c.get(TYPES.AddUser).execute({ username: 'alice', password: 'pw-alice-xyz', roles: [] });
    const oldBox = new AesGcmSecretBox({ key: derivedKey(storedSigningSecret()), missingKeyMessage: 'x' });
    await c.get(TYPES.SecondFactors).save({ userId, sealedSecret: oldBox.seal(SECRET), lastStep: 0, recoveryHashes: [], challengesSpentThrough: 0, createdAt: T0 });
  } finally {
    await comp.close();
  }
}

describe('the development TOTP key survives signing-secret changes', () => {
  it('an enrolled user logs in with a code after keys rotate and a restart (regression)', async () => {
    await enrolAlice();
    rotateGeneratedSecret(dir, LATER, 14 * 86400);
    await loginWithCode();
  });

  it('an enrolled user logs in with a code after JWT_SECRET changes', async () => {
    await enrolAlice({ JWT_SECRET: 'a'.repeat(20) + 'b'.repeat(20) });
    await loginWithCode({ JWT_SECRET: 'c'.repeat(20) + 'd'.repeat(20) });
  });

  it('the first enrolment creates DATA_DIR/totp-key, mode 0600, 32 bytes of base64url, and later starts reuse it', async () => {
    await enrolAlice();
    expect(statSync(keyFile()).mode & 0o777).toBe(0o600);
    const kept = readFileSync(keyFile(), 'utf8');
    expect(Buffer.from(kept.trim(), 'base64url')).toHaveLength(32);
    rotateGeneratedSecret(dir, LATER, 14 * 86400);
    await loginWithCode();
    expect(readFileSync(keyFile(), 'utf8')).toBe(kept);
  });

  it('a start without any enrolment writes no key file', async () => {
    const comp = await start();
    await comp.container.get(TYPES.AddUser).execute({ username: 'bob', password: 'pw-bob-xyz', roles: [] });
    await comp.close();
    expect(existsSync(keyFile())).toBe(false);
  });

  it('a secret sealed the old way (key derived from the signing secret) still opens, also after keys rotate', async () => {
    await enrolAliceTheOldWay();
    await loginWithCode();
    rotateGeneratedSecret(dir, LATER, 14 * 86400);
    await loginWithCode({}, LATER + 5 * 60_000);
    expect(existsSync(keyFile())).toBe(false);
  });

  it('a key file that opens nothing stored, nor do the derived keys, stops the start with one line', async () => {
    await enrolAlice();
    writeFileSync(keyFile(), `${Buffer.alloc(32, 7).toString('base64url')}\n`, { mode: 0o600 });
    const failure = start().then(
      async (comp) => {
        await comp.close();
        throw new Error('started');
      },
      (e: Error) => e.message,
    );
    await expect(failure).resolves.toMatch(/^TOTP_ENCRYPTION_KEY is not set, and neither ".*totp-key" nor the keys derived from the signing secrets decrypt the stored TOTP secrets/);
    expect(await failure).not.toContain('\n');
  });

  it('with TOTP_ENCRYPTION_KEY set only that key is used: no key file, no derived fallback', async () => {
    await enrolAliceTheOldWay();
    await expect(start({ TOTP_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('hex') })).rejects.toThrow(
      'TOTP_ENCRYPTION_KEY does not decrypt the stored TOTP secrets (wrong key?)',
    );
    expect(existsSync(keyFile())).toBe(false);
  });

  it('memory: storage with a data directory that cannot be written: the first enrolment fails with one line naming the file', async () => {
    writeFileSync(join(dir, 'not-a-dir'), '');
    const dataDir = join(dir, 'not-a-dir', 'data');
    const config = loadConfig({ DATA_DIR: dataDir, DATABASE_URL: 'memory:', JWT_SECRET: 'e'.repeat(40), UPSTREAM_URL: 'http://127.0.0.1:9' }, { cwd: dir });
    const comp = await compose(config, { clock: new FixedClock(T0), logger: createLogger(config, new LogCapture()), defaultMetrics: false });
    try {
      const c = comp.container;
      const { id: userId } = await c.get(TYPES.AddUser).execute({ username: 'alice', password: 'pw-alice-xyz', roles: [] });
      const failure = c.get(TYPES.ConfirmTotp).execute({ userId, secret: SECRET, code: codeAt(SECRET, T0) }).then(
        () => 'enrolled',
        (e: Error) => e.message,
      );
      const file = join(dataDir, 'totp-key');
      await expect(failure).resolves.toMatch(/^TOTP_ENCRYPTION_KEY is not set, and the generated TOTP key cannot be kept in ".*": ENOTDIR.*\(set TOTP_ENCRYPTION_KEY: openssl rand -base64 32\)$/);
      expect(await failure).toContain(`"${file}"`);
      expect(await failure).not.toContain('\n');
      expect(await c.get(TYPES.SecondFactors).any()).toBeNull();
    } finally {
      await comp.close();
    }
  });
});
