// runstream/otel through the real OTLP/HTTP trace exporter (JSON) to a receiver on 127.0.0.1:
// what a collector gets for a Crewship run cut after two events and resumed (one trace, the
// stream span with its attributes and reconnect event, two CLIENT attempt spans as its children,
// scope `runstream`), the traceparent the reference server saw on each attempt, and no secret
// (the API key, a query token) anywhere in the bytes the exporter sent.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { connect } from '../../src/index.js';
import { instrument } from '../../src/otel/index.js';
import { CUT_RUN_PATH, streamCutRun } from './support.js';
import { startReferenceServer, type ReferenceServer } from '../../src/testing/index.js';

const SECRET = 'sk-live-otlp-secret-4c1d';
const TOKEN = 'tok-otlp-query-secret-e52a';
/** OTLP span kinds (opentelemetry-proto trace.proto). */
const SPAN_KIND_INTERNAL = 1;
const SPAN_KIND_CLIENT = 3;
/** OTLP status codes. */
const STATUS_CODE_ERROR = 2;

/** An OTLP AnyValue in the JSON encoding, as the exporter writes it. */
interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpKeyValue {
  key: string;
  value: OtlpValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: OtlpKeyValue[];
  events: { name: string; attributes: OtlpKeyValue[] }[];
  status: { code?: number; message?: string };
}
interface OtlpTraces {
  resourceSpans: { resource: { attributes: OtlpKeyValue[] }; scopeSpans: { scope: { name: string; version?: string }; spans: OtlpSpan[] }[] }[];
}

/** What one POST to the receiver carried. */
interface Received {
  method: string;
  path: string;
  contentType: string | undefined;
  /** The body as sent, decompressed when it was gzip. */
  text: string;
}

/** A minimal OTLP/HTTP receiver: keeps every request; 200 `{}` for POST /v1/traces, 404 otherwise. */
async function startReceiver(): Promise<{ url: string; received: Received[]; close: () => Promise<void>; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
      received.push({ method: req.method ?? '', path: req.url ?? '', contentType: req.headers['content-type'], text });
      const ok = req.method === 'POST' && req.url === '/v1/traces';
      res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
      res.end(ok ? '{}' : '{"error":"not found"}');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    server,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

/** Attributes of an OTLP span or event as a plain record (int64 strings as numbers). */
function record(attributes: readonly OtlpKeyValue[]): Record<string, string | number | boolean | undefined> {
  const out: Record<string, string | number | boolean | undefined> = {};
  for (const { key, value } of attributes) {
    out[key] = value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : undefined) ?? value.doubleValue ?? value.boolValue;
  }
  return out;
}

/** Every span the receiver got, with the scope and resource that carried it. */
function spansOf(received: readonly Received[]) {
  const spans: { span: OtlpSpan; scope: string; resource: Record<string, unknown> }[] = [];
  for (const request of received) {
    const body = JSON.parse(request.text) as OtlpTraces;
    for (const resourceSpans of body.resourceSpans) {
      for (const scopeSpans of resourceSpans.scopeSpans) {
        for (const span of scopeSpans.spans) spans.push({ span, scope: scopeSpans.scope.name, resource: record(resourceSpans.resource.attributes) });
      }
    }
  }
  return spans;
}

let server: ReferenceServer;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let tracerProvider: BasicTracerProvider;
const propagator = new W3CTraceContextPropagator();

beforeAll(async () => {
  server = await startReferenceServer({ host: '127.0.0.1', apiKey: SECRET });
  receiver = await startReceiver();
  // JSON over HTTP (the exporter's default) to this receiver only, whatever OTEL_EXPORTER_OTLP_*
  // says; the receiver gunzips a body OTEL_EXPORTER_OTLP_COMPRESSION=gzip would compress.
  const exporter = new OTLPTraceExporter({ url: `${receiver.url}/v1/traces`, timeoutMillis: 5_000 });
  tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
});
afterAll(async () => {
  await tracerProvider.shutdown();
  await receiver.close();
  await server.close();
});
afterEach(() => {
  receiver.received.length = 0;
});

describe('runstream/otel through the OTLP/HTTP exporter (JSON) to a receiver on 127.0.0.1', () => {
  it('exports a Crewship run cut and resumed as one trace: the stream span, two CLIENT attempts, the reconnect event, traceparent on each request, no secret', async () => {
    const path = CUT_RUN_PATH;
    const { ids, before } = await streamCutRun(server, SECRET, { tracerProvider, propagator });
    await tracerProvider.forceFlush();

    // What the exporter sent: JSON POSTs to /v1/traces.
    expect(receiver.received.length).toBeGreaterThan(0);
    for (const request of receiver.received) {
      expect(request).toMatchObject({ method: 'POST', path: '/v1/traces', contentType: 'application/json' });
    }
    const exported = spansOf(receiver.received);
    expect(exported).toHaveLength(3);
    for (const { scope, resource } of exported) {
      expect(scope).toBe('runstream');
      expect(resource['telemetry.sdk.name']).toBe('opentelemetry');
      expect(resource['telemetry.sdk.language']).toBe('nodejs');
    }
    const spans = exported.map(({ span }) => span);
    expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
    expect(spans[0]!.traceId).toMatch(/^[0-9a-f]{32}$/);

    const streams = spans.filter((span) => span.name === 'runstream.stream');
    expect(streams).toHaveLength(1);
    const streamSpan = streams[0]!;
    expect(streamSpan.kind).toBe(SPAN_KIND_INTERNAL);
    expect(streamSpan.parentSpanId ?? '').toBe('');
    expect(streamSpan.status.code ?? 0).not.toBe(STATUS_CODE_ERROR);
    expect(record(streamSpan.attributes)).toMatchObject({
      'runstream.platform': 'crewship',
      'runstream.run.id': 'run_failed',
      'runstream.outcome': 'failed',
      'runstream.reconnects': 1,
      'runstream.events': ids.length,
      'runstream.gaps': 0,
      'http.request.method': 'GET',
      'url.full': `${server.url}${path}`,
      'server.address': '127.0.0.1',
      'server.port': server.port,
    });
    const reconnects = streamSpan.events.filter((event) => event.name === 'runstream.reconnect');
    expect(reconnects).toHaveLength(1);
    expect(record(reconnects[0]!.attributes)).toMatchObject({
      'runstream.reconnect.attempt': 1,
      'runstream.reconnect.cause': 'ConnectionError',
      'runstream.reconnect.delay_source': 'backoff',
      'runstream.last_event_id': ids[1],
    });

    const attempts = spans
      .filter((span) => span !== streamSpan)
      .sort((a, b) => (Number(record(a.attributes)['http.request.resend_count'] ?? 0)) - Number(record(b.attributes)['http.request.resend_count'] ?? 0));
    expect(attempts).toHaveLength(2);
    for (const attempt of attempts) {
      expect(attempt.name).toBe('GET');
      expect(attempt.kind).toBe(SPAN_KIND_CLIENT);
      expect(attempt.parentSpanId).toBe(streamSpan.spanId);
    }
    expect(attempts[0]!.status.code).toBe(STATUS_CODE_ERROR);
    expect(record(attempts[0]!.attributes)).toMatchObject({ 'http.response.status_code': 200, 'error.type': 'ConnectionError' });
    expect(record(attempts[1]!.attributes)).toMatchObject({ 'http.response.status_code': 200, 'http.request.resend_count': 1, 'runstream.last_event_id': ids[1] });

    // The server saw each attempt's own span as the parent of its request.
    const requests = server.requests.slice(before).filter((request) => request.path === path);
    expect(requests.map((request) => request.headers.traceparent)).toEqual(attempts.map((attempt) => `00-${attempt.traceId}-${attempt.spanId}-01`));

    const bytes = receiver.received.map((request) => request.text).join('\n');
    expect(bytes).toContain('run_failed');
    expect(bytes).not.toContain(SECRET);
  });

  it('exports a stream with a token in its query and a Bearer key: url.full redacted, neither secret in the bytes', async () => {
    server.play('GET /otlp/events', { connections: [{ steps: [{ event: 'a', id: '1', data: 'x' }] }], afterLast: 'no-content' });
    const url = `${server.url}/otlp/events?token=${TOKEN}&page=2`;
    const stream = connect(url, { headers: { authorization: `Bearer ${SECRET}` }, reconnect: false, use: [instrument({ tracerProvider, propagator })] });
    await stream.finished;
    await tracerProvider.forceFlush();

    const spans = spansOf(receiver.received).map(({ span }) => span);
    expect(spans.map((span) => span.name).sort()).toEqual(['GET', 'runstream.stream']);
    for (const span of spans) expect(record(span.attributes)['url.full']).toBe(`${server.url}/otlp/events?token=***&page=2`);
    const bytes = receiver.received.map((request) => request.text).join('\n');
    expect(bytes).not.toContain(TOKEN);
    expect(bytes).not.toContain(SECRET);
  });
});
