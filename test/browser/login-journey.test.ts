import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Cookie, Page } from 'playwright-core';
import { describeWithChromium, launchChromium } from '../support/browser-chromium';
import { BrowserGateway } from '../support/browser-gateway';

const ARTIFACTS = resolve(__dirname, '../../test-artifacts');
const SCREENSHOT = join(ARTIFACTS, 'login-page.png');
const ACCESS_TTL = 60;
const CLOCK_SKEW = 5;
const USER = { name: 'alice', password: 'correct horse battery staple' };

jest.setTimeout(90_000);

const jwtExp = (token: string): number => (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { exp: number }).exp;

describeWithChromium('a browser logs in, stays logged in past the access token, and logs out', () => {
  let gw: BrowserGateway;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  const cookie = async (name: string): Promise<Cookie | undefined> => (await context.cookies(gw.origin)).find((c) => c.name === name);
  const path = (): string => {
    const url = new URL(page.url());
    return url.pathname + url.search;
  };

  beforeAll(async () => {
    gw = await BrowserGateway.start({ ACCESS_TOKEN_TTL: `${ACCESS_TTL}s`, CLOCK_SKEW: `${CLOCK_SKEW}s` });
    await gw.addUser(USER.name, USER.password);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1024, height: 720 } });
    page = await context.newPage();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await gw?.stop();
  });

  it('opens a protected page and lands on the login page, which keeps where it came from', async () => {
    await page.goto(`${gw.origin}/reports?year=2024`);
    expect(path()).toBe(`/auth/login?rd=${encodeURIComponent('/reports?year=2024')}`);
    await expect(page.title()).resolves.toBe('Sign in · tokengate');
    await expect(page.locator('input[name=rd]').inputValue()).resolves.toBe('/reports?year=2024');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT) && statSync(SCREENSHOT).size).toBeGreaterThan(1000);
  });

  it('shows the form again, with the error and the username kept, after a wrong password', async () => {
    await page.fill('#username', USER.name);
    await page.fill('#password', 'wrong password');
    const [answer] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    expect(answer?.status()).toBe(401);
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/\S/);
    await expect(page.locator('#username').inputValue()).resolves.toBe(USER.name);
    await expect(page.locator('input[name=rd]').inputValue()).resolves.toBe('/reports?year=2024');
    await page.screenshot({ path: join(ARTIFACTS, 'login-error.png'), fullPage: true });
  });

  it('logs in with the form and comes back to the page, with HttpOnly token cookies', async () => {
    await page.fill('#username', USER.name);
    await page.fill('#password', USER.password);
    await Promise.all([page.waitForURL(`${gw.origin}/reports?year=2024`), page.click('button[type=submit]')]);
    await expect(page.locator('h1').textContent()).resolves.toBe(`Hello, ${USER.name}`);
    const access = await cookie('access_token');
    const refresh = await cookie('refresh_token');
    expect(access).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(refresh).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
  });

  it('past the access token lifetime, a reload still shows the page and a new access cookie was set', async () => {
    const before = (await cookie('access_token'))!.value;
    const refreshBefore = (await cookie('refresh_token'))!.value;
    gw.clock.advance(ACCESS_TTL + CLOCK_SKEW + 1);
    expect(jwtExp(before) * 1000).toBeLessThan(gw.clock.now());
    const reload = await page.reload();
    expect(reload?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toBe(`Hello, ${USER.name}`);
    expect(path()).toBe('/reports?year=2024');
    const after = (await cookie('access_token'))!.value;
    expect(after).not.toBe(before);
    expect(jwtExp(after) * 1000).toBeGreaterThan(gw.clock.now());
    expect((await cookie('refresh_token'))!.value).not.toBe(refreshBefore);
  });

  it('logs out with the page\'s form; the page then sends the browser to the login page again', async () => {
    await Promise.all([page.waitForURL(/\/auth\/login\?/), page.click('button:has-text("Log out")')]);
    expect(path()).toBe(`/auth/login?rd=${encodeURIComponent('/')}`);
    expect(await cookie('access_token')).toBeUndefined();
    expect(await cookie('refresh_token')).toBeUndefined();
    await page.goto(`${gw.origin}/reports?year=2024`);
    expect(path()).toBe(`/auth/login?rd=${encodeURIComponent('/reports?year=2024')}`);
  });
});
