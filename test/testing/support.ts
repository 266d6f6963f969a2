/**
 * The three ways of serving a script, behind one interface, so a test runs the same script
 * through `scriptedFetch()`, the msw handlers and the reference server's `play()`.
 *
 * msw patches `globalThis.fetch` once it listens; the reference-server way uses the fetch
 * captured before that, so its requests go to the real socket.
 */
import { afterAll, beforeAll } from 'vitest';
import { Runstream, type StreamEvent } from '../../src/index.js';
import { instantReconnect, scriptedFetch, startReferenceServer, type ReferenceServer, type Script, type ScriptConnection, type ScriptInput, type ScriptRoutes, type ScriptedRequest } from '../../src/testing/index.js';
import { scriptHandlers } from '../../src/testing/msw.js';
import { BASE, server as mswServer, useMsw } from '../helpers/msw.js';

/** The fetch of the runtime, before msw patches it. */
export const realFetch: typeof fetch = globalThis.fetch.bind(globalThis);

/** One way of serving scripts. */
export interface Way {
  readonly name: 'scriptedFetch' | 'msw' | 'reference server';
  /**
   * Serves `routes` from now on (replacing what this way served before); returns a reader of
   * the requests each route's script answered.
   */
  serve(routes: ScriptRoutes): (route: string) => readonly ScriptedRequest[];
  /** The base URL a client uses. */
  readonly baseUrl: string;
  /** The fetch a client uses. */
  readonly fetch: typeof fetch;
}

/**
 * Sets up the three ways for a test file: msw listening with `onUnhandledRequest: 'error'`, a
 * reference server on 127.0.0.1. Read the ways inside tests.
 */
export function useWays(): readonly Way[] {
  useMsw();
  let reference: ReferenceServer | undefined;
  beforeAll(async () => {
    reference = await startReferenceServer();
  });
  afterAll(() => reference?.close());
  let current = scriptedFetch([]);
  return [
    {
      name: 'scriptedFetch',
      serve(routes) {
        const served = scriptedFetch(routes);
        current = served;
        return (route) => served.requests.filter((request) => request.route === route);
      },
      baseUrl: 'https://api.test',
      fetch: (input, init) => current(input, init),
    },
    {
      name: 'msw',
      serve(routes) {
        const handlers = scriptHandlers(routes, BASE);
        mswServer.resetHandlers(...handlers);
        const keys = Object.keys(routes);
        return (route) => handlers[keys.indexOf(route)]!.requests;
      },
      baseUrl: BASE,
      fetch: (input, init) => globalThis.fetch(input, init),
    },
    {
      name: 'reference server',
      serve(routes) {
        const played = new Map(Object.entries(routes).map(([route, script]) => [route, reference!.play(route, script)]));
        return (route) => played.get(route)!.requests;
      },
      get baseUrl() {
        return reference!.url;
      },
      fetch: realFetch,
    },
  ];
}

/** A multi-platform client for `way`, reconnecting without waiting (at most three times in a row). */
export function clientOf(way: Way): Runstream {
  return new Runstream({ baseUrl: way.baseUrl, apiKey: 'test-key', fetch: way.fetch, reconnect: instantReconnect({ maxAttempts: 3 }).reconnect });
}

/** What tests compare of an event. */
export function shape(events: readonly StreamEvent[]): { type: string; data: unknown; id: string }[] {
  return events.map(({ type, data, id }) => ({ type, data, id }));
}

/** The first connection of a script, whatever form it was given in. */
export function firstConnection(input: ScriptInput): ScriptConnection {
  if (Array.isArray(input)) return { steps: input };
  if ('connections' in (input as Script)) return (input as Script).connections[0]!;
  return input as ScriptConnection;
}

/**
 * The same response, its SSE bytes written as `chunks` (one raw write each); a final
 * `{ wait: Infinity }` (a bus held open) is kept.
 */
export function rechunked(input: ScriptInput, chunks: readonly Uint8Array[]): Script {
  const connection = firstConnection(input);
  const last = connection.steps?.at(-1);
  const hold = last !== undefined && 'wait' in last && last.wait === Infinity;
  const { status, headers } = connection;
  return {
    connections: [{ status, headers, steps: [...chunks.map((raw) => ({ raw })), ...(hold ? [{ wait: Infinity }] : [])] }],
    afterLast: 'repeat',
  };
}
