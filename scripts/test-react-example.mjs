// `npm run test:react-example`: type-checks examples/react, builds it with Vite twice (React 19,
// then React 18 through the npm-aliased react-18 and react-dom-18), serves each build together
// with the example's own relay (examples/react/server.ts, in this process) in front of a reference
// server (from dist/testing: run `npm run build` first), and checks in Chromium, for each React:
//   1. the page runs run_abc123 to completion: badge completed, 10 events, progress 100%;
//   2. the relay's upstream connection dropped mid-event: the page still shows every event once;
//   3. a reload mid-run resumes from the persisted id: the relay's upstream request carries it as
//      Last-Event-ID, and the page ends with the 10 events once;
//   4. StrictMode opens ONE upstream request per page load (the request log lines are printed);
//   5. unmounting RunProgress cancels the upstream request (the reference stream: client-closed).
// Saves a screenshot mid-run to test-results/react-example.png. Bounded: 150 s in all.
/* global document -- the page functions below run in Chromium (localStorage too) */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import assert from 'node:assert/strict';
import { dirname, extname, join, normalize, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { build } from 'vite';
import { browserScript, launchChromium, watchedPage } from '../test/runtimes/chromium.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const example = join(root, 'examples', 'react');
const screenshot = join(root, 'test-results', 'react-example.png');
const RUN = 'run_abc123';
const UPSTREAM = `/v1/runs/${RUN}/events`;
const STORAGE_KEY = `runstream-example:${RUN}`;
const TYPES = ['run.started', 'log', 'agent.started', 'tool.called', 'tool.result', 'agent.completed', 'agent.started', 'agent.completed', 'artifact', 'run.completed'];
const IDS = TYPES.map((_, index) => `evt_${String(index + 1).padStart(3, '0')}`);
const STEP_TIMEOUT = 20_000;

const started = Date.now();
browserScript('react example test', 150);
if (!existsSync(join(root, 'dist', 'testing', 'index.js'))) throw new Error('dist/testing/index.js is missing: run `npm run build` first');

execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', example], { stdio: 'inherit' });
const versions = ['19', '18'];
// Development builds: StrictMode's double mount (mount, unmount, mount) happens only there.
process.env.NODE_ENV = 'development';
for (const version of versions) {
  process.env.RUNSTREAM_REACT = version;
  await build({ configFile: join(example, 'vite.config.ts'), mode: 'development', logLevel: 'warn' });
  console.log(`built ${relative(root, join(example, 'dist', version))} with Vite (React ${version}, development build)`);
}
delete process.env.RUNSTREAM_REACT;

// The example's relay itself, as `npm run example:react` runs it (runstream from src/).
const { createRelay } = await tsImport(pathToFileURL(join(example, 'server.ts')).href, { parentURL: import.meta.url, tsconfig: join(example, 'tsconfig.json') });
const { startReferenceServer } = await import(pathToFileURL(join(root, 'dist', 'testing', 'index.js')).href);
// 150 ms between events: a run takes 1.5 s, time enough to reload or unmount mid-run.
const reference = await startReferenceServer({ eventDelay: 150 });
const relay = createRelay({ baseUrl: reference.url, apiKey: 'test-key', allowRun: (runId) => runId === RUN });

const TYPES_BY_EXT = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };
/** The built page and the relay on one origin, as a deployment serves them. */
async function serveSite(dir) {
  const pageRequests = [];
  const server = createServer(async (request, response) => {
    if (request.url?.startsWith('/relay/')) pageRequests.push({ method: request.method, path: request.url, lastEventId: request.headers['last-event-id'] });
    if (relay(request, response)) return;
    try {
      let file = normalize(join(dir, decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)));
      if (file !== dir && !file.startsWith(dir + sep)) throw new Error('outside the site');
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': TYPES_BY_EXT[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
    } catch {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    pageRequests,
    close: () => new Promise((done) => (server.close(() => done()), server.closeAllConnections())),
  };
}

const upstreamSince = (mark) => reference.requests.slice(mark).filter((request) => request.path === UPSTREAM && request.method === 'GET');
const streamsSince = (mark) => reference.streams.slice(mark).filter((stream) => stream.path === UPSTREAM);
const logLine = (request) =>
  `  reference server: ${request.method} ${request.path} last-event-id=${request.headers['last-event-id'] ?? '(none)'} authorization=${request.headers.authorization ?? '(none)'} ${request.requestId}`;
const waitFor = (page, fn, arg) => page.waitForFunction(fn, arg, { timeout: STEP_TIMEOUT, polling: 20 });
const shown = (page) => page.locator('#events li').evaluateAll((nodes) => nodes.map((node) => ({ type: node.getAttribute('data-type'), id: node.getAttribute('data-id') })));
const eventsAtLeast = (page, count) => waitFor(page, (n) => document.querySelectorAll('#events li').length >= n, count);
const completed = (page) => waitFor(page, () => document.querySelector('#status')?.textContent === 'completed');

/** The page at its end: completed, every event once, in order, the bar full. */
async function assertCompleted(page, what) {
  await completed(page);
  assert.deepEqual(await shown(page), TYPES.map((type, index) => ({ type, id: IDS[index] })), `${what}: every event exactly once`);
  assert.equal(await page.locator('#event-count').textContent(), '10', `${what}: event count`);
  assert.equal(await page.locator('#outcome').textContent(), 'completed', `${what}: outcome`);
  assert.equal(await page.locator('#progress-fill').evaluate((node) => node.style.width), '100%', `${what}: progress`);
  assert.match(await page.locator('#result').textContent(), /report\.md/, `${what}: result`);
}

const browser = await launchChromium();
const summary = [];
try {
  for (const version of versions) {
    const site = await serveSite(join(example, 'dist', version));
    const { page, problems } = await watchedPage(browser.context);
    try {
      // 1 and 4: a run to completion; one page load under StrictMode is one upstream request.
      let mark = reference.requests.length;
      let streamMark = reference.streams.length;
      let pageMark = site.pageRequests.length;
      await page.goto(`${site.url}/`);
      assert.equal(await page.locator('#react-version').textContent().then((text) => text.split('.')[0]), version, 'React version on the page');
      await eventsAtLeast(page, 5);
      assert.equal(await page.locator('#status').textContent(), 'running', 'badge mid-run');
      if (version === versions[0]) {
        mkdirSync(dirname(screenshot), { recursive: true });
        await page.screenshot({ path: screenshot, fullPage: true });
      }
      await assertCompleted(page, `React ${version}, run to completion`);
      const strict = upstreamSince(mark);
      console.log(`React ${version}: one page load in <StrictMode>, the requests to ${UPSTREAM}:`);
      for (const request of reference.requests.slice(mark).filter((request) => request.path === UPSTREAM)) console.log(logLine(request));
      console.log(`  relay: ${site.pageRequests.slice(pageMark).map((request) => `${request.method} ${request.path}`).join(', ')}`);
      const made = await page.evaluate(() => document.documentElement.dataset.streamsMade);
      console.log(`  page: the factory made ${made} EventStreams (StrictMode's double mount); one request reached the relay`);
      assert.equal(made, '2', 'StrictMode mounted twice: the factory ran twice');
      assert.equal(strict.length, 1, 'StrictMode: exactly one upstream request');
      assert.equal(strict[0].headers.authorization, '***', 'the relay sent the key');
      assert.equal(strict[0].headers['last-event-id'], undefined, 'a fresh page load sends no Last-Event-ID');
      assert.equal(site.pageRequests.slice(pageMark).length, 1, 'StrictMode: exactly one request from the page to the relay');
      assert.deepEqual(streamsSince(streamMark).map((stream) => stream.state), ['ended'], 'the upstream stream ran to its end');
      assert.equal(await page.evaluate((key) => localStorage.getItem(key), STORAGE_KEY), null, 'a finished run is forgotten');

      // 2: the relay's upstream connection drops mid-event; the relay resumes it, the page sees each event once.
      mark = reference.requests.length;
      streamMark = reference.streams.length;
      reference.dropNext(UPSTREAM, { afterEvents: 4, midEvent: true });
      await page.goto(`${site.url}/`);
      await assertCompleted(page, `React ${version}, upstream drop`);
      const dropped = upstreamSince(mark);
      assert.deepEqual(dropped.map((request) => request.headers['last-event-id']), [undefined, 'evt_004'], 'the relay resumed upstream with Last-Event-ID');
      assert.deepEqual(streamsSince(streamMark).map((stream) => stream.state), ['dropped', 'ended']);

      // 3: a reload mid-run resumes from the persisted id.
      mark = reference.requests.length;
      streamMark = reference.streams.length;
      await page.goto(`${site.url}/`);
      await eventsAtLeast(page, 3);
      const storedBefore = await page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? 'null')?.lastEventId, STORAGE_KEY);
      await page.reload();
      await assertCompleted(page, `React ${version}, reload mid-run`);
      const reloaded = upstreamSince(mark);
      assert.equal(reloaded.length, 2, 'one upstream request before the reload, one after');
      const resumedFrom = reloaded[1].headers['last-event-id'];
      assert.ok(IDS.indexOf(resumedFrom) >= Math.max(2, IDS.indexOf(storedBefore)), `resumed from the persisted id (stored ${storedBefore}, sent ${resumedFrom})`);
      assert.equal(site.pageRequests.at(-1).lastEventId, resumedFrom, 'the page sent the persisted id to the relay, which passed it on');
      assert.deepEqual(streamsSince(streamMark).map((stream) => stream.state), ['client-closed', 'ended'], 'the reload cancelled the first upstream stream');
      console.log(`React ${version}: reload mid-run: stored ${storedBefore} before the reload; the relay's upstream request after it:`);
      console.log(logLine(reloaded[1]));

      // 5: unmounting RunProgress cancels the upstream request.
      mark = reference.requests.length;
      streamMark = reference.streams.length;
      await page.goto(`${site.url}/`);
      await eventsAtLeast(page, 3);
      await page.locator('#toggle').click();
      await page.locator('#hidden').waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
      const closedBy = Date.now() + 3000;
      while (streamsSince(streamMark)[0]?.state !== 'client-closed' && Date.now() < closedBy) await new Promise((done) => setTimeout(done, 20));
      assert.deepEqual(streamsSince(streamMark).map((stream) => stream.state), ['client-closed'], 'unmount cancelled the upstream request');
      assert.equal(upstreamSince(mark).length, 1);
      // Mounting it again resumes from the stored id and completes with every event once.
      await page.locator('#toggle').click();
      await assertCompleted(page, `React ${version}, remount after unmount`);
      assert.match(upstreamSince(mark)[1]?.headers['last-event-id'] ?? '', /^evt_0\d\d$/, 'the remount resumed with Last-Event-ID');

      assert.deepEqual(problems, [], 'no page or console errors');
      summary.push(`React ${version}: completed, upstream drop, reload resume (${resumedFrom}), one request under StrictMode, unmount cancels`);
    } finally {
      await page.close();
      await site.close();
    }
  }
  console.log(`react example ok in Chromium ${browser.version} (${((Date.now() - started) / 1000).toFixed(1)} s):`);
  for (const line of summary) console.log(`  ${line}`);
  console.log(`screenshot: ${relative(root, screenshot)}`);
} finally {
  await browser.close();
  await reference.close();
}
