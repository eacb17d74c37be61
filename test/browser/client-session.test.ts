import type { Browser, BrowserContext, Page } from 'playwright-core';
import { adminDeps, runAdminCommand } from '../../src/container';
import { describeWithChromium, launchChromium } from '../support/browser-chromium';
import { logInWithForm, openDemoPage, type PageGlobals } from '../support/browser-client';
import { BrowserGateway } from '../support/browser-gateway';
import { ensureClientBuilt } from '../support/client-build';

const USERS = {
  header: { name: 'hana', password: 'header mode password' },
  logout: { name: 'lou', password: 'logout tabs password' },
  revoked: { name: 'rex', password: 'revoked session pw 1' },
};
/** A single-page app on the gateway's origin that loads the client itself (no demo page, no cookies). */
const SPA = '<!doctype html><title>spa</title><script type="module">import { createClient } from "/auth/client.js"; window.createClient = createClient;</script>';

jest.setTimeout(120_000);

type Storage = { length: number; key(i: number): string | null; getItem(k: string): string | null };
type Doc = { cookie: string };

describeWithChromium('the browser client: header mode, logout in another tab, a revoked session', () => {
  let gw: BrowserGateway;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const newContext = async (): Promise<BrowserContext> => {
    const context = await browser.newContext();
    contexts.push(context);
    return context;
  };

  beforeAll(async () => {
    ensureClientBuilt();
    gw = await BrowserGateway.start({ ACCESS_TOKEN_TTL: '2s', REFRESH_ROTATION: 'always' }, { flowingClock: true });
    for (const u of Object.values(USERS)) await gw.addUser(u.name, u.password);
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await gw?.stop();
  });

  it('header mode: tokens stay in memory (never in localStorage, sessionStorage or cookies, nor sent to another origin), refresh before expiry, and reach a second tab', async () => {
    const context = await newContext();
    await context.route(`${gw.origin}/spa*`, (route) => route.fulfill({ contentType: 'text/html', body: SPA }));
    const tokens = new Set<string>();
    context.on('response', async (res) => {
      if (/\/auth\/(login|refresh)$/.test(new URL(res.url()).pathname) && res.ok()) {
        // A background refresh may still be answering when its page closes: its body is then
        // gone ("Target page, context or browser has been closed"). The count below still
        // demands every token this test needs.
        const body = (await res.json().catch(() => null)) as { accessToken: string; refreshToken: string } | null;
        if (body) tokens.add(body.accessToken).add(body.refreshToken);
      }
    });
    const open = async (page: Page): Promise<void> => {
      await page.goto(`${gw.origin}/spa`);
      await page.waitForFunction(() => typeof (globalThis as unknown as PageGlobals).createClient === 'function');
      await page.evaluate(() => {
        const g = (globalThis as unknown as PageGlobals);
        g.tokengate = (g.createClient as NonNullable<typeof g.createClient>)({ mode: 'header' });
      });
    };
    const one = await context.newPage();
    await open(one);
    await one.evaluate(([u, p]) => (globalThis as unknown as PageGlobals).tokengate.login(u, p), [USERS.header.name, USERS.header.password] as const);
    const whoami = () => one.evaluate(async () => (await (await (globalThis as unknown as PageGlobals).tokengate.fetch('/api/who')).json()) as { userName: string });
    await expect(whoami()).resolves.toMatchObject({ userName: USERS.header.name });
    await one.waitForTimeout(3_500);
    await expect(whoami()).resolves.toMatchObject({ userName: USERS.header.name });
    expect(tokens.size).toBeGreaterThanOrEqual(4);

    const thirdParty: Record<string, string>[] = [];
    await context.route('http://third-party.test/**', (route) => {
      thirdParty.push(route.request().headers());
      return route.fulfill({ status: 200, body: 'ok', headers: { 'access-control-allow-origin': '*' } });
    });
    await one.evaluate(() => (globalThis as unknown as PageGlobals).tokengate.fetch('http://third-party.test/x').then(() => undefined, () => undefined));
    expect(thirdParty.length).toBeGreaterThan(0);
    // Neither the request nor a CORS preflight announcing one may carry the token.
    for (const headers of thirdParty) expect(`${headers.authorization ?? ''} ${headers['access-control-request-headers'] ?? ''}`).not.toMatch(/authorization|bearer/i);

    const two = await context.newPage();
    await open(two);
    const status = await two.evaluate(async () => (await (globalThis as unknown as PageGlobals).tokengate.fetch('/api/second-tab')).status);
    expect(status).toBe(200);

    for (const page of [one, two]) {
      const kept = await page.evaluate(() => {
        const g = globalThis as unknown as { localStorage: Storage; sessionStorage: Storage; document: Doc };
        const dump = (s: Storage) => Array.from({ length: s.length }, (_, i) => `${s.key(i)}=${s.getItem(s.key(i) ?? '')}`).join('\n');
        return [dump(g.localStorage), dump(g.sessionStorage), g.document.cookie].join('\n');
      });
      for (const token of tokens) expect(kept).not.toContain(token);
    }
    expect(await context.cookies()).toEqual([]);
  });

  it('the demo page shows the session and the time left; logout in one tab: the other tab’s next request emits unauthenticated and lands on the login page, which leads back after logging in', async () => {
    const context = await newContext();
    const [one, two] = [await context.newPage(), await context.newPage()];
    await logInWithForm(one, gw.origin, '/app/one', USERS.logout);
    await openDemoPage(two, gw.origin, '/app/two?tab=2');
    await expect(two.locator('#session').textContent()).resolves.toMatch(new RegExp(`^${USERS.logout.name} \\(session \\S+\\)$`));
    await two.waitForFunction(() => /^\d+ s left/.test((globalThis as unknown as { document: { getElementById(id: string): { textContent: string } } }).document.getElementById('remaining').textContent));
    const codes: string[] = [];
    await two.exposeFunction('reportUnauthenticated', (code: string) => codes.push(code));
    await two.evaluate(() => {
      const g = globalThis as unknown as { reportUnauthenticated(code: string): void };
      (globalThis as unknown as PageGlobals).tokengate.on('unauthenticated', (e) => g.reportUnauthenticated(e.code));
    });

    await Promise.all([one.waitForURL(/\/auth\/login\?rd=/), one.click('#everywhere')]);
    await Promise.all([
      two.waitForURL(`${gw.origin}/auth/login?rd=${encodeURIComponent('/app/two?tab=2')}`),
      two.evaluate(() => void (globalThis as unknown as PageGlobals).tokengate.fetch('/api/after-logout')),
    ]);
    expect(codes).toEqual(['login_required']);

    await two.fill('#username', USERS.logout.name);
    await two.fill('#password', USERS.logout.password);
    await Promise.all([two.waitForURL(`${gw.origin}/app/two?tab=2`), two.click('button[type=submit]')]);
    await expect(two.locator('h1').textContent()).resolves.toBe(`Hello, ${USERS.logout.name}`);
  });

  it('a session revoked with `tokengate session revoke` is noticed on the next request, with no retry and no refresh after it', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await logInWithForm(page, gw.origin, '/app/revoked', USERS.revoked);
    const sid = await page.evaluate(async () => (await (globalThis as unknown as PageGlobals).tokengate.me()).sid);
    const seen: string[] = [];
    page.on('request', (req) => {
      const path = new URL(req.url()).pathname;
      if (path === '/api/after-revoke' || path === '/auth/refresh') seen.push(path);
    });
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l), readPassword: () => Promise.reject(new Error('no password')), readLine: () => Promise.reject(new Error('no input')) };
    await runAdminCommand(['session', 'revoke', sid], adminDeps(gw.comp.container), io);
    expect(lines).toEqual([`revoked session ${sid}`]);

    const answer = await page.evaluate(async () => {
      const codes: string[] = [];
      (globalThis as unknown as PageGlobals).tokengate.on('unauthenticated', (e) => {
        codes.push(e.code);
        e.preventDefault();
      });
      const res = await (globalThis as unknown as PageGlobals).tokengate.fetch('/api/after-revoke');
      return { status: res.status, codes };
    });
    expect(answer).toEqual({ status: 401, codes: ['token_revoked'] });
    await page.waitForTimeout(3_000);
    expect(seen).toEqual(['/api/after-revoke']);
  });
});
