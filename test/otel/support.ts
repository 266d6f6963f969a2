// The scenario the otel tests share: a Crewship run cut after two events and resumed with
// Last-Event-ID, streamed to its end by an instrumented client of the reference server.
import { expect } from 'vitest';
import type { TextMapPropagator, TracerProvider } from '@opentelemetry/api';
import { Crewship } from '../../src/index.js';
import { instrument } from '../../src/otel/index.js';
import { instantReconnect, type ReferenceServer } from '../../src/testing/index.js';

/** The cut run's path on the reference server. */
export const CUT_RUN_PATH = '/v1/runs/run_failed/events';

/**
 * Streams `run_failed`, cut after two events, to its end (`'failed'`) through a client with
 * `use: [instrument(…)]`; returns the event ids, the reconnect delays waited (ms) and how many
 * requests the server had logged before.
 */
export async function streamCutRun(
  server: ReferenceServer,
  apiKey: string,
  options: { tracerProvider: TracerProvider; propagator: TextMapPropagator },
): Promise<{ ids: string[]; delays: readonly number[]; before: number }> {
  server.dropNext(CUT_RUN_PATH, { afterEvents: 2 });
  const before = server.requests.length;
  const clock = instantReconnect();
  const client = new Crewship({ baseUrl: server.url, apiKey, reconnect: clock.reconnect, use: [instrument(options)] });
  const stream = client.runs.stream('run_failed');
  const ids: string[] = [];
  for await (const event of stream) ids.push(event.id ?? '');
  expect(stream.outcome?.type).toBe('failed');
  return { ids, delays: clock.delays, before };
}
