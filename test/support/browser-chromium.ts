import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium: CI installs it; no browser is ever downloaded. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const onCi = (): boolean => /^(1|true)$/i.test(process.env.CI ?? '');

/**
 * `describe` when Chromium is installed. Without it the block fails under `CI=true`
 * (CI must have a browser) and is skipped with a warning elsewhere.
 */
export function describeWithChromium(title: string, body: () => void): void {
  if (existsSync(CHROMIUM_PATH)) {
    describe(title, body);
  } else if (onCi()) {
    describe(title, () => {
      it(`needs Chromium at ${CHROMIUM_PATH}`, () => {
        throw new Error(`no Chromium at ${CHROMIUM_PATH}: .ci/run must install it (apt-get install -y chromium)`);
      });
    });
  } else {
    console.warn(`skipping "${title}": no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`);
    describe.skip(title, body);
  }
}

/** A headless Chromium with a fresh temporary profile. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
}
