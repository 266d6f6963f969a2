// runstream/otel against the real OpenTelemetry JS SDK (in-memory exporter) and the reference
// server on 127.0.0.1: the span tree and attributes of a completed stream, one cut and resumed
// with Last-Event-ID, a refused one and an aborted one; the trace context the server sees on
// every attempt; no secret anywhere in the spans; nothing when a stream is not instrumented.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SpanKind, SpanStatusCode, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Crewship, HTTPError, PraisonAI, connect, type StreamControl, type StreamFeature } from '../../src/index.js';
import { instrument } from '../../src/otel/index.js';
import { CUT_RUN_PATH, streamCutRun } from './support.js';
import { instantReconnect, startReferenceServer, type ReferenceServer } from '../../src/testing/index.js';

const SECRET = 'sk-live-otel-secret-7f3a';
const TOKEN = 'tok-query-secret-91b2';
const exporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const propagator = new W3CTraceContextPropagator();
let server: ReferenceServer;

beforeAll(async () => {
  server = await startReferenceServer({ host: '127.0.0.1', apiKey: SECRET });
});
afterAll(() => server.close());
afterEach(() => {
  // No secret in any span name, attribute, event or status message, whatever the test did.
  const text = JSON.stringify(exporter.getFinishedSpans().map((span) => [span.name, span.attributes, span.events, span.status]));
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(TOKEN);
  exporter.reset();
});

/** The stream span (exactly one) and its children, oldest first. */
function tree(): { stream: ReadableSpan; attempts: ReadableSpan[] } {
  const spans = exporter.getFinishedSpans();
  const streams = spans.filter((span) => span.name === 'runstream.stream');
  expect(streams).toHaveLength(1);
  const stream = streams[0]!;
  const attempts = spans
    .filter((span) => span.parentSpanContext?.spanId === stream.spanContext().spanId)
    .sort((a, b) => (a.attributes['http.request.resend_count'] as number | undefined ?? 0) - (b.attributes['http.request.resend_count'] as number | undefined ?? 0));
  expect(attempts.length + 1).toBe(spans.length);
  for (const attempt of attempts) expect(attempt.spanContext().traceId).toBe(stream.spanContext().traceId);
  return { stream, attempts };
}

/** The `traceparent` an attempt span writes (sampled). */
const traceparent = (span: ReadableSpan) => `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`;

describe('runstream/otel: a client with use: [instrument()]', () => {
  it('traces a completed run: one stream span, one GET attempt span, the outcome and counts', async () => {
    const client = new Crewship({ baseUrl: server.url, apiKey: SECRET, use: [instrument({ tracerProvider, propagator })] });
    const stream = client.runs.stream('run_abc123');
    const events: string[] = [];
    for await (const event of stream) events.push(event.type);
    expect(stream.outcome?.type).toBe('completed');

    const { stream: span, attempts } = tree();
    expect(span.kind).toBe(SpanKind.INTERNAL);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toMatchObject({
      'runstream.platform': 'crewship',
      'runstream.run.id': 'run_abc123',
      'runstream.outcome': 'completed',
      'runstream.events': events.length,
      'runstream.reconnects': 0,
      'runstream.gaps': 0,
      'http.request.method': 'GET',
      'url.full': `${server.url}/v1/runs/run_abc123/events`,
      'server.address': '127.0.0.1',
      'server.port': server.port,
    });
    expect(span.attributes['runstream.time_to_first_event']).toBeGreaterThan(0);
    expect(span.attributes['runstream.time_to_first_event']).toBeLessThan(((span.duration[0] * 1e9 + span.duration[1]) / 1e9) + 1e-6);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.name).toBe('GET');
    expect(attempts[0]!.kind).toBe(SpanKind.CLIENT);
    expect(attempts[0]!.status.code).toBe(SpanStatusCode.UNSET);
    expect(attempts[0]!.attributes).toEqual({
      'http.request.method': 'GET',
      'url.full': `${server.url}/v1/runs/run_abc123/events`,
      'server.address': '127.0.0.1',
      'server.port': server.port,
      'http.response.status_code': 200,
    });
    const request = server.requests.at(-1)!;
    expect(request.headers.traceparent).toBe(traceparent(attempts[0]!));
  });

  it('keeps one stream span across a cut resumed with Last-Event-ID: an attempt span each, a reconnect event, traceparent on each request', async () => {
    const path = CUT_RUN_PATH;
    const { ids, delays, before } = await streamCutRun(server, SECRET, { tracerProvider, propagator });

    const { stream: span, attempts } = tree();
    // A run the platform reports as failed is an outcome, not an instrumentation error.
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toMatchObject({ 'runstream.outcome': 'failed', 'runstream.reconnects': 1, 'runstream.events': ids.length, 'runstream.gaps': 0 });
    expect(attempts).toHaveLength(2);
    expect(attempts[0]!.status.code).toBe(SpanStatusCode.ERROR);
    expect(attempts[0]!.attributes).toMatchObject({ 'http.response.status_code': 200, 'error.type': 'ConnectionError' });
    expect(attempts[0]!.attributes['http.request.resend_count']).toBeUndefined();
    expect(attempts[1]!.attributes).toMatchObject({ 'http.request.resend_count': 1, 'runstream.last_event_id': ids[1], 'http.response.status_code': 200 });
    expect(attempts[1]!.status.code).toBe(SpanStatusCode.UNSET);
    const reconnects = span.events.filter((event) => event.name === 'runstream.reconnect');
    expect(reconnects).toHaveLength(1);
    expect(reconnects[0]!.attributes).toMatchObject({
      'runstream.reconnect.attempt': 1,
      'runstream.reconnect.delay_source': 'backoff',
      'runstream.reconnect.cause': 'ConnectionError',
      'runstream.last_event_id': ids[1],
    });
    // The delay the stream waited, in seconds.
    expect(delays).toHaveLength(1);
    expect(reconnects[0]!.attributes!['runstream.reconnect.delay']).toBe(delays[0]! / 1000);

    const requests = server.requests.slice(before).filter((request) => request.path === path);
    expect(requests).toHaveLength(2);
    expect(requests.map((request) => request.headers.traceparent)).toEqual(attempts.map(traceparent));
    expect(requests[1]!.headers['last-event-id']).toBe(ids[1]);
  });

  it('names the job a PraisonAI jobs.start() created on its stream span, and the create call comes before the first attempt', async () => {
    const client = new PraisonAI({ baseUrl: server.url, use: [instrument({ tracerProvider, propagator })] });
    const stream = client.jobs.start({ prompt: 'Summarise the news' });
    let jobId: string | undefined;
    for await (const event of stream) if (event.type === 'created') jobId = event.data.job_id;
    expect(jobId).toMatch(/\w/);
    const { stream: span, attempts } = tree();
    expect(span.attributes).toMatchObject({ 'runstream.platform': 'praisonai', 'runstream.job.id': jobId, 'runstream.outcome': 'completed' });
    expect(attempts.map((attempt) => attempt.attributes['url.full'])).toEqual([`${server.url}/api/v1/runs/${jobId}/stream`]);
  });

  it('runs the client\'s features before a call\'s own: one span tree, the call\'s observer sees the traced request', async () => {
    const client = new Crewship({ baseUrl: server.url, apiKey: SECRET, use: [instrument({ tracerProvider, propagator })] });
    const sent: (string | undefined)[] = [];
    const own: StreamFeature = (control) => {
      control.observe((step) => {
        if (step.type === 'connecting') sent.push(step.headers.traceparent);
      });
    };
    await client.runs.stream('run_abc123', { use: [own] }).finished;
    const { attempts } = tree();
    expect(sent).toEqual([traceparent(attempts[0]!)]);
  });

  it('sends no trace context with propagate: false, and still traces', async () => {
    const client = new Crewship({ baseUrl: server.url, apiKey: SECRET, use: [instrument({ tracerProvider, propagator, propagate: false })] });
    await client.runs.stream('run_abc123').finished;
    expect(server.requests.at(-1)!.headers.traceparent).toBeUndefined();
    expect(tree().attempts).toHaveLength(1);
  });
});

describe('runstream/otel: one stream with use: [instrument()]', () => {
  it('marks a refused stream (404) ERROR, its attempt with the status code as error.type', async () => {
    server.play('GET /otel/missing', { status: 404, body: 'no such stream' });
    const stream = connect(`${server.url}/otel/missing?token=${TOKEN}`, { headers: { authorization: `Bearer ${SECRET}` }, use: [instrument({ tracerProvider, propagator })] });
    await expect(stream.finished).rejects.toBeInstanceOf(HTTPError);

    const { stream: span, attempts } = tree();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes).toMatchObject({ 'runstream.outcome': 'error', 'error.type': '404', 'runstream.events': 0, 'url.full': `${server.url}/otel/missing?token=***` });
    expect(span.attributes['runstream.time_to_first_event']).toBeUndefined();
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.status.code).toBe(SpanStatusCode.ERROR);
    expect(attempts[0]!.attributes).toMatchObject({ 'http.response.status_code': 404, 'error.type': '404', 'url.full': `${server.url}/otel/missing?token=***` });
  });

  it('ends an aborted stream as closed, not ERROR, after its first event', async () => {
    server.play('GET /otel/long', { connections: [{ steps: [{ event: 'a', id: '1', data: 'x' }, { wait: 60_000 }] }] });
    const stream = connect(`${server.url}/otel/long?token=${TOKEN}`, { headers: { authorization: `Bearer ${SECRET}` }, use: [instrument({ tracerProvider, propagator })] });
    for await (const event of stream) {
      expect(event.id).toBe('1');
      break;
    }
    await stream.finished;
    expect(stream.outcome?.type).toBe('closed');

    const { stream: span, attempts } = tree();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toMatchObject({ 'runstream.outcome': 'closed', 'runstream.events': 1, 'runstream.reconnects': 0 });
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.status.code).toBe(SpanStatusCode.UNSET);
    expect(attempts[0]!.attributes['http.response.status_code']).toBe(200);
  });

  it('sets traceparent from each attempt span through the feature, reconnects included', async () => {
    const played = server.play('GET /otel/flaky', {
      connections: [{ steps: [{ event: 'a', id: '1', data: 'x' }, { cut: 'between-events' }] }, { steps: [{ event: 'b', id: '2', data: 'y' }] }],
      afterLast: 'no-content',
    });
    const stream = connect(`${server.url}/otel/flaky`, { reconnect: instantReconnect().reconnect, use: [instrument({ tracerProvider, propagator })] });
    await stream.finished;

    const { stream: span, attempts } = tree();
    expect(attempts).toHaveLength(3);
    expect(played.requests.map((request) => request.headers.traceparent)).toEqual(attempts.map(traceparent));
    expect(span.attributes).toMatchObject({ 'runstream.outcome': 'ended', 'runstream.reconnects': 2, 'runstream.events': 2 });
    // The last request was answered 204 No Content, which ended the stream.
    expect(attempts.map((attempt) => attempt.attributes['http.response.status_code'])).toEqual([200, 200, 204]);
    expect(attempts.map((attempt) => attempt.status.code)).toEqual([SpanStatusCode.ERROR, SpanStatusCode.UNSET, SpanStatusCode.UNSET]);
    expect(span.events.filter((event) => event.name === 'runstream.reconnect').map((event) => event.attributes!['runstream.reconnect.cause'])).toEqual(['ConnectionError', 'server-closed']);
  });

  it('ends the attempt of a retried 503 as ERROR with its status, and resumes in a second attempt', async () => {
    server.play('GET /otel/busy', { connections: [{ status: 503 }, { steps: [{ event: 'a', id: '1', data: 'x' }] }], afterLast: 'no-content' });
    const stream = connect(`${server.url}/otel/busy`, { reconnect: instantReconnect().reconnect, use: [instrument({ tracerProvider, propagator })] });
    await stream.finished;

    const { stream: span, attempts } = tree();
    expect(attempts[0]!.status.code).toBe(SpanStatusCode.ERROR);
    expect(attempts[0]!.attributes).toMatchObject({ 'http.response.status_code': 503, 'error.type': '503' });
    expect(attempts[1]!.attributes).toMatchObject({ 'http.response.status_code': 200, 'http.request.resend_count': 1 });
    expect(span.events.find((event) => event.name === 'runstream.reconnect')!.attributes).toMatchObject({ 'runstream.reconnect.cause': '503', 'runstream.reconnect.attempt': 1 });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('marks a server never reached ERROR: one attempt with error.type ConnectionError and no status code', async () => {
    const closed = await startReferenceServer({ host: '127.0.0.1' });
    const url = `${closed.url}/events?token=${TOKEN}`;
    await closed.close();
    const stream = connect(url, { reconnect: false, use: [instrument({ tracerProvider, propagator })] });
    await expect(stream.finished).rejects.toMatchObject({ name: 'ConnectionError' });

    const { stream: span, attempts } = tree();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes).toMatchObject({ 'runstream.outcome': 'error', 'error.type': 'ConnectionError', 'runstream.events': 0 });
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.status.code).toBe(SpanStatusCode.ERROR);
    expect(attempts[0]!.attributes['error.type']).toBe('ConnectionError');
    expect(attempts[0]!.attributes['http.response.status_code']).toBeUndefined();
  });

  it('records the server’s retry: as a span event, in seconds', async () => {
    server.play('GET /otel/retry', { connections: [{ steps: [{ retry: 2500 }, { event: 'a', id: '1', data: 'x' }] }], afterLast: 'no-content' });
    const stream = connect(`${server.url}/otel/retry`, { reconnect: false, use: [instrument({ tracerProvider, propagator })] });
    await stream.finished;
    const retry = tree().stream.events.filter((event) => event.name === 'runstream.retry');
    expect(retry.map((event) => event.attributes)).toEqual([{ 'runstream.retry': 2.5 }]);
  });

  it('gives each stream of one instrument() result its own span tree', async () => {
    server.play('GET /otel/twice', { connections: [{ steps: [{ event: 'a', id: '1', data: 'x' }] }, { steps: [{ event: 'a', id: '1', data: 'x' }] }], afterLast: 'no-content' });
    const feature = instrument({ tracerProvider, propagator });
    await connect(`${server.url}/otel/twice`, { reconnect: false, use: [feature] }).finished;
    await connect(`${server.url}/otel/twice`, { reconnect: false, use: [feature] }).finished;
    const streams = exporter.getFinishedSpans().filter((span) => span.name === 'runstream.stream');
    expect(streams).toHaveLength(2);
    expect(streams[0]!.spanContext().traceId).not.toBe(streams[1]!.spanContext().traceId);
    expect(streams.map((span) => span.attributes['runstream.events'])).toEqual([1, 1]);
    exporter.reset();
  });
});

describe('runstream/otel with no SDK registered', () => {
  it('leaves the stream alone: no hooks, no observer, no trace context', async () => {
    const observe = vi.fn();
    const control = { info: { method: 'GET', url: 'http://127.0.0.1/events' }, observe } as unknown as StreamControl;
    expect(instrument()(control)).toBeUndefined();
    expect(observe).not.toHaveBeenCalled();
    const client = new Crewship({ baseUrl: server.url, apiKey: SECRET, use: [instrument()] });
    await client.runs.stream('run_abc123').finished;
    expect(server.requests.at(-1)!.headers.traceparent).toBeUndefined();
  });

  it('still instruments a stream given its own providers', () => {
    const observe = vi.fn();
    const control = { info: { method: 'GET', url: 'http://127.0.0.1/events' }, observe } as unknown as StreamControl;
    expect(instrument({ tracerProvider, metrics: false })(control)).toMatchObject({ event: expect.any(Function) });
    expect(observe).toHaveBeenCalledTimes(1);
  });
});

describe('runstream/otel: the global provider and propagator', () => {
  beforeAll(() => {
    trace.setGlobalTracerProvider(tracerProvider);
    propagation.setGlobalPropagator(propagator);
  });
  afterAll(() => {
    trace.disable();
    propagation.disable();
  });

  it('uses the global tracer provider and propagator when given none', async () => {
    const client = new Crewship({ baseUrl: server.url, apiKey: SECRET, use: [instrument()] });
    await client.runs.stream('run_abc123').finished;
    const { attempts } = tree();
    expect(server.requests.at(-1)!.headers.traceparent).toBe(traceparent(attempts[0]!));
  });

  it('emits nothing and sends no trace context for a stream that is not instrumented', async () => {
    const client = new Crewship({ baseUrl: server.url, apiKey: SECRET });
    await client.runs.stream('run_abc123').finished;
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(server.requests.at(-1)!.headers.traceparent).toBeUndefined();
  });
});
