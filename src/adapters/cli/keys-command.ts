import { dirname } from 'node:path';
import { rotateGeneratedSecret } from '../security/previous-secrets-file';
import type { CliIo } from './cli-io';
import { UsageError } from './commands';

export interface KeysCommandOptions {
  algorithm: string;
  /** The generated secret's file when `JWT_SECRET` is unset; null when the secret comes from the environment. */
  generatedSecretFile: string | null;
  /** A previous secret is dropped once the one that replaced it was retired longer ago than this (refresh token lifetime + clock skew). */
  retainSeconds: number;
  nowMs: number;
}

const BY_HAND =
  'rotate it by hand: make the old key previous (JWT_SECRET_PREVIOUS or JWT_PREVIOUS_PUBLIC_KEY_FILES), set the new one, restart (docs/operations.md, "Rotating signing keys")';

/** `tokengate keys rotate`: the generated development secret becomes previous, a new one signs. */
export function runKeysCommand(args: string[], options: KeysCommandOptions, io: CliIo): void {
  const [action, ...rest] = args;
  if (action !== 'rotate' || rest.length > 0) throw new UsageError(`unknown command "${['keys', ...args].join(' ')}"`);
  if (options.algorithm !== 'HS256') throw new Error(`keys rotate rotates the generated HS256 secret; with ${options.algorithm} ${BY_HAND}`);
  if (!options.generatedSecretFile) throw new Error(`keys rotate rotates the generated secret, but JWT_SECRET is set: ${BY_HAND}`);
  const r = rotateGeneratedSecret(dirname(options.generatedSecretFile), options.nowMs, options.retainSeconds);
  io.out(`rotated the signing secret in ${options.generatedSecretFile}: kid ${r.oldKid} → ${r.newKid}`);
  io.out(`previous secrets kept for verification: ${r.kept}${r.dropped ? ` (${r.dropped} dropped: all their tokens have expired)` : ''}`);
  io.out('restart tokengate to sign with the new secret; tokens signed with the old one stay valid until they expire');
}
