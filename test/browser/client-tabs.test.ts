import type { Browser, BrowserContext } from 'playwright-core';
import { describeWithChromium, launchChromium } from '../support/browser-chromium';
import { logInWithForm, openDemoPage, requestEvery, type LoopResult } from '../support/browser-client';
import { BrowserGateway } from '../support/browser-gateway';
import { ensureClientBuilt } from '../support/client-build';

const TTL_SECONDS = 2;
const ALICE = { name: 'alice', password: 'two tabs password 1' };
const BOB = { name: 'bob', password: 'no locks password 1' };

jest.setTimeout(180_000);

/** Rotations of refresh tokens so far: reissues, less the grace hits (which hand out the current token, rotating nothing). */
const rotations = (gw: BrowserGateway): Promise<number> =>
  Promise.all([gw.gateOutcomes('access_reissued', 'refresh_reissued'), gw.gateOutcomes('grace_hit')]).then(([reissued, grace]) => reissued - grace);

const statusCounts = (results: LoopResult[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const s of results.flatMap((r) => r.statuses)) counts[s] = (counts[s] ?? 0) + 1;
  return counts;
};

/**
 * SPEC §11 in a real Chromium against a real gateway whose access tokens live 2 s and whose
 * refresh tokens rotate on every use: two tabs of one origin share one session and one
 * refresh per access-token lifetime.
 */
describeWithChromium('the browser client keeps two tabs signed in with one refresh at a time', () => {
  let gw: BrowserGateway;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    ensureClientBuilt();
    gw = await BrowserGateway.start({ ACCESS_TOKEN_TTL: `${TTL_SECONDS}s`, REFRESH_ROTATION: 'always' }, { flowingClock: true });
    await gw.addUser(ALICE.name, ALICE.password);
    await gw.addUser(BOB.name, BOB.password);
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await gw?.stop();
  });

  it('two tabs, a request every 200 ms for 20 s: no 401 reaches the page, and one rotation per token lifetime, not one per tab', async () => {
    const context = await browser.newContext();
    contexts.push(context);
    const [one, two] = [await context.newPage(), await context.newPage()];
    await logInWithForm(one, gw.origin, '/app/one', ALICE);
    await openDemoPage(two, gw.origin, '/app/two');
    const before = await rotations(gw);
    const seconds = 20;
    const results = await Promise.all([requestEvery(one, '/api/one', 200, seconds * 1000), requestEvery(two, '/api/two', 200, seconds * 1000)]);
    const rotated = (await rotations(gw)) - before;

    expect(statusCounts(results)).toEqual({ 200: 2 * 5 * seconds });
    expect(results.flatMap((r) => r.unauthenticated)).toEqual([]);
    // Refreshing at 3/4 of a 2 s life gives about 13 rotations in 20 s for the session; two
    // tabs refreshing each for itself would give twice that.
    const perLifetime = seconds / (TTL_SECONDS * 0.75);
    expect(rotated).toBeGreaterThanOrEqual(Math.floor(seconds / TTL_SECONDS) - 2);
    expect(rotated).toBeLessThanOrEqual(Math.ceil(perLifetime) + 3);
  });

  it('without Web Locks (navigator.locks removed) two tabs still never see a 401', async () => {
    const context = await browser.newContext();
    contexts.push(context);
    await context.addInitScript(() => {
      delete (globalThis as unknown as { Navigator: { prototype: { locks?: unknown } } }).Navigator.prototype.locks;
    });
    const [one, two] = [await context.newPage(), await context.newPage()];
    await logInWithForm(one, gw.origin, '/app/one', BOB);
    await openDemoPage(two, gw.origin, '/app/two');
    await expect(one.evaluate(() => 'locks' in (globalThis as unknown as { navigator: object }).navigator)).resolves.toBe(false);
    const results = await Promise.all([requestEvery(one, '/api/one', 200, 8000), requestEvery(two, '/api/two', 200, 8000)]);
    expect(statusCounts(results)).toEqual({ 200: 2 * 40 });
    expect(results.flatMap((r) => r.unauthenticated)).toEqual([]);
  });
});
