// `npm run test:browser-otel`: runstream/otel in a real Chromium page. Bundles a small page entry
// with esbuild as a browser app would (platform browser, the package's own exports with the
// browser conditions: `runstream` and `runstream/otel` from the built dist/, run `npm run build`
// first), with @opentelemetry/api, sdk-trace-base's BasicTracerProvider, SimpleSpanProcessor and
// InMemorySpanExporter and core's W3CTraceContextPropagator. One node server on 127.0.0.1 serves
// the page, the bundle and an SSE endpoint (same origin: no CORS preflight in the way):
// connection 1 sends events 1 and 2 and ends, connection 2 resumes after Last-Event-ID 2 with
// event 3 and ends, connection 3 gets 204 (the stream's end). The page streams it with
// `connect(url, { use: [instrument({ tracerProvider, propagator })] })` to its end and hands back
// the spans; the script checks the span tree and attributes, that each request carried the
// traceparent of its own attempt span, and that the query token is in no span. Bounded: 60 s.
/* global window -- the page function below runs in Chromium */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import assert from 'node:assert/strict';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { browserScript, launchChromium, watchedPage } from '../test/runtimes/chromium.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const STEP_TIMEOUT = 20_000;
const TOKEN = 'tok-browser-otel-secret-3b9e';
/** SpanKind of @opentelemetry/api. */
const SPAN_KIND = { INTERNAL: 0, CLIENT: 2 };
const STATUS_ERROR = 2;

const started = Date.now();
browserScript('browser otel test', 60);
for (const file of ['index.js', join('otel', 'index.js')]) {
  if (!existsSync(join(root, 'dist', file))) throw new Error(`dist/${file} is missing: run \`npm run build\` first`);
}

/** The page's code: the test API on `window.runstreamOtel`. */
const ENTRY = `
import { connect } from 'runstream';
import { instrument } from 'runstream/otel';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

const exporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const propagator = new W3CTraceContextPropagator();

window.runstreamOtel = {
  /** Streams url to its end, instrumented; returns the events, the outcome and the finished spans. */
  async run(url) {
    const stream = connect(url, { reconnect: { initialDelay: 10, jitter: 0 }, use: [instrument({ tracerProvider, propagator })] });
    const events = [];
    for await (const event of stream) events.push({ type: event.type, id: event.id, data: event.data });
    await tracerProvider.forceFlush();
    const spans = exporter.getFinishedSpans().map((span) => ({
      name: span.name,
      kind: span.kind,
      traceId: span.spanContext().traceId,
      spanId: span.spanContext().spanId,
      parentSpanId: span.parentSpanContext && span.parentSpanContext.spanId,
      scope: span.instrumentationScope.name,
      attributes: span.attributes,
      events: span.events.map((event) => ({ name: event.name, attributes: event.attributes })),
      status: span.status,
    }));
    return { outcome: stream.outcome && stream.outcome.type, events, spans };
  },
};
`;

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>runstream/otel in Chromium</title><link rel="icon" href="data:,"></head>
<body><script type="module" src="/app.js"></script></body>
</html>
`;

// Bundle as an app would: the package by its name (esbuild resolves the self-reference through
// package.json "exports" with the browser, import and default conditions).
const bundled = await build({
  stdin: { contents: ENTRY, resolveDir: root, loader: 'js', sourcefile: 'otel-page.js' },
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: false,
  metafile: true,
  logLevel: 'silent',
});
const app = bundled.outputFiles[0].text;
const inputs = Object.keys(bundled.metafile.inputs);
for (const file of ['dist/index.js', 'dist/otel/index.js']) {
  assert.ok(inputs.includes(file), `the bundle takes ${file} from the package's exports (inputs: ${inputs.filter((input) => input.startsWith('dist/')).join(', ')})`);
}
const otelPlatform = inputs.filter((input) => /@opentelemetry\/core\/.*platform\/(browser|node)\//.test(input));
assert.ok(otelPlatform.length > 0 && otelPlatform.every((input) => input.includes('/platform/browser/')), `@opentelemetry/core's browser platform code, not node's: ${otelPlatform.join(', ')}`);

/** Requests to /events, in order: the headers Chromium sent. */
const requests = [];
const site = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(PAGE);
  } else if (url.pathname === '/app.js') {
    res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
    res.end(app);
  } else if (url.pathname === '/events' && req.method === 'GET') {
    requests.push({ headers: req.headers, query: url.search });
    const sse = { 'content-type': 'text/event-stream', 'cache-control': 'no-store' };
    if (requests.length === 1) {
      res.writeHead(200, sse);
      res.end('id: 1\nevent: step\ndata: one\n\nid: 2\nevent: step\ndata: two\n\n');
    } else if (requests.length === 2) {
      res.writeHead(200, sse);
      res.end(req.headers['last-event-id'] === '2' ? 'id: 3\nevent: done\ndata: three\n\n' : '');
    } else {
      res.writeHead(204);
      res.end();
    }
  } else {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  }
});
await new Promise((done) => site.listen(0, '127.0.0.1', done));
const port = site.address().port;
const origin = `http://127.0.0.1:${port}`;

const browser = await launchChromium();
try {
  const { page, problems } = await watchedPage(browser.context);
  await page.goto(origin);
  await page.waitForFunction(() => window.runstreamOtel !== undefined, undefined, { timeout: STEP_TIMEOUT, polling: 20 });
  const result = await Promise.race([
    page.evaluate((url) => window.runstreamOtel.run(url), `${origin}/events?token=${TOKEN}`),
    new Promise((_, fail) => setTimeout(() => fail(new Error(`the page's stream did not end in ${STEP_TIMEOUT} ms`)), STEP_TIMEOUT).unref()),
  ]);

  assert.deepEqual(problems, [], 'no page or console errors');
  assert.equal(result.outcome, 'ended', 'outcome');
  assert.deepEqual(result.events, [
    { type: 'step', id: '1', data: 'one' },
    { type: 'step', id: '2', data: 'two' },
    { type: 'done', id: '3', data: 'three' },
  ], 'events, each once and in order');

  const streams = result.spans.filter((span) => span.name === 'runstream.stream');
  assert.equal(streams.length, 1, 'one runstream.stream span');
  const [stream] = streams;
  assert.equal(stream.kind, SPAN_KIND.INTERNAL, 'stream span kind');
  assert.notEqual(stream.status.code, STATUS_ERROR, 'stream span status');
  const redacted = `${origin}/events?token=***`;
  assert.deepEqual(
    pick(stream.attributes, ['runstream.outcome', 'runstream.events', 'runstream.reconnects', 'runstream.gaps', 'http.request.method', 'url.full', 'server.address', 'server.port']),
    { 'runstream.outcome': 'ended', 'runstream.events': 3, 'runstream.reconnects': 2, 'runstream.gaps': 0, 'http.request.method': 'GET', 'url.full': redacted, 'server.address': '127.0.0.1', 'server.port': port },
    'stream span attributes',
  );
  assert.ok(stream.attributes['runstream.time_to_first_event'] > 0, 'runstream.time_to_first_event');
  assert.deepEqual(
    stream.events.filter((event) => event.name === 'runstream.reconnect').map((event) => [event.attributes['runstream.reconnect.attempt'], event.attributes['runstream.reconnect.cause'], event.attributes['runstream.last_event_id']]),
    // attempt counts the tries since the last open connection: each close here follows an open one.
    [[1, 'server-closed', '2'], [1, 'server-closed', '3']],
    'runstream.reconnect span events: attempt, cause, Last-Event-ID',
  );

  const attempts = result.spans.filter((span) => span !== stream).sort((a, b) => (a.attributes['http.request.resend_count'] ?? 0) - (b.attributes['http.request.resend_count'] ?? 0));
  assert.equal(attempts.length, 3, 'three attempt spans');
  assert.equal(attempts.length + 1, result.spans.length, 'no other span');
  for (const attempt of attempts) {
    assert.equal(attempt.name, 'GET', 'attempt span name');
    assert.equal(attempt.kind, SPAN_KIND.CLIENT, 'attempt span kind');
    assert.equal(attempt.parentSpanId, stream.spanId, 'attempt span parent: the stream span');
    assert.equal(attempt.traceId, stream.traceId, 'one trace');
    assert.equal(attempt.attributes['url.full'], redacted, 'attempt url.full');
  }
  for (const span of result.spans) assert.equal(span.scope, 'runstream', 'instrumentation scope');
  // The third attempt's 204 ends the stream.
  assert.deepEqual(attempts.map((attempt) => attempt.attributes['http.response.status_code']), [200, 200, 204], 'status codes');
  for (const attempt of attempts) assert.notEqual(attempt.status.code, STATUS_ERROR, 'no attempt span is ERROR');
  assert.deepEqual(attempts.map((attempt) => attempt.attributes['http.request.resend_count']), [undefined, 1, 2], 'resend counts');

  // What the server saw: each request's traceparent names its own attempt span.
  const traceparents = requests.map((request) => request.headers.traceparent);
  assert.deepEqual(traceparents, attempts.map((attempt) => `00-${attempt.traceId}-${attempt.spanId}-01`), 'traceparent of each request');
  assert.deepEqual(requests.map((request) => request.headers['last-event-id']), [undefined, '2', '3'], 'Last-Event-ID of each request');
  assert.ok(!JSON.stringify(result.spans).includes(TOKEN), 'the query token is in no span');

  console.log(
    `runstream/otel ok in Chromium ${browser.version}: bundled dist/index.js and dist/otel/index.js by the package's exports (${(app.length / 1024).toFixed(0)} KB page bundle, core's browser platform); ` +
      `1 runstream.stream span (outcome ended, 3 events, 2 reconnects) with 3 CLIENT GET spans (200, 200, then the 204 that ends it), ` +
      `traceparent of each attempt on its request (${traceparents.length}/3), url.full redacted (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
} finally {
  await browser.close();
  await new Promise((done) => {
    site.close(() => done());
    site.closeAllConnections();
  });
}

/** The named keys of `object`, in that order. */
function pick(object, keys) {
  return Object.fromEntries(keys.map((key) => [key, object[key]]));
}
