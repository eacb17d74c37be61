import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
let project: string;

/** A one-file TypeScript project that builds with the real scripts/ensure-build.js and compiler. */
function makeProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tokengate-build-'));
  mkdirSync(join(dir, 'scripts'));
  mkdirSync(join(dir, 'src'));
  copyFileSync(join(root, 'scripts/ensure-build.js'), join(dir, 'scripts/ensure-build.js'));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, types: [] } }));
  writeFileSync(join(dir, 'tsconfig.build.json'), JSON.stringify({ extends: './tsconfig.json', compilerOptions: { outDir: 'dist', rootDir: '.' }, include: ['src'] }));
  writeSource(dir, 'v1');
  return dir;
}

function writeSource(dir: string, version: string): void {
  writeFileSync(join(dir, 'src/main.ts'), `const version: string = '${version}';\nconsole.log('main ' + version);\n`);
  writeFileSync(join(dir, 'src/cli.ts'), `console.log('cli ${version}');\n`);
}

/** `node -r ./scripts/ensure-build.js dist/src/main.js`, as `npm start` runs it. */
function start(dir: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['-r', './scripts/ensure-build.js', 'dist/src/main.js'], { cwd: dir });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('close', (code) => done({ code, out, err }));
  });
}

const compilations = (runs: { err: string }[]) => runs.filter((r) => /compiling/.test(r.err)).length;

beforeEach(() => {
  project = makeProject();
});
afterEach(() => rmSync(project, { recursive: true, force: true }));

describe('build at install and when sources change, never on every start', () => {
  it('six parallel first starts compile once and all run the build', async () => {
    const runs = await Promise.all(Array.from({ length: 6 }, () => start(project)));
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(runs.map((r) => r.out.trim())).toEqual(Array(6).fill('main v1'));
    expect(compilations(runs)).toBe(1);
    expect(existsSync(join(project, '.build.lock'))).toBe(false);
  }, 90_000);

  it('an unchanged checkout starts without compiling; a changed source is compiled on the next start', async () => {
    expect(compilations([await start(project)])).toBe(1);
    const again = await start(project);
    expect(again).toMatchObject({ code: 0, err: '' });
    expect(again.out.trim()).toBe('main v1');
    writeSource(project, 'v2');
    const changed = await start(project);
    expect(changed.err).toContain('sources changed since the last build');
    expect(changed.out.trim()).toBe('main v2');
    expect(compilations(await Promise.all([start(project), start(project)]))).toBe(0);
  }, 90_000);

  it('takes over the lock of a build process that died', async () => {
    mkdirSync(join(project, '.build.lock'));
    writeFileSync(join(project, '.build.lock/pid'), '2147483646');
    const run = await start(project);
    expect(run.code).toBe(0);
    expect(run.out.trim()).toBe('main v1');
  }, 60_000);

  it('a compile error stops the start with a clear line and leaves no stamp, so the next start tries again', async () => {
    writeFileSync(join(project, 'src/main.ts'), `const n: number = 'not a number';\n`);
    const broken = await start(project);
    expect(broken.code).toBe(1);
    expect(broken.err).toContain('tokengate: compiling failed');
    expect(existsSync(join(project, 'dist/.build-stamp'))).toBe(false);
    writeSource(project, 'v3');
    expect((await start(project)).out.trim()).toBe('main v3');
  }, 60_000);
});
