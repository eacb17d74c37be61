import { resolve } from 'node:path';
import type { Config, JwtAlgorithm } from '../../config';
import type { SettingReader } from '../system/setting-reader';
import { parseChoice } from '../system/setting-parsers';
import { loadOrCreateJwtSecret, parseJwtSecret } from './jwt-secret-file';
import { weakSecretProblem } from './secret-strength';
import { isKeyPair, readPrivateKeyPem, readPublicKeyPem, type AsymmetricAlgorithm } from './pem-keys';

export const JWT_ALGORITHMS: readonly JwtAlgorithm[] = ['HS256', 'RS256', 'ES256'];

interface Context {
  production: boolean;
  dataDir: string;
  cwd: string;
}

/** The `jwt` part of the config: algorithm, key material, issuer and audience. */
export function readJwtSettings(s: SettingReader, ctx: Context): Config['jwt'] {
  const algorithm = s.get('JWT_ALGORITHM', 'HS256' as JwtAlgorithm, (r) => parseChoice(r, JWT_ALGORITHMS));
  const issuer = s.raw('JWT_ISSUER') ?? 'tokengate';
  const audience = s.raw('JWT_AUDIENCE') ?? 'tokengate';
  if (algorithm === 'HS256') {
    return { algorithm, secret: readSecret(s, ctx), privateKeyPem: null, publicKeyPem: null, issuer, audience };
  }
  const keys = readKeyPair(s, algorithm, ctx.cwd);
  return { algorithm, secret: null, ...keys, issuer, audience };
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
