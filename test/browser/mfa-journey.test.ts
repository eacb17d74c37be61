import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describeWithChromium, launchChromium } from '../support/browser-chromium';
import { BrowserGateway } from '../support/browser-gateway';
import { codeAt } from '../support/e2e-totp';

const USER = { name: 'bob', password: 'correct horse battery staple' };
const claims = (token: string): Record<string, unknown> => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;

jest.setTimeout(90_000);

describeWithChromium('a browser sets up a second factor, then logs in with password and code back to rd', () => {
  let gw: BrowserGateway;
  let browser: Browser;
  let secret = '';

  const fresh = async (): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 720 } });
    return { context, page: await context.newPage() };
  };

  beforeAll(async () => {
    gw = await BrowserGateway.start({});
    await gw.addUser(USER.name, USER.password);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
  });

  it('enrols on <prefix>/2fa: QR code as inline SVG, one code, ten recovery codes', async () => {
    const { context, page } = await fresh();
    await page.goto(`${gw.origin}/auth/2fa`);
    expect(new URL(page.url()).pathname).toBe('/auth/login');
    await page.fill('#username', USER.name);
    await page.fill('#password', USER.password);
    await Promise.all([page.waitForURL(`${gw.origin}/auth/2fa`), page.click('button[type=submit]')]);
    await expect(page.title()).resolves.toBe('Set up two-factor sign-in · tokengate');
    await expect(page.locator('figure svg').count()).resolves.toBe(1);
    secret = (await page.locator('#totp-secret').textContent()) ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await page.fill('#code', codeAt(secret, gw.clock.now()));
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    await expect(page.locator('#recovery-codes li').count()).resolves.toBe(10);
    await context.close();
  });

  it('password, then the code page (rd kept), then back to the page it came from with amr pwd+otp', async () => {
    gw.clock.advance(30);
    const { context, page } = await fresh();
    await page.goto(`${gw.origin}/reports?year=2024`);
    await page.fill('#username', USER.name);
    await page.fill('#password', USER.password);
    const [step] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    expect(step?.status()).toBe(401);
    await expect(page.title()).resolves.toBe('Verification code · tokengate');
    await expect(page.locator('input[name=rd]').inputValue()).resolves.toBe('/reports?year=2024');
    await page.fill('#code', '000000' === codeAt(secret, gw.clock.now()) ? '111111' : '000000');
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Invalid code');
    await page.fill('#code', codeAt(secret, gw.clock.now()));
    await Promise.all([page.waitForURL(`${gw.origin}/reports?year=2024`), page.click('button[type=submit]')]);
    await expect(page.locator('h1').textContent()).resolves.toBe(`Hello, ${USER.name}`);
    const access = (await context.cookies(gw.origin)).find((c) => c.name === 'access_token');
    expect(claims(access?.value ?? '')).toMatchObject({ amr: ['pwd', 'otp'] });
    await context.close();
  });
});
