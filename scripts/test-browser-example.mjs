// `npm run test:example`: type-checks and builds examples/browser with Vite, serves the built files
// on 127.0.0.1, opens them in Chromium against a reference server (from dist/testing: run
// `npm run build` first), waits for the Crewship run to complete and checks the page as a person
// would see it: the badge goes from running to completed, ten events are listed, the progress bar
// is full; then run_failed ends with a failed badge. Saves screenshots to
// test-results/browser-example.png and browser-example-failed.png. Bounded: 60 s in all.
/* global document -- the page functions below run in Chromium */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import assert from 'node:assert/strict';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'vite';
import { browserScript, launchChromium, watchedPage } from '../test/runtimes/chromium.mjs';
import { serveDir } from '../test/runtimes/serve.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const example = join(root, 'examples', 'browser');
const screenshot = join(root, 'test-results', 'browser-example.png');
const STEP_TIMEOUT = 20_000;

const started = Date.now();
browserScript('browser example test', 60);
if (!existsSync(join(root, 'dist', 'testing', 'index.js'))) throw new Error('dist/testing/index.js is missing: run `npm run build` first');

execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', example], { stdio: 'inherit' });
await build({ configFile: join(example, 'vite.config.ts'), logLevel: 'warn' });
console.log(`built ${relative(root, join(example, 'dist'))} with Vite`);

const { startReferenceServer } = await import(pathToFileURL(join(root, 'dist', 'testing', 'index.js')).href);
// 120 ms between events: slow enough to see the run live (and to catch the badge at "running").
const reference = await startReferenceServer({ eventDelay: 120 });
const site = await serveDir(join(example, 'dist'));
const browser = await launchChromium();
try {
  const { page, problems } = await watchedPage(browser.context);

  const url = `${site.url}/?server=${encodeURIComponent(reference.url)}`;
  await page.goto(url);
  const badge = page.locator('#status');
  await page.waitForFunction(() => document.querySelector('#status')?.textContent === 'running', undefined, { timeout: STEP_TIMEOUT, polling: 20 });
  await page.waitForFunction(() => document.querySelector('#status')?.textContent === 'completed', undefined, { timeout: STEP_TIMEOUT, polling: 50 });
  await page.locator('#again').waitFor({ state: 'visible', timeout: STEP_TIMEOUT });

  const items = page.locator('#events li');
  const types = await items.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-type')));
  assert.equal(await badge.textContent(), 'completed', 'badge');
  assert.deepEqual(types, ['run.started', 'log', 'agent.started', 'tool.called', 'tool.result', 'agent.completed', 'agent.started', 'agent.completed', 'artifact', 'run.completed']);
  assert.equal(await page.locator('#event-count').textContent(), '10', 'event count');
  assert.equal(await page.locator('#last-event-id').textContent(), 'evt_010', 'Last-Event-ID');
  assert.equal(await page.locator('#progress-fill').evaluate((node) => node.style.width), '100%', 'progress bar');
  assert.match(await page.locator('#progress-text').textContent(), /All 2 agent tasks done/);
  assert.match(await items.nth(4).textContent(), /“Agentic AI in 2024”/, 'UTF-8 text in the event list');
  assert.match(await page.locator('#result').textContent(), /report\.md/, 'result');
  assert.deepEqual(problems, [], 'no page or console errors');
  // The request carried the Bearer key (EventSource cannot) after a CORS preflight.
  const requests = reference.requests.filter((request) => request.path === '/v1/runs/run_abc123/events');
  assert.deepEqual(requests.map((request) => request.method), ['OPTIONS', 'GET'], 'preflight, then the stream');
  assert.equal(requests[1].headers.authorization, '***');

  // Let the bar's width transition finish before the picture.
  await page.waitForFunction(
    () => {
      const fill = document.querySelector('#progress-fill');
      return fill && fill.parentElement && fill.getBoundingClientRect().width >= fill.parentElement.getBoundingClientRect().width - 0.5;
    },
    undefined,
    { timeout: STEP_TIMEOUT },
  );
  mkdirSync(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });

  // A failed run: the badge says so and the list ends at run.failed.
  await page.goto(`${site.url}/?server=${encodeURIComponent(reference.url)}&run=run_failed`);
  await page.waitForFunction(() => document.querySelector('#status')?.textContent === 'failed', undefined, { timeout: STEP_TIMEOUT, polling: 50 });
  await page.locator('#again').waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  const failedTypes = await items.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-type')));
  assert.deepEqual(failedTypes, ['run.started', 'agent.started', 'tool.called', 'tool.error', 'agent.error', 'run.failed']);
  assert.match(await page.locator('#result').textContent(), /Error: Agent Researcher failed/);
  await page.waitForTimeout(300); // the bar's width transition
  await page.screenshot({ path: screenshot.replace(/\.png$/, '-failed.png'), fullPage: true });
  assert.deepEqual(problems, [], 'no page or console errors');

  console.log(
    `browser example ok in Chromium ${browser.version}: run_abc123 badge completed, ${types.length} events, progress 100%; ` +
      `run_failed badge failed, ${failedTypes.length} events (${((Date.now() - started) / 1000).toFixed(1)} s); screenshots ${relative(root, dirname(screenshot))}/browser-example*.png`,
  );
} finally {
  await browser.close();
  await site.close();
  await reference.close();
}
