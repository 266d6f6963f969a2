/**
 * The relay: an `EventStream` turned back into SSE bytes for a page, so that the platform key
 * stays on the server. Web APIs only: Node, Next.js route handlers, Hono, Deno, Bun, workers.
 *
 * @module
 */
import { encodeFrame, type SSEFrame } from '../core/encode.js';
import { isHTTPError, isStreamError } from '../core/errors.js';
import type { EventMap, StreamEvent } from '../core/types.js';
import type { EventStream } from '../core/stream.js';
import { validateOptions } from '../core/options.js';

/** Options of {@link relayStream} and {@link relayResponse}. */
export interface RelayOptions {
  /**
   * Interval of keepalive comments (`: keepalive`) toward the page, in milliseconds, so that
   * proxies do not drop a quiet connection: from 0 to 2³¹−1 (2147483647); 0 turns them off.
   * Anything else throws a `RangeError` when the relay is made.
   * @defaultValue 15000
   */
  keepalive?: number | undefined;
}

/** Longest `Last-Event-ID` {@link lastEventIdFrom} accepts, in characters. */
const MAX_LAST_EVENT_ID = 1024;

/**
 * The stream as SSE bytes again, for a page (a relay that keeps the platform key on the server):
 * a `ReadableStream<Uint8Array>` of `event:`/`id:`/`data:` frames, with `retry:` when the
 * upstream sent one (the SSE `retry` field), `: keepalive` comments every `keepalive` ms, and a
 * final `event: error` frame if the upstream fails: its data is a {@link RelayErrorData} (the
 * error's class, a fixed message, the HTTP `status` and runstream's `code`; never a URL, a header,
 * a body or a key).
 * It ends after the platform's terminal event. Pull-based: a page that reads slowly makes the
 * upstream be read slowly. Cancelling it (the page went away) closes the stream and its upstream
 * request. Decoded `data` is sent as JSON, text as it came. It iterates the stream, so the stream
 * cannot be iterated as well (listeners still work). For a `Response` with the right headers, see
 * {@link relayResponse}. A function rather than a method of `EventStream`, so that a browser
 * bundle that only reads streams does not carry the encoder.
 *
 * @example
 * ```ts
 * import { Crewship, relayStream } from 'runstream';
 *
 * const crewship = new Crewship({ apiKey: process.env.CREWSHIP_API_KEY });
 * const body = relayStream(crewship.runs.stream('run_abc123'), { keepalive: 10_000 });
 * ```
 *
 * @param stream - the upstream stream, not yet iterated.
 * @param options - `keepalive`, in ms (default 15000; 0 disables).
 * @throws TypeError when the stream is already being iterated.
 * @throws RangeError when `keepalive` is not a number of milliseconds from 0 to 2³¹−1.
 */
export function relayStream<Events extends EventMap>(stream: EventStream<Events>, options: RelayOptions = {}): ReadableStream<Uint8Array> {
  validateOptions(options);
  const encoder = new TextEncoder();
  const send = (controller: ReadableStreamDefaultController<Uint8Array>, text: string) => controller.enqueue(encoder.encode(text));
  const interval = options.keepalive ?? 15_000;
  let iterator: AsyncIterator<StreamEvent, undefined> | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  let id = stream.lastEventId;
  let retry: number | undefined;
  const finish = () => clearInterval(timer);
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        iterator = (stream as unknown as AsyncIterable<StreamEvent>)[Symbol.asyncIterator]();
        if (interval > 0) {
          timer = setInterval(() => {
            // One keepalive at most waits in the queue: a page that stopped reading gets no pile.
            if ((controller.desiredSize ?? 0) >= 0) send(controller, ': keepalive\n\n');
          }, interval);
        }
      },
      async pull(controller) {
        let result: IteratorResult<StreamEvent, undefined>;
        try {
          result = await iterator!.next();
        } catch (error) {
          finish();
          send(controller, encodeFrame({ event: 'error', data: safeError(error) }));
          return controller.close();
        }
        if (result.done) {
          finish();
          return controller.close();
        }
        const event = result.value;
        // Text that arrived as text goes on as it came; decoded data goes on as JSON.
        const frame: SSEFrame = { data: event.data === event.raw ? event.raw : JSON.stringify(event.data ?? null) };
        if (event.type !== 'message') frame.event = event.type;
        if (event.id !== id) frame.id = id = event.id;
        if (stream.retry !== retry) frame.retry = retry = stream.retry;
        send(controller, encodeFrame(frame));
      },
      cancel() {
        // The page went away: no orphaned upstream connection.
        finish();
        stream.close();
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * The data of the relay's final `event: error` frame: what a page may learn of an upstream
 * failure. Never a URL, a header, a body or a key.
 *
 * Read by a platform resource on the page (e.g. `Crewship`'s `runs.stream()` through a relay),
 * it becomes a `StreamError` of code `'server-error-event'` whose `status` is this `status` when
 * it is a number (`serverStatus` when it is a word) and whose `serverCode` is this `code`; a `connect()` stream delivers it as an event of type
 * `'error'` with this object as its `data` (with `json: true`).
 */
export interface RelayErrorData {
  /** The upstream error's class: `'HTTPError'`, `'StreamError'`, `'ConnectionError'`, `'TimeoutError'`, or `'Error'`. */
  name: string;
  /** A fixed sentence naming the failure, e.g. `'the upstream answered HTTP 401'`. */
  message: string;
  /**
   * The upstream's HTTP status (an `HTTPError`'s, or the one a `'retries-exhausted'`
   * `StreamError` last got), or the status the platform reported with a `'server-error-event'`
   * (a number such as `404`, or a word such as `'failed'`); absent when there is none.
   */
  status?: number | string;
  /** runstream's code of an upstream `StreamError` (see `StreamErrorCode`); absent for other errors. */
  code?: string;
}

/** The relay's error frame data for `error`; see {@link RelayErrorData}. */
function safeError(error: unknown): RelayErrorData {
  // The guards, not `instanceof`: the upstream stream may come from another loaded copy of runstream.
  if (isHTTPError(error)) return { name: 'HTTPError', message: `the upstream answered HTTP ${error.status}`, status: error.status };
  if (isStreamError(error)) {
    const status = error.status ?? error.serverStatus ?? (isHTTPError(error.cause) ? error.cause.status : undefined);
    return { name: 'StreamError', message: `the upstream stream failed (${error.code})`, ...(status === undefined ? {} : { status }), code: error.code };
  }
  const name = error instanceof Error && /^(ConnectionError|TimeoutError)$/.test(error.name) ? error.name : 'Error';
  return { name, message: name === 'TimeoutError' ? 'the upstream timed out' : 'the upstream connection failed' };
}

/**
 * Wraps {@link relayStream} in a `Response` for a Web `Request → Response`
 * handler (Next.js route handlers, Hono, Deno, Bun, workers), with the headers an event stream
 * needs through proxies: `content-type: text/event-stream`, `cache-control: no-cache`,
 * `x-accel-buffering: no` (nginx). Upstream response headers never pass on.
 *
 * @example
 * ```ts
 * import { Crewship, lastEventIdFrom, relayResponse } from 'runstream';
 *
 * const crewship = new Crewship({ apiKey: process.env.CREWSHIP_API_KEY });
 * export function GET(request: Request): Response {
 *   // The server decides what is streamed; the page contributes only its Last-Event-ID.
 *   const stream = crewship.runs.stream('run_abc123', { lastEventId: lastEventIdFrom(request), signal: request.signal });
 *   return relayResponse(stream);
 * }
 * ```
 *
 * @param stream - the upstream stream, not yet iterated (the relay iterates it).
 * @param options - `keepalive` (ms), and `status` / `headers` added to the response.
 * @returns a `200` response whose body is the stream's frames; it ends after the upstream's
 *   terminal event, with a final `event: error` frame (a safe message) if the upstream fails.
 * @throws TypeError when the stream is already being iterated.
 * @throws RangeError when `keepalive` is not a number of milliseconds from 0 to 2³¹−1.
 */
export function relayResponse<Events extends EventMap>(
  stream: EventStream<Events>,
  options: RelayOptions & { status?: number | undefined; headers?: Record<string, string> | undefined } = {},
): Response {
  return new Response(relayStream(stream, options), {
    status: options.status ?? 200,
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no', ...options.headers },
  });
}

/**
 * The `Last-Event-ID` a page sent, checked: the one thing a relay should take from the page.
 * Accepts a `Request`, `Headers`, or a raw header value (Node's `req.headers['last-event-id']`).
 * Header values travel as bytes: the UTF-8 an SSE client sends is decoded back to text.
 *
 * @returns the id, or `''` (no id, as EventSource's `lastEventId` says it) when there is none,
 *   or when it is not one line of at most 1024 characters (CR, LF or NUL in it): such a value is
 *   ignored, never passed upstream.
 */
export function lastEventIdFrom(source: Request | Headers | string | readonly string[] | null | undefined): string {
  let value: string | null | undefined;
  if (typeof source === 'string' || source == null) value = source;
  else if (Array.isArray(source)) value = source[0];
  else value = (('headers' in source ? source.headers : source) as Headers).get('last-event-id');
  if (!value || value.length > MAX_LAST_EVENT_ID || /[\r\n\0]/.test(value)) return '';
  // A byte string (each char ≤ U+00FF) is the UTF-8 of the id: decode it, keeping ASCII as is.
  if (/^[\0-\xff]*$/.test(value) && /[\x80-\xff]/.test(value)) {
    const bytes = Uint8Array.from(value, (char) => char.charCodeAt(0));
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    if (!text.includes('\ufffd')) return text;
  }
  return value;
}
