/**
 * Launches Debian's Chromium (/usr/bin/chromium) through playwright-core, headless, with a new
 * empty profile and no background networking (this machine's network is closed; Chromium's
 * background connections would only be refused). `npx playwright install` cannot download a
 * browser here, so the system one is used.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.RUNSTREAM_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

/** Whether the Chromium binary is installed. */
export function chromiumInstalled() {
  return existsSync(CHROMIUM);
}

/**
 * Starts Chromium with a fresh profile; `close()` ends it and deletes the profile.
 * @returns {Promise<{ context: import('playwright-core').BrowserContext, version: string, close: () => Promise<void> }>}
 */
export async function launchChromium({ timeout = 30_000 } = {}) {
  const userDataDir = mkdtempSync(join(tmpdir(), 'runstream-chromium-'));
  // playwright refuses --user-data-dir in args: launchPersistentContext passes it.
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    timeout,
    viewport: { width: 1000, height: 760 },
  });
  const version = context.browser()?.version() ?? (await versionFromPage(context));
  return {
    context,
    version,
    async close() {
      await context.close().catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** @param {import('playwright-core').BrowserContext} context */
async function versionFromPage(context) {
  const page = await context.newPage();
  const agent = await page.evaluate(() => navigator.userAgent);
  await page.close();
  return /Chrome\/([\d.]+)/.exec(agent)?.[1] ?? agent;
}

/**
 * The start of a browser script: it gives up (exit 1, naming `label`) after `seconds`, and fails
 * at once when Chromium is not installed.
 */
export function browserScript(label, seconds) {
  const deadline = setTimeout(() => {
    console.error(`${label}: gave up after ${seconds} s`);
    process.exit(1);
  }, seconds * 1000);
  deadline.unref();
  if (!chromiumInstalled()) throw new Error(`${CHROMIUM} not found: apt-get install chromium`);
}

/**
 * A new page of `context`, and the list its page errors and console errors go to (a browser
 * script asserts the list is empty).
 */
export async function watchedPage(context) {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => message.type() === 'error' && problems.push(`console error: ${message.text()}`));
  return { page, problems };
}
