/**
 * Shared pieces of the core tests: an msw route that answers a scripted sequence of responses
 * and records each request, an SSE body that stays open, and a log of `onReconnect` calls. For
 * fast reconnects and reading whole streams, the tests use the public kit (`instantReconnect()`,
 * `collectEvents()` of `runstream/testing`).
 */
import { http } from 'msw';
import type { ReconnectInfo } from '../../src/index.js';
import { BASE, server } from '../helpers/msw.js';
export { rejection } from '../helpers/async.js';

const encoder = new TextEncoder();

/** One request as the server saw it. */
export interface Seen {
  method: string;
  url: string;
  headers: Headers;
  body: string;
  signal: AbortSignal;
}

type Responder = (request: Request) => Response | Promise<Response>;

/**
 * Serves `path` (below {@link BASE}) with `responders` in order, one per request, and records
 * the requests. A request past the script gets a 418, which fails any stream with an
 * `HTTPError`, so an unexpected reconnect cannot pass unnoticed.
 */
export function route(method: 'get' | 'post', path: string, responders: readonly Responder[]): Seen[] {
  const seen: Seen[] = [];
  server.use(
    http[method](`${BASE}${path}`, async ({ request }) => {
      const index = seen.length;
      seen.push({
        method: request.method,
        url: request.url,
        headers: new Headers(request.headers),
        body: await request.clone().text(),
        signal: request.signal,
      });
      const responder = responders[index];
      return responder ? responder(request) : new Response(`unexpected request #${index + 1}`, { status: 418 });
    }),
  );
  return seen;
}

/** An SSE body that sends `chunks` and then stays open until the client cancels it. */
export function openBody(chunks: readonly string[] = []): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
    },
  });
}

/** An SSE `Response` whose body stays open after `chunks`. */
export function openResponse(chunks: readonly string[] = []): Response {
  return new Response(openBody(chunks), { headers: { 'content-type': 'text/event-stream' } });
}

/**
 * A connection the test drops on cue: `response()` sends `chunks` and keeps the body open;
 * `drop()` then fails the body as a reset socket does. Dropping only once the client has read
 * what it should matters: a failing body discards the chunks still queued in it.
 */
export function droppable(chunks: readonly string[]): { response: () => Response; drop: () => void } {
  let drop!: () => void;
  const dropped = new Promise<void>((resolve) => {
    drop = resolve;
  });
  return {
    response: () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
            void dropped.then(() => controller.error(new TypeError('terminated')));
          },
        }),
        { headers: { 'content-type': 'text/event-stream' } },
      ),
    drop,
  };
}

/**
 * A log of `onReconnect` calls, for the constructor callback (the kit's `instantReconnect()`
 * records the delays): pass `onReconnect` to the stream, read `reconnects`.
 */
export function reconnectLog(): { onReconnect: (info: ReconnectInfo) => void; reconnects: ReconnectInfo[] } {
  const reconnects: ReconnectInfo[] = [];
  return { onReconnect: (info) => reconnects.push(info), reconnects };
}
