// runstream/otel's metrics against the real OpenTelemetry JS SDK (sdk-metrics, read on demand)
// and the reference server on 127.0.0.1: what a completed run, a run cut and resumed, a stream
// with a gap, a refused stream and an open stream record; nothing without instrumentation.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { metrics } from '@opentelemetry/api';
import { DataPointType, MeterProvider, MetricReader, type DataPoint, type Histogram, type MetricData } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { Crewship, FlowMaestro, HTTPError, connect } from '../../src/index.js';
import { instrument } from '../../src/otel/index.js';
import { instantReconnect, startReferenceServer, type ReferenceServer } from '../../src/testing/index.js';

const SECRET = 'sk-live-otel-metrics-3c9d';

/** A reader the test collects from when it wants (no timer). */
class OnDemandReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

let server: ReferenceServer;
let reader: OnDemandReader;
let meterProvider: MeterProvider;
// Spans are not under test here: a tracer provider with no processor keeps the global one out.
const tracerProvider = new BasicTracerProvider();

beforeAll(async () => {
  server = await startReferenceServer({ host: '127.0.0.1', apiKey: SECRET });
});
afterAll(() => server.close());
beforeEach(() => {
  // A provider per test: its sums start at zero.
  reader = new OnDemandReader();
  meterProvider = new MeterProvider({ readers: [reader] });
});

/** Every metric of the `runstream` meter, by name. */
async function collect(): Promise<Map<string, MetricData>> {
  const { resourceMetrics, errors } = await reader.collect();
  expect(errors).toEqual([]);
  const scope = resourceMetrics.scopeMetrics.find((entry) => entry.scope.name === 'runstream');
  return new Map((scope?.metrics ?? []).map((metric) => [metric.descriptor.name, metric]));
}

/** The data points of `name`, as [attributes, value] pairs. */
function points(all: Map<string, MetricData>, name: string): [Record<string, unknown>, unknown][] {
  const metric = all.get(name);
  return (metric?.dataPoints ?? []).map((point: DataPoint<unknown>) => [point.attributes, point.value]);
}

/** The single histogram point of `name`. */
function histogram(all: Map<string, MetricData>, name: string): { attributes: Record<string, unknown>; value: Histogram } {
  const metric = all.get(name)!;
  expect(metric.dataPointType).toBe(DataPointType.HISTOGRAM);
  expect(metric.dataPoints).toHaveLength(1);
  const point = metric.dataPoints[0] as DataPoint<Histogram>;
  return { attributes: point.attributes, value: point.value };
}

describe('runstream/otel metrics', () => {
  it('records a completed run: its events, one outcome, its durations in seconds, and no stream left open', async () => {
    const client = new Crewship({ baseUrl: server.url, apiKey: SECRET, use: [instrument({ meterProvider, tracerProvider })] });
    const stream = client.runs.stream('run_abc123');
    let events = 0;
    for await (const _ of stream) events++;
    const all = await collect();
    const platform = { 'runstream.platform': 'crewship' };
    expect(points(all, 'runstream.stream.events')).toEqual([[platform, events]]);
    expect(points(all, 'runstream.stream.outcomes')).toEqual([[{ ...platform, 'runstream.outcome': 'completed' }, 1]]);
    expect(points(all, 'runstream.stream.open')).toEqual([[platform, 0]]);
    expect(points(all, 'runstream.stream.reconnects')).toEqual([]);
    const duration = histogram(all, 'runstream.stream.duration');
    expect(duration.attributes).toEqual({ ...platform, 'runstream.outcome': 'completed' });
    expect(duration.value.count).toBe(1);
    expect(all.get('runstream.stream.duration')!.descriptor.unit).toBe('s');
    const first = histogram(all, 'runstream.stream.time_to_first_event');
    expect(first.value.count).toBe(1);
    // Seconds, not milliseconds: a local run's first event comes well within its whole duration.
    expect(first.value.sum).toBeLessThanOrEqual(duration.value.sum!);
    expect(duration.value.sum).toBeLessThan(60);
  });

  it('counts a reconnect by its cause and delay source, and no gap when Last-Event-ID resumed it', async () => {
    server.dropNext('/v1/runs/run_failed/events', { afterEvents: 2 });
    const client = new Crewship({ baseUrl: server.url, apiKey: SECRET, reconnect: instantReconnect().reconnect, use: [instrument({ meterProvider, tracerProvider })] });
    await client.runs.stream('run_failed').finished;
    const all = await collect();
    expect(points(all, 'runstream.stream.reconnects')).toEqual([
      [{ 'runstream.platform': 'crewship', 'runstream.reconnect.cause': 'ConnectionError', 'runstream.reconnect.delay_source': 'backoff' }, 1],
    ]);
    expect(points(all, 'runstream.stream.gaps')).toEqual([]);
    // A run the platform reports failed is an outcome like any other.
    expect(points(all, 'runstream.stream.outcomes')).toEqual([[{ 'runstream.platform': 'crewship', 'runstream.outcome': 'failed' }, 1]]);
  });

  it('counts a gap when a stream without ids reconnects (FlowMaestro)', async () => {
    server.dropNext('/v1/executions/exec_xyz789/events', { afterEvents: 2 });
    const client = new FlowMaestro({ baseUrl: server.url, apiKey: SECRET, reconnect: instantReconnect().reconnect, use: [instrument({ meterProvider, tracerProvider })] });
    const types: string[] = [];
    for await (const event of client.executions.stream('exec_xyz789')) types.push(event.type);
    expect(types).toContain('resync');
    const all = await collect();
    expect(points(all, 'runstream.stream.gaps')).toEqual([[{ 'runstream.platform': 'flowmaestro' }, 1]]);
    expect(points(all, 'runstream.stream.reconnects').map(([, value]) => value)).toEqual([1]);
  });

  it('records a refused stream as an error outcome with its error.type', async () => {
    server.play('GET /otel-metrics/missing', { status: 404, body: 'no such stream' });
    const stream = connect(`${server.url}/otel-metrics/missing`, { use: [instrument({ meterProvider, tracerProvider })] });
    await expect(stream.finished).rejects.toBeInstanceOf(HTTPError);
    const all = await collect();
    // connect() knows no platform: no platform attribute.
    expect(points(all, 'runstream.stream.outcomes')).toEqual([[{ 'runstream.outcome': 'error', 'error.type': '404' }, 1]]);
    expect(points(all, 'runstream.stream.events')).toEqual([]);
    expect(all.get('runstream.stream.time_to_first_event')?.dataPoints ?? []).toEqual([]);
  });

  it('counts a stream as open from its start until it ends', async () => {
    server.play('GET /otel-metrics/long', { connections: [{ steps: [{ event: 'a', id: '1', data: 'x' }, { wait: 60_000 }] }] });
    const stream = connect(`${server.url}/otel-metrics/long`, { use: [instrument({ meterProvider, tracerProvider })] });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    expect(points(await collect(), 'runstream.stream.open')).toEqual([[{}, 1]]);
    stream.close();
    await stream.finished;
    const all = await collect();
    expect(points(all, 'runstream.stream.open')).toEqual([[{}, 0]]);
    expect(points(all, 'runstream.stream.outcomes')).toEqual([[{ 'runstream.outcome': 'closed' }, 1]]);
  });

  it('records nothing for a stream that is never started', async () => {
    connect(`${server.url}/otel-metrics/long`, { use: [instrument({ meterProvider, tracerProvider })] }).close();
    const all = await collect();
    expect(points(all, 'runstream.stream.open')).toEqual([]);
    expect(points(all, 'runstream.stream.outcomes')).toEqual([]);
  });

  it('records nothing with metrics: false', async () => {
    const client = new Crewship({ baseUrl: server.url, apiKey: SECRET, use: [instrument({ meterProvider, tracerProvider, metrics: false })] });
    await client.runs.stream('run_abc123').finished;
    expect([...(await collect()).keys()]).toEqual([]);
  });
});

describe('runstream/otel metrics: the global meter provider', () => {
  afterAll(() => metrics.disable());

  it('uses the global meter provider registered after instrument() was called', async () => {
    const feature = instrument({ tracerProvider });
    metrics.setGlobalMeterProvider(meterProvider);
    const client = new Crewship({ baseUrl: server.url, apiKey: SECRET, use: [feature] });
    await client.runs.stream('run_abc123').finished;
    expect(points(await collect(), 'runstream.stream.outcomes')).toEqual([[{ 'runstream.platform': 'crewship', 'runstream.outcome': 'completed' }, 1]]);
  });
});
