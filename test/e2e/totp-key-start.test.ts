import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { compose, TYPES } from '../../src/container';
import { createLogger } from '../../src/adapters/logging/pino-logger';
import { FixedClock, T0 } from '../support/fixed-clock';
import { codeAt } from '../support/e2e-totp';
import { LogCapture } from '../support/e2e-logs';

/** SPEC §12: once anyone enrolled, a missing or wrong TOTP_ENCRYPTION_KEY stops the start with one clear line. */
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tokengate-totp-key-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const PROD_SECRET = randomBytes(48).toString('base64url');
const start = (env: Record<string, string>) => {
  const config = loadConfig({ DATABASE_URL: `sqlite:${join(dir, 't.db')}`, JWT_SECRET: PROD_SECRET, UPSTREAM_URL: 'http://127.0.0.1:9', ...env }, { cwd: dir });
  return compose(config, { clock: new FixedClock(T0), logger: createLogger(config, new LogCapture()), defaultMetrics: false });
};

async function enrolUnder(env: Record<string, string>): Promise<void> {
  const comp = await start(env);
  try {
    const c = comp.container;
    await c.get(TYPES.AddUser).execute({ username: 'alice', password: 'pw-alice-xyz', roles: [] });
    const offer = (await c.get(TYPES.BeginTotp).execute('alice'))!;
    await c.get(TYPES.ConfirmTotp).execute({ userId: offer.userId, secret: offer.secret, code: codeAt(offer.secret, T0) });
  } finally {
    await comp.close();
  }
}

describe('TOTP_ENCRYPTION_KEY at start', () => {
  const keyA = randomBytes(32).toString('hex');

  it('starts again with the same key', async () => {
    await enrolUnder({ TOTP_ENCRYPTION_KEY: keyA });
    const comp = await start({ TOTP_ENCRYPTION_KEY: keyA });
    await comp.close();
  });

  it('a wrong key is one clear line, not a lockout at the next login', async () => {
    await enrolUnder({ TOTP_ENCRYPTION_KEY: keyA });
    await expect(start({ TOTP_ENCRYPTION_KEY: randomBytes(32).toString('hex') })).rejects.toThrow(
      'TOTP_ENCRYPTION_KEY does not decrypt the stored TOTP secrets (wrong key?)',
    );
  });

  it('in production, no key once someone enrolled refuses to start; nobody enrolled starts fine', async () => {
    const prod = { NODE_ENV: 'production', COOKIE_SECURE: 'false' };
    const fresh = await start(prod);
    await expect(fresh.container.get(TYPES.ConfirmTotp).execute({ userId: 'u', secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', code: codeAt('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', T0) })).rejects.toThrow(
      /^TOTP_ENCRYPTION_KEY is required in production/,
    );
    await fresh.close();
    await enrolUnder({ ...prod, TOTP_ENCRYPTION_KEY: keyA });
    await expect(start(prod)).rejects.toThrow(/^TOTP_ENCRYPTION_KEY is required in production/);
  });
});
