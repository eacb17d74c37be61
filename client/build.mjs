// Builds the browser client: one minified ES module (dist/client/client.js) and its types
// (dist/client/types). Skips the work when the output is newer than every source; writes
// through a temporary file and a rename, so that concurrent builds never serve a torn file.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const out = join(root, 'dist', 'client', 'client.js');
const types = join(root, 'dist', 'client', 'types', 'index.d.ts');
const sources = [join(here, 'tsconfig.json'), join(here, 'build.mjs'), ...readdirSync(join(here, 'src')).map((f) => join(here, 'src', f))];
const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs));
const fresh = (file) => existsSync(file) && statSync(file).mtimeMs >= newest;

if (!fresh(out) || !fresh(types)) {
  // Imported only when there is work: an up-to-date check costs no more than a stat.
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(here, 'src', 'index.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    write: false,
    logLevel: 'warning',
  });
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  writeFileSync(tmp, result.outputFiles[0].contents);
  renameSync(tmp, out);
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const types = spawnSync(process.execPath, [tsc, '-p', join(here, 'tsconfig.json')], { stdio: 'inherit' });
  if (types.status !== 0) process.exit(types.status ?? 1);
}
