import type { Page } from 'playwright-core';
import type { Client } from '../../client/src/types';

/** What the test reads in a page: the demo page's `window.tokengate`, or a client the page made. */
export interface PageGlobals {
  tokengate: Client;
  createClient?: (options: { prefix?: string; mode?: 'cookie' | 'header' }) => Client;
  __codes?: string[];
}

export interface TestUser {
  name: string;
  password: string;
}

/** Opens `path` (a protected page), signs in on the login page it leads to, and waits for the demo page's client to know the session. */
export async function logInWithForm(page: Page, origin: string, path: string, user: TestUser): Promise<void> {
  await page.goto(`${origin}${path}`);
  await page.fill('#username', user.name);
  await page.fill('#password', user.password);
  await Promise.all([page.waitForURL(`${origin}${path}`), page.click('button[type=submit]')]);
  await demoClientReady(page);
}

/** Opens the demo page at `path` in a signed-in context and waits for its client. */
export async function openDemoPage(page: Page, origin: string, path: string): Promise<void> {
  await page.goto(`${origin}${path}`);
  await demoClientReady(page);
}

async function demoClientReady(page: Page): Promise<void> {
  await page.waitForFunction(() => (globalThis as unknown as { document: { getElementById(id: string): { textContent: string } | null } }).document.getElementById('session')?.textContent !== '…', undefined, { timeout: 20_000 });
}

export interface LoopResult {
  statuses: number[];
  unauthenticated: string[];
}

/** In the page: `tokengate.fetch(path)` every `everyMs` for `forMs` (not waiting for answers), then every status. */
export function requestEvery(page: Page, path: string, everyMs: number, forMs: number): Promise<LoopResult> {
  return page.evaluate(
    async ([path, everyMs, forMs]) => {
      const tg = (globalThis as unknown as PageGlobals).tokengate;
      const unauthenticated: string[] = [];
      tg.on('unauthenticated', (e) => {
        unauthenticated.push(e.code);
        e.preventDefault();
      });
      const pending: Promise<number>[] = [];
      const start = performance.now();
      for (let k = 0; k * everyMs < forMs; k++) {
        const wait = start + k * everyMs - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        pending.push(tg.fetch(`${path}?k=${k}`).then((r) => r.status, () => 0));
      }
      return { statuses: await Promise.all(pending), unauthenticated };
    },
    [path, everyMs, forMs] as const,
  );
}
