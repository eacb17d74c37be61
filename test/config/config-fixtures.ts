import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

const created: string[] = [];
afterAll(() => created.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tokengate-config-'));
  created.push(dir);
  return dir;
}

export const SECRET = 'x'.repeat(40);
/** A secret production accepts: random-looking (production refuses placeholders and low entropy). */
export const PRODUCTION_SECRET = 'q7Rk2vN9xLp4Tz8Wm3Hc6Jd1Fs5Gb0Ya-uEoIi_wK';

/** Loads with a fresh temporary cwd, so generated secrets never land in the repo. */
export const load = (env: Record<string, string | undefined>, cwd = tempDir()) => loadConfig(env, { cwd });

/** The ConfigError lines thrown for `env` (fails the test when nothing is thrown). */
export function issuesOf(env: Record<string, string | undefined>, cwd = tempDir()): readonly string[] {
  try {
    load(env, cwd);
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

/** Writes a key pair as PEM files into `dir`; returns their paths. */
export function writeKeys(dir: string, kind: 'rsa' | 'ec' | 'rsa1024', prefix: string = kind) {
  const { privateKey, publicKey } =
    kind === 'ec'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: kind === 'rsa' ? 2048 : 1024 });
  const write = (name: string, key: KeyObject, type: 'pkcs8' | 'spki') => {
    const file = join(dir, `${prefix}-${name}.pem`);
    writeFileSync(file, key.export({ type, format: 'pem' }));
    return file;
  };
  return { privateFile: write('private', privateKey, 'pkcs8'), publicFile: write('public', publicKey, 'spki') };
}
