import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/** Builds the browser client when its output is older than its sources (as `npm run build` does); returns the built file. */
export function ensureClientBuilt(): string {
  execFileSync(process.execPath, [join(ROOT, 'client', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  return join(ROOT, 'dist', 'client', 'client.js');
}
