'use strict';
/**
 * Compiles the TypeScript sources into dist/ only when they changed since the last build.
 *
 * - `node scripts/ensure-build.js` (the `prepare` script: npm install, npm ci, npm pack):
 *   builds when stale; `--force` builds anyway (`npm run build`).
 * - `node -r ./scripts/ensure-build.js dist/src/main.js` (`npm start`, `npm run tokengate`):
 *   the same check, preloaded in the process that then runs the gateway, so an unchanged
 *   checkout pays a few milliseconds (one hash over the sources) and no compiler.
 *
 * Staleness is a SHA-256 over the sources (the gateway's and the browser client's), the tsconfig files and the TypeScript version,
 * kept in dist/.build-stamp once a build succeeds. Concurrent starts take a lock directory
 * (mkdir is atomic) before compiling and look at the stamp again once they hold it, so only
 * one compiler ever writes dist/ and the others run what it built.
 * Plain CommonJS with no dependencies: it must run before anything is compiled.
 */
const { execFileSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const stampFile = path.join(root, 'dist', '.build-stamp');
const lockDir = path.join(root, '.build.lock');
const INPUT_DIRS = ['src', 'client'];
const INPUT_FILES = ['knexfile.ts', 'tsconfig.json', 'tsconfig.build.json'];
const HAS_CLIENT = fs.existsSync(path.join(root, 'client', 'build.mjs'));
const OUTPUTS = ['dist/src/main.js', 'dist/src/cli.js', ...(HAS_CLIENT ? ['dist/client/client.js'] : [])];
const LOCK_STALE_MS = 10 * 60 * 1000;
const LOCK_WAIT_MS = 5 * 60 * 1000;

function say(line) {
  process.stderr.write(`tokengate: ${line}\n`);
}

function listFiles(dir, out) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) listFiles(full, out);
    else if (e.isFile()) out.push(full);
  }
  return out;
}

function typescriptVersion() {
  try {
    return require(require.resolve('typescript/package.json', { paths: [root] })).version;
  } catch {
    return null;
  }
}

/** The fingerprint of everything a build reads; null when there are no sources (an installed package). */
function fingerprint(tsVersion) {
  const files = [];
  for (const d of INPUT_DIRS) listFiles(path.join(root, d), files);
  if (files.length === 0) return null;
  for (const f of INPUT_FILES) if (fs.existsSync(path.join(root, f))) files.push(path.join(root, f));
  files.sort();
  const h = createHash('sha256').update(`typescript ${tsVersion}\n`);
  for (const f of files) h.update(`${path.relative(root, f)}\n`).update(fs.readFileSync(f)).update('\n');
  return h.digest('hex');
}

function isFresh(stamp) {
  try {
    if (fs.readFileSync(stampFile, 'utf8').trim() !== stamp) return false;
  } catch {
    return false;
  }
  return OUTPUTS.every((f) => fs.existsSync(path.join(root, f)));
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function holderIsGone() {
  try {
    const pid = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
    if (Number.isInteger(pid) && pid > 0) {
      try {
        process.kill(pid, 0);
      } catch (e) {
        if (e.code === 'ESRCH') return true;
      }
    }
    return Date.now() - fs.statSync(lockDir).mtimeMs > LOCK_STALE_MS;
  } catch {
    return false;
  }
}

/** Takes the build lock, waiting for another build to finish; false once that build left `stamp` fresh. */
function lock(stamp) {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let waiting = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      return true;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    if (stamp && isFresh(stamp)) return false;
    if (holderIsGone()) {
      fs.rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another build has held ${lockDir} for too long; remove it if no build is running`);
    if (!waiting) say('another process is building dist/: waiting for it');
    waiting = true;
    sleep(100);
  }
}

function compile(stamp) {
  const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  fs.rmSync(stampFile, { force: true });
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: ['ignore', 2, 2] });
  // The browser client (served at <prefix>/client.js): esbuild, skipped when its output is newer than its sources.
  if (HAS_CLIENT) execFileSync(process.execPath, [path.join(root, 'client', 'build.mjs')], { cwd: root, stdio: ['ignore', 2, 2] });
  fs.writeFileSync(stampFile, `${stamp}\n`);
}

/** Builds dist/ when it is missing or older than the sources. Returns whether it compiled. */
function ensureBuild({ force = false } = {}) {
  const tsVersion = typescriptVersion();
  if (tsVersion === null) {
    // An installed package or a production-only install: run what was built, if anything was.
    if (OUTPUTS.every((f) => fs.existsSync(path.join(root, f)))) return false;
    if (!fs.existsSync(path.join(root, 'src'))) return false;
    throw new Error('dist/ is missing and TypeScript is not installed: run npm install (with dev dependencies), then try again');
  }
  const stamp = fingerprint(tsVersion);
  if (stamp === null) return false;
  if (!force && isFresh(stamp)) return false;
  if (!lock(force ? null : stamp)) return false;
  try {
    if (!force && isFresh(stamp)) return false;
    say(fs.existsSync(stampFile) ? 'sources changed since the last build: compiling into dist/' : 'compiling the TypeScript sources into dist/');
    compile(stamp);
    return true;
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

module.exports = { ensureBuild, fingerprint };

const preloaded = require.main !== module;
try {
  ensureBuild({ force: !preloaded && process.argv.includes('--force') });
} catch (e) {
  say(e && e.status !== undefined ? 'compiling failed (see the compiler output above)' : e instanceof Error ? e.message : String(e));
  process.exit(1);
}
