import { join, resolve } from 'node:path';
import type { JwtAlgorithm, JwtSettings } from './jwt-algorithm';
import type { SettingReader } from '../system/setting-reader';
import { parseChoice } from '../system/setting-parsers';
import { loadOrCreateJwtSecret, parseJwtSecret, SECRET_FILE_NAME } from './jwt-secret-file';
import { weakSecretProblem } from './secret-strength';
import { loadPreviousSecrets } from './previous-secrets-file';
import { isKeyPair, readPrivateKeyPem, readPublicKeyPem, type AsymmetricAlgorithm } from './pem-keys';

export const JWT_ALGORITHMS: readonly JwtAlgorithm[] = ['HS256', 'RS256', 'ES256'];

interface Context {
  production: boolean;
  dataDir: string;
  cwd: string;
}

/** The `jwt` part of the config: algorithm, key material, issuer and audience. */
export function readJwtSettings(s: SettingReader, ctx: Context): JwtSettings {
  const algorithm = s.get('JWT_ALGORITHM', 'HS256' as JwtAlgorithm, (r) => parseChoice(r, JWT_ALGORITHMS));
  const issuer = s.raw('JWT_ISSUER') ?? 'tokengate';
  const audience = s.raw('JWT_AUDIENCE') ?? 'tokengate';
  if (algorithm === 'HS256') {
    if (s.raw('JWT_PREVIOUS_PUBLIC_KEY_FILES')) s.fail('JWT_PREVIOUS_PUBLIC_KEY_FILES', 'only with RS256/ES256; with HS256 use JWT_SECRET_PREVIOUS');
    const generated = s.exact('JWT_SECRET') === undefined && !ctx.production;
    const secret = readSecret(s, ctx);
    const previousSecrets = [...readPreviousSecrets(s), ...(generated ? s.attempt('JWT_SECRET', () => loadPreviousSecrets(ctx.dataDir), []) : [])];
    const generatedSecretFile = generated ? join(ctx.dataDir, SECRET_FILE_NAME) : null;
    return { algorithm, secret, previousSecrets, generatedSecretFile, privateKeyPem: null, publicKeyPem: null, previousPublicKeyPems: [], issuer, audience };
  }
  if (s.raw('JWT_SECRET_PREVIOUS')) s.fail('JWT_SECRET_PREVIOUS', `only with HS256; with ${algorithm} use JWT_PREVIOUS_PUBLIC_KEY_FILES`);
  const keys = readKeyPair(s, algorithm, ctx.cwd);
  const previousPublicKeyPems = readPreviousPublicKeys(s, algorithm, ctx.cwd);
  return { algorithm, secret: null, previousSecrets: [], generatedSecretFile: null, ...keys, previousPublicKeyPems, issuer, audience };
}

/** `JWT_SECRET_PREVIOUS`: comma-separated secrets that verify, never sign; each as strict as `JWT_SECRET`. */
function readPreviousSecrets(s: SettingReader): Buffer[] {
  return s.get('JWT_SECRET_PREVIOUS', [], (raw) => list(raw).map((item, i) => prefixed(`secret ${i + 1}`, () => parseJwtSecret(item))));
}

/** `JWT_PREVIOUS_PUBLIC_KEY_FILES`: comma-separated PEM public keys (or private keys, reduced) of the same algorithm. */
function readPreviousPublicKeys(s: SettingReader, algorithm: AsymmetricAlgorithm, cwd: string): string[] {
  return s.get('JWT_PREVIOUS_PUBLIC_KEY_FILES', [], (raw) => list(raw).map((file) => readPublicKeyPem(resolve(cwd, file), algorithm)));
}

const list = (raw: string): string[] => raw.split(',').map((item) => item.trim()).filter((item) => item !== '');

function prefixed<T>(what: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).message}`);
  }
}

function readSecret(s: SettingReader, ctx: Context): Buffer | null {
  const given = s.exact('JWT_SECRET');
  if (given !== undefined) {
    return s.attempt('JWT_SECRET', () => {
      const secret = parseJwtSecret(given);
      // Anyone with the repository or the docs could sign tokens for any user and role.
      const weak = ctx.production ? weakSecretProblem(given) : null;
      if (weak) throw new Error(`${weak} (refused in production)`);
      return secret;
    }, null);
  }
  if (ctx.production) {
    s.fail('JWT_SECRET', 'required in production with HS256 (at least 32 bytes; e.g. openssl rand -base64 48)');
    return null;
  }
  return s.attempt('JWT_SECRET', () => loadOrCreateJwtSecret(ctx.dataDir), null);
}

function readKeyPair(s: SettingReader, algorithm: AsymmetricAlgorithm, cwd: string) {
  const read = (name: string, reader: (file: string, alg: AsymmetricAlgorithm) => string): string | null => {
    const file = s.raw(name);
    if (file === undefined) {
      s.fail(name, `required when JWT_ALGORITHM is ${algorithm} (path to a PEM file)`);
      return null;
    }
    return s.attempt(name, () => reader(resolve(cwd, file), algorithm), null);
  };
  const privateKeyPem = read('JWT_PRIVATE_KEY_FILE', readPrivateKeyPem);
  const publicKeyPem = read('JWT_PUBLIC_KEY_FILE', readPublicKeyPem);
  if (privateKeyPem && publicKeyPem && !isKeyPair(privateKeyPem, publicKeyPem)) {
    s.fail('JWT_PUBLIC_KEY_FILE', 'is not the public half of JWT_PRIVATE_KEY_FILE');
  }
  return { privateKeyPem, publicKeyPem };
}
