/**
 * Helpers for the integration tests: bounded collection of streams and views of the reference
 * server's logs.
 */
import { afterAll, beforeAll, expect, vi } from 'vitest';
import { Runstream, type ClientOptions } from '../../src/index.js';
import {
  startReferenceServer,
  type RecordedRequest,
  type ReferenceServer,
  type ReferenceServerOptions,
  type StreamRecord,
} from '../../src/testing/index.js';
export { rejection } from '../helpers/async.js';

export const API_KEY = 'test-key';

/** Fast reconnection for tests: 10 ms, few attempts. */
export const FAST_RECONNECT = { initialDelay: 10, maxAttempts: 3 } as const;

/** A test file's reference server (on 127.0.0.1) and a client for it. */
export interface ReferenceSetup {
  readonly server: ReferenceServer;
  readonly client: Runstream;
}

/**
 * Starts a reference server before the file's tests and closes it after them. The client
 * talks to it with `clientOptions` (by default the test key and fast reconnection). Read
 * `server` and `client` inside tests: they are set once `beforeAll` has run.
 */
export function useReferenceServer(
  serverOptions: ReferenceServerOptions = {},
  clientOptions: Omit<ClientOptions, 'baseUrl'> = { apiKey: API_KEY, reconnect: FAST_RECONNECT },
): ReferenceSetup {
  const setup = {} as { server: ReferenceServer; client: Runstream };
  beforeAll(async () => {
    setup.server = await startReferenceServer(serverOptions);
    setup.client = new Runstream({ ...clientOptions, baseUrl: setup.server.url });
  });
  afterAll(() => setup.server?.close());
  return setup;
}

/** Longest time any single stream in these tests may run, in ms. */
const STREAM_BUDGET = 5_000;

/** A deadline: a stream still running after it fails with TimeoutError, so a test that would wait too long fails. */
export function budget(ms: number = STREAM_BUDGET): AbortSignal {
  return AbortSignal.timeout(ms);
}

/** Collects every item, failing once more than `max` arrive. */
export async function collect<T>(iterable: AsyncIterable<T>, max = 100): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) {
    out.push(item);
    if (out.length > max) throw new Error(`collect(): more than ${max} items`);
  }
  return out;
}

/** Collects items until the iterable throws; fails the test when it ends without an error. */
export async function collectUntilError<T>(iterable: AsyncIterable<T>, max = 100): Promise<{ items: T[]; error: unknown }> {
  const items: T[] = [];
  try {
    for await (const item of iterable) {
      items.push(item);
      if (items.length > max) throw new Error(`collectUntilError(): more than ${max} items`);
    }
  } catch (error) {
    return { items, error };
  }
  throw new Error(`expected the stream to fail; it ended after ${items.length} items`);
}


/** What the server logs from the moment `watch()` is called. */
export interface ServerLog {
  /** Requests since then, optionally only those whose path starts with `pathPrefix`. */
  requests(pathPrefix?: string): RecordedRequest[];
  /** SSE responses since then, optionally only those whose path starts with `pathPrefix`. */
  streams(pathPrefix?: string): StreamRecord[];
  /** Waits until `count` SSE responses on `path` opened since then are open (e.g. bus subscribers). */
  opened(path: string, count: number): Promise<void>;
}

/** A view of what the server logs from now on. */
export function watch(server: ReferenceServer): ServerLog {
  const requestsFrom = server.requests.length;
  const streamsFrom = server.streams.length;
  const matches = (path: string, prefix: string | undefined) => prefix === undefined || path.startsWith(prefix);
  const streams = (prefix?: string) => server.streams.slice(streamsFrom).filter((stream) => matches(stream.path, prefix));
  return {
    requests: (prefix) => server.requests.slice(requestsFrom).filter((request) => matches(request.path, prefix)),
    streams,
    async opened(path, count) {
      await vi.waitFor(
        () => expect(streams().filter((stream) => stream.path === path && stream.state === 'open')).toHaveLength(count),
        { timeout: STREAM_BUDGET, interval: 5 },
      );
    },
  };
}

/** The `type` of each event. */
export function typesOf(events: readonly { type: string }[]): string[] {
  return events.map((event) => event.type);
}

/** The `id` of each event. */
export function idsOf(events: readonly { id: string }[]): string[] {
  return events.map((event) => event.id);
}
