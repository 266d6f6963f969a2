// `npm run test:browser-network`: runs a Crewship stream in a real Chromium page (the built
// dist/index.js through an import map; run `npm run build` first) against a reference server from
// dist/testing, and checks what runstream does when the browser goes offline and back online, and
// when the page is hidden and visible again. Three tests, on run_abc123 (ten events, evt_001…):
//
// 1. offline/online: after three events Playwright takes the context offline. Chromium's emulated
//    offline leaves an open response alone (the script checks which happens), so the connection
//    is then cut at a TCP link between page and server. The stream's first reconnect, 250 ms later,
//    fails offline and it backs off 50 s; `setOffline(false)` fires `online` and the stream must
//    reconnect at once with Last-Event-ID, and deliver all ten events exactly once, in order.
// Each stream opts in to page handling with `use: [pageLifecycle(…)]`, as an app in a page does.
// 2. hidden/visible with `pageLifecycle({ pauseWhenHidden: true })`: hiding the page closes the connection (the
//    server sees the client go), no request is open while hidden, showing it reconnects at once
//    with Last-Event-ID, and all ten events arrive exactly once, in order.
// 3. the control: `pageLifecycle()` without `pauseWhenHidden`: hiding the page keeps the one connection open.
//
// Visibility: headless Chromium keeps `document.visibilityState` at 'visible' whatever is done to
// its window or tabs (minimised with Browser.setWindowBounds, another tab activated with
// Target.createTarget/activateTarget or bringToFront, Page.setWebLifecycleState frozen/active: all
// tried, Chromium 156), and the DevTools protocol has no visibility emulation (setFocusEmulation
// is focus only). So the page overrides `document.visibilityState` (and `document.hidden`) with a
// getter and dispatches `visibilitychange`, as a browser does on a tab switch; the connection, its
// close and the reconnect are Chromium's own. Bounded: 60 s in all.
/* global window -- the page functions below run in Chromium */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import assert from 'node:assert/strict';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { browserScript, launchChromium, watchedPage } from '../test/runtimes/chromium.mjs';
import { serveDir } from '../test/runtimes/serve.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const STEP_TIMEOUT = 10_000;
/** Between two scripted events: long enough that every toggle lands mid-run. */
const EVENT_DELAY = 200;
/** How soon a reconnect counts as prompt: far below every backoff the tests set (10 s, 50 s). */
const PROMPT = 2_000;
const PATH = '/v1/runs/run_abc123/events';
const TYPES = ['run.started', 'log', 'agent.started', 'tool.called', 'tool.result', 'agent.completed', 'agent.started', 'agent.completed', 'artifact', 'run.completed'];
const IDS = TYPES.map((_, index) => `evt_${String(index + 1).padStart(3, '0')}`);

const started = Date.now();
browserScript('browser network test', 60);
for (const file of ['index.js', join('testing', 'index.js')]) {
  if (!existsSync(join(root, 'dist', file))) throw new Error(`dist/${file} is missing: run \`npm run build\` first`);
}
if (!readFileSync(join(root, 'dist', 'index.js'), 'utf8').includes('pauseWhenHidden')) {
  throw new Error('dist/index.js has no pauseWhenHidden: it is older than src/, run `npm run build` first');
}

/** The test page: runstream from dist/ by an import map, and a small API on `window.runstreamTest`. */
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>runstream network test</title>
<link rel="icon" href="data:,">
<script type="importmap">
{ "imports": { "runstream": "/runstream/index.js", "eventsource-parser": "/eventsource-parser/index.js" } }
</script>
</head>
<body>
<script type="module">
import { Crewship, pageLifecycle } from 'runstream';

const now = () => Math.round(performance.now());
const describe = (error) => (error ? error.name + ': ' + error.message : undefined);
let stream;
let visibility = document.visibilityState;
let overridden = false;
const state = { events: [], reconnects: [], opens: [], network: [], outcome: undefined, error: undefined };
window.addEventListener('online', () => state.network.push({ type: 'online', at: now() }));
window.addEventListener('offline', () => state.network.push({ type: 'offline', at: now() }));

window.runstreamTest = {
  /**
   * Streams run_abc123 from baseUrl with these stream options (plain JSON); \`page\` (the
   * options of pageLifecycle()) opts the stream in to page handling, as an app does.
   */
  start(baseUrl, { page, ...options }) {
    const client = new Crewship({ baseUrl, apiKey: 'test-key', dangerouslyAllowBrowser: true });
    stream = client.runs.stream('run_abc123', {
      ...options,
      ...(page ? { use: [pageLifecycle(page)] } : {}),
      onReconnect: (info) =>
        state.reconnects.push({ attempt: info.attempt, delay: info.delay, cause: describe(info.cause), lastEventId: info.lastEventId, onLine: navigator.onLine, at: now() }),
      onOpen: (info) => state.opens.push({ status: info.status, lastEventId: info.lastEventId, at: now() }),
    });
    (async () => {
      for await (const event of stream) state.events.push({ type: event.type, id: event.id, at: now() });
    })().then(
      () => (state.outcome = stream.outcome.type),
      (error) => (state.error = describe(error)),
    );
  },
  /** What the page has seen so far. */
  snapshot() {
    return {
      ...structuredClone(state),
      readyState: stream && stream.readyState,
      lastEventId: stream && stream.lastEventId,
      onLine: navigator.onLine,
      visibilityState: document.visibilityState,
      hidden: document.hidden,
    };
  },
  /** Hides or shows the page as a tab switch would: the state, then visibilitychange. */
  setVisibility(next) {
    if (!overridden) {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => visibility === 'hidden' });
      overridden = true;
    }
    visibility = next;
    document.dispatchEvent(new Event('visibilitychange'));
  },
  close() {
    stream?.close();
  },
};
</script>
</body>
</html>
`;

/**
 * A TCP pass-through to `port` on 127.0.0.1 whose connections can be cut at once: the
 * server-side drop of a connection that Chromium's emulated offline leaves open.
 */
async function cuttableLink(port) {
  const pairs = new Set();
  let accepted = 0;
  const server = createServer((client) => {
    accepted++;
    const upstream = createConnection({ host: '127.0.0.1', port });
    const pair = { client, upstream };
    pairs.add(pair);
    const close = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) socket.on('error', close).on('close', close);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  /** Destroys every connection open now (both sides); returns how many. */
  const cut = () => {
    const open = pairs.size;
    for (const { client, upstream } of [...pairs]) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
    return open;
  };
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    get accepted() {
      return accepted;
    },
    cut,
    close: () =>
      new Promise((done) => {
        cut();
        server.close(() => done());
      }),
  };
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/** Polls `check` (sync or async) every 10 ms until it returns a truthy value, which it returns. */
async function until(check, what, timeout = STEP_TIMEOUT) {
  const limit = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > limit) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await sleep(10);
  }
}

const site = mkdtempSync(join(tmpdir(), 'runstream-network-'));
mkdirSync(join(site, 'runstream'));
cpSync(join(root, 'dist', 'index.js'), join(site, 'runstream', 'index.js'));
cpSync(join(root, 'node_modules', 'eventsource-parser', 'dist'), join(site, 'eventsource-parser'), { recursive: true });
writeFileSync(join(site, 'index.html'), PAGE);

const { startReferenceServer } = await import(pathToFileURL(join(root, 'dist', 'testing', 'index.js')).href);
const reference = await startReferenceServer({ eventDelay: EVENT_DELAY });
const link = await cuttableLink(reference.port);
const pages = await serveDir(site);
const browser = await launchChromium();
const context = browser.context;

/** The GET requests and the SSE responses of run_abc123 since `from` (indices into the logs). */
function server(from) {
  return {
    gets: () => reference.requests.slice(from.requests).filter((request) => request.method === 'GET' && request.path.startsWith(PATH)),
    streams: () => reference.streams.slice(from.streams).filter((stream) => stream.path.startsWith(PATH)),
  };
}

/** A fresh page with the test API; `problems` collects page errors and console errors. */
async function openPage() {
  const { page, problems } = await watchedPage(context);
  await page.goto(pages.url);
  await page.waitForFunction(() => window.runstreamTest !== undefined, undefined, { timeout: STEP_TIMEOUT, polling: 20 });
  const mark = { requests: reference.requests.length, streams: reference.streams.length };
  return {
    page,
    problems,
    ...server(mark),
    start: (baseUrl, options) => page.evaluate(([url, streamOptions]) => window.runstreamTest.start(url, streamOptions), [baseUrl, options]),
    snapshot: () => page.evaluate(() => window.runstreamTest.snapshot()),
    setVisibility: (state) => page.evaluate((next) => window.runstreamTest.setVisibility(next), state),
  };
}

/** All ten events, once each, in order, and the run completed. */
function assertWholeRun(snapshot, label) {
  assert.equal(snapshot.error, undefined, `${label}: the stream failed`);
  assert.deepEqual(
    snapshot.events.map((event) => event.type),
    TYPES,
    `${label}: event types`,
  );
  assert.deepEqual(
    snapshot.events.map((event) => event.id),
    IDS,
    `${label}: event ids, each once and in order`,
  );
  assert.equal(snapshot.outcome, 'completed', `${label}: outcome`);
  assert.equal(snapshot.readyState, 'closed', `${label}: readyState at the end`);
}

try {
  const results = {};

  // 1. Offline, a dropped connection, failed reconnects; back online: a prompt resume.
  {
    const label = 'offline/online';
    const test = await openPage();
    // First reconnect after 250 ms (it fails: offline), then 250 × 200 = 50 s: only the `online`
    // handling can explain a resume within PROMPT ms.
    await test.start(link.url, { page: {}, reconnect: { initialDelay: 250, factor: 200, maxDelay: 60_000, jitter: 0 } });
    await until(async () => (await test.snapshot()).events.length >= 3, 'three events');
    const before = (await test.snapshot()).events.length;
    await context.setOffline(true);
    await until(async () => !(await test.snapshot()).onLine, 'navigator.onLine to be false');
    // Does emulated offline end the open response? Give it 1.5 event delays to show.
    await sleep(EVENT_DELAY * 1.5);
    const [first] = test.streams();
    const offlineKilled = first.state !== 'open';
    const duringOffline = (await test.snapshot()).events.length - before;
    if (!offlineKilled) assert.ok(link.cut() >= 1, `${label}: the link had the stream's connection open`);
    const accepted = link.accepted;
    await until(() => first.state !== 'open', 'the server to see the connection go');
    // The drop's reconnect waits 250 ms and fails offline; the next one waits 50 s.
    const waiting = await until(async () => {
      const snapshot = await test.snapshot();
      return snapshot.reconnects.length >= 2 && snapshot;
    }, 'a failed reconnect while offline');
    const [afterDrop, afterOffline] = waiting.reconnects;
    assert.equal(afterDrop.delay, 250, `${label}: first reconnect delay`);
    assert.match(afterDrop.cause ?? '', /ConnectionError/, `${label}: the drop is a ConnectionError`);
    assert.equal(afterDrop.onLine, false, `${label}: the drop came while offline`);
    assert.equal(afterOffline.attempt, 2, `${label}: second attempt`);
    assert.equal(afterOffline.delay, 50_000, `${label}: the long backoff after the failed attempt`);
    assert.match(afterOffline.cause ?? '', /ConnectionError/, `${label}: the attempt offline failed with a ConnectionError`);
    assert.equal(afterOffline.onLine, false, `${label}: the attempt failed while offline`);
    assert.equal(waiting.readyState, 'connecting', `${label}: readyState while waiting`);
    assert.equal(test.gets().length, 1, `${label}: no request reached the server while offline`);
    assert.equal(link.accepted, accepted, `${label}: Chromium opened no connection while offline`);
    assert.equal(test.streams().filter((stream) => stream.state === 'open').length, 0, `${label}: no stream open while offline`);
    const lastId = waiting.events.at(-1).id;
    assert.equal(waiting.lastEventId, lastId, `${label}: lastEventId is the last id delivered`);

    const onlineAt = Date.now();
    await context.setOffline(false);
    await until(() => test.gets().length >= 2, 'the reconnect after online', PROMPT + 3_000);
    const resumed = Date.now() - onlineAt;
    assert.ok(resumed < PROMPT, `${label}: resumed ${resumed} ms after online, not promptly (backoff 50 s)`);
    assert.equal(test.gets()[1].headers['last-event-id'], lastId, `${label}: Last-Event-ID of the reconnect`);
    const done = await until(async () => {
      const snapshot = await test.snapshot();
      return (snapshot.outcome || snapshot.error) && snapshot;
    }, 'the run to complete');
    assertWholeRun(done, label);
    assert.ok(
      done.network.some((entry) => entry.type === 'online'),
      `${label}: the page saw the online event`,
    );
    assert.equal(done.reconnects.length, 2, `${label}: reconnects`);
    assert.deepEqual(
      done.opens.map((open) => open.lastEventId),
      ['', lastId],
      `${label}: two connections, the second resuming after ${lastId}`,
    );
    assert.equal(test.gets().length, 2, `${label}: two requests in all`);
    // The only console errors allowed are the network failures this test causes.
    const unexpected = test.problems.filter((problem) => !/^console error: .*net::ERR_(INTERNET_DISCONNECTED|CONNECTION_RESET|EMPTY_RESPONSE|INCOMPLETE_CHUNKED_ENCODING|CONNECTION_CLOSED)/.test(problem));
    assert.deepEqual(unexpected, [], `${label}: no other page or console errors`);
    results.offline = { resumed, lastId, offlineKilled, duringOffline };
    await test.page.close();
  }

  // 2. pauseWhenHidden: hidden closes the connection, visible resumes with Last-Event-ID.
  {
    const label = 'hidden/visible';
    const test = await openPage();
    await test.start(reference.url, { page: { pauseWhenHidden: true }, reconnect: { initialDelay: 10_000, jitter: 0 } });
    await until(async () => (await test.snapshot()).events.length >= 3, 'three events');
    const hiddenAt = Date.now();
    await test.setVisibility('hidden');
    const [first] = test.streams();
    await until(() => first.state !== 'open', 'the connection to close when hidden', PROMPT);
    const closed = Date.now() - hiddenAt;
    assert.equal(first.state, 'client-closed', `${label}: the client closed the connection`);
    const hidden = await test.snapshot();
    assert.equal(hidden.visibilityState, 'hidden', `${label}: the page is hidden`);
    assert.equal(hidden.readyState, 'connecting', `${label}: readyState while hidden`);
    const lastId = hidden.events.at(-1).id;
    // Hold it hidden for five event delays: nothing is requested, nothing arrives.
    await sleep(EVENT_DELAY * 5);
    const held = await test.snapshot();
    assert.equal(test.gets().length, 1, `${label}: no request while hidden`);
    assert.equal(test.streams().filter((stream) => stream.state === 'open').length, 0, `${label}: no stream open while hidden`);
    assert.equal(held.events.length, hidden.events.length, `${label}: no event while hidden`);
    assert.equal(held.readyState, 'connecting', `${label}: readyState while hidden`);

    const visibleAt = Date.now();
    await test.setVisibility('visible');
    await until(() => test.gets().length >= 2, 'the reconnect when visible', PROMPT + 3_000);
    const resumed = Date.now() - visibleAt;
    assert.ok(resumed < PROMPT, `${label}: resumed ${resumed} ms after visible, not promptly`);
    assert.equal(test.gets()[1].headers['last-event-id'], lastId, `${label}: Last-Event-ID of the reconnect`);
    const done = await until(async () => {
      const snapshot = await test.snapshot();
      return (snapshot.outcome || snapshot.error) && snapshot;
    }, 'the run to complete');
    assertWholeRun(done, label);
    assert.deepEqual(
      done.reconnects.map(({ attempt, delay, cause, lastEventId }) => ({ attempt, delay, cause, lastEventId })),
      [{ attempt: 1, delay: 0, cause: undefined, lastEventId: lastId }],
      `${label}: one reconnect, at once, not a failure`,
    );
    assert.equal(test.gets().length, 2, `${label}: two requests in all`);
    assert.deepEqual(test.problems, [], `${label}: no page or console errors`);
    results.hidden = { closed, resumed, lastId, held: held.events.length };
    await test.page.close();
  }

  // 3. The control: without pauseWhenHidden the connection stays open while hidden.
  {
    const label = 'control';
    const test = await openPage();
    await test.start(reference.url, { page: {}, reconnect: { initialDelay: 10_000, jitter: 0 } });
    await until(async () => (await test.snapshot()).events.length >= 3, 'three events');
    const before = (await test.snapshot()).events.length;
    await test.setVisibility('hidden');
    await sleep(EVENT_DELAY * 3);
    const hidden = await test.snapshot();
    assert.equal(hidden.visibilityState, 'hidden', `${label}: the page is hidden`);
    assert.equal(test.streams()[0].state, 'open', `${label}: the connection stays open while hidden`);
    assert.equal(hidden.readyState, 'open', `${label}: readyState while hidden`);
    assert.ok(hidden.events.length > before, `${label}: events go on arriving while hidden`);
    await test.setVisibility('visible');
    const done = await until(async () => {
      const snapshot = await test.snapshot();
      return (snapshot.outcome || snapshot.error) && snapshot;
    }, 'the run to complete');
    assertWholeRun(done, label);
    assert.deepEqual(done.reconnects, [], `${label}: no reconnect`);
    assert.equal(test.gets().length, 1, `${label}: one request in all`);
    assert.deepEqual(test.problems, [], `${label}: no page or console errors`);
    results.control = { whileHidden: hidden.events.length - before };
    await test.page.close();
  }

  console.log(
    `browser network ok in Chromium ${browser.version}: ` +
      `offline/online resumed ${results.offline.resumed} ms after online (backoff 50 s) with Last-Event-ID ${results.offline.lastId} ` +
      (results.offline.offlineKilled
        ? '(emulated offline ended the open connection); '
        : `(emulated offline left the open connection alone, ${results.offline.duringOffline} more event(s) came, so the link cut it); `) +
      `pauseWhenHidden closed it in ${results.hidden.closed} ms, held none while hidden, resumed in ${results.hidden.resumed} ms with Last-Event-ID ${results.hidden.lastId}; ` +
      `control kept 1 connection (${results.control.whileHidden} events while hidden); 3 × 10 events in order (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
} finally {
  await browser.close();
  await pages.close();
  await link.close();
  await reference.close();
  rmSync(site, { recursive: true, force: true });
}
