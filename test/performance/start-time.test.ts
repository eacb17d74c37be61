import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { measureStartup, median } from '../../bench/startup';

const root = resolve(__dirname, '../..');

beforeAll(() => {
  // What `prepare` does at install: a no-op when dist/ is already up to date.
  execFileSync(process.execPath, [resolve(root, 'scripts/ensure-build.js')], { cwd: root });
}, 180_000);

/**
 * SPEC §9: 1.5 s to /healthz and 1 s a CLI call on an installed, unchanged checkout. The exact
 * figures come from `npm run bench` (docs/performance.md); this shared, loaded CI machine gets
 * generous bounds that a compile on every start (about 5 s here) would still break.
 */
describe('start time of an installed, unchanged checkout', () => {
  it('npm start answers /healthz and npm run tokengate finishes well before a compiler could run (median of 3)', async () => {
    const figures = await measureStartup(root, 3);
    expect(median(figures.startMs)).toBeLessThan(5_000);
    expect(median(figures.cliMs)).toBeLessThan(4_000);
  }, 120_000);
});
