/**
 * `connect()`: the public low-level entry. One SSE endpoint, any method, any headers.
 *
 * @module
 */
import { invalidData, redactUrl, type StreamError } from './errors.js';
import { refuseCredentials } from './redact.js';
import type { StreamObserver } from './lifecycle.js';
import type { DebugOption } from '../features/debug.js';
import { EventStream } from './stream.js';
import type { DefaultEvents, JsonEvents, EventMap, StreamAdapter, StreamConfig, StreamEvent, StreamFeature } from './types.js';
import { DEFAULTS, invalidPort, resolveReconnect, stripUndefined, validateOptions, type BodyLike, type Defined, type HeadersLike, type OpenInfo, type ReconnectInfo, type ReconnectOptions, type ResumeMode } from './options.js';

/**
 * Options every event stream takes, from `connect()` or a resource method.
 */
export interface StreamOptions {
  /** Extra request headers. `Accept: text/event-stream` is sent unless you set `Accept`. */
  headers?: HeadersLike | undefined;
  /**
   * Aborting it closes the stream quietly (no error), whatever stage it is in; an abort whose
   * reason is a timeout (`AbortSignal.timeout(ms)`) ends it with `TimeoutError` instead.
   */
  signal?: AbortSignal | undefined;
  /**
   * Sent as the `Last-Event-ID` header on the first request, to resume after an event you
   * already have (e.g. one stored from {@link EventStream.lastEventId}).
   * @defaultValue none
   */
  lastEventId?: string | undefined;
  /**
   * Reconnection of GET streams: `false` turns it off, `true` or an object of
   * {@link ReconnectOptions} turns it on. A POST stream sends its body again only after a 408,
   * 429 or 503 that came before any event, or with `resume: 'resend'`.
   * @defaultValue true (with {@link DEFAULTS}`.reconnect`)
   */
  reconnect?: boolean | ReconnectOptions | undefined;
  /**
   * Largest event, in characters, that the stream buffers (the parser's `maxBufferSize`: a
   * partial line plus the event's data so far): a whole number ≥ 1. Beyond it the stream fails
   * with a `StreamError` of code `'max-buffer-size'`.
   * @defaultValue 16 Mi characters ({@link DEFAULTS}`.maxEventSize`)
   */
  maxEventSize?: number | undefined;
  /**
   * Called with a `StreamError` of code `'invalid-data'` (raw text in `error.data`) when an
   * event's data cannot be decoded; the stream then goes on with the next event. Throw from it
   * to end the stream with that error instead. Without it, such an event ends the stream with
   * the error (after every earlier event was delivered).
   */
  onInvalidData?: ((error: StreamError) => void) | undefined;
  /**
   * Called before each reconnect wait with the attempt, the delay in ms and its source, the
   * cause and the id. Sugar for an {@link StreamOptions.observe} of `'reconnect'`.
   */
  onReconnect?: ((info: ReconnectInfo) => void) | undefined;
  /**
   * Called each time a connection opens (first connect and every reconnect), once the response
   * is accepted as `text/event-stream` and before its first event: the moment to start work
   * that the stream must not miss. Sugar for an {@link StreamOptions.observe} of `'open'`.
   */
  onOpen?: ((info: OpenInfo) => void) | undefined;
  /**
   * Observes the stream's own life from its start: the same as calling
   * {@link EventStream.observe} on the returned stream, before it has a consumer. See
   * `StreamLifecycleEvent`.
   */
  observe?: StreamObserver | undefined;
  /**
   * Silence, in milliseconds, after which the connection counts as dropped: any bytes reset
   * it (events, comments, keepalive events), a consumer that is still busy with earlier events
   * pauses it. A GET stream then reconnects with `Last-Event-ID`. From 0 to 2³¹−1
   * (2147483647); 0 turns it off. It is never a limit on the stream's total length.
   *
   * It is also the ceiling of a timeout learned from the server's keepalives (SSE comments such
   * as `: keepalive`, and the platforms' keepalive events: Crewship and PraisonAI `heartbeat`,
   * stax `ping`). Once a connection has seen four keepalives at a steady pace (three intervals
   * in a row, the longest at most 1.5 times the shortest; keepalives under 50 ms apart count as
   * one), three of those intervals of silence drop it, but never less than 1000 ms and never
   * more than `idleTimeout`: a relay that keeps alive every 15 s is dropped after 45 s of
   * silence, not after 120 s. A late keepalive lengthens the learned interval at once; a
   * shorter one takes three steady intervals. Each connection learns afresh (another server
   * or proxy may answer it), so until then `idleTimeout` applies. The error's message says
   * which timeout fired (`idle timeout, learned from keepalives every … ms`).
   *
   * With 0 nothing is learned: 0 means no idle timeout at all, as EventSource has none, and a
   * silence a server keeps on purpose (a POST stream that cannot be resumed, a server whose
   * comments are progress rather than keepalives) must not become a drop the caller never
   * asked for. Any other value opts in; set it to what you would wait at most.
   * @defaultValue per platform, see {@link DEFAULTS}`.idleTimeout` (`connect()`: 0)
   */
  idleTimeout?: number | undefined;
  /**
   * How a stream whose request has a body continues after a drop: `'resend'` or
   * `{ url }` (a GET with `Last-Event-ID`); see {@link ResumeMode}. Without it a POST stream is
   * never sent twice once the server may have accepted it (408, 429 and 503 answers are retried:
   * the server said it did not take the request).
   * @defaultValue `'none'`
   */
  resume?: ResumeMode | undefined;
  /**
   * Optional pieces this stream uses, each imported where it is needed:
   * `pageLifecycle()` (reconnect at once when a page comes back online or from the
   * back/forward cache; with `pauseWhenHidden`, no connection while hidden) and `dedupe()`
   * (drop events whose `id:` was already delivered). A stream pays only for the pieces it
   * imports.
   * @defaultValue none
   */
  use?: readonly StreamFeature[] | undefined;
  /**
   * The debug log of a resource's stream: one redacted line per decision (request, answer,
   * reconnect and its delay's source, resync, gap, end and why), see `debugStream`. `true`
   * writes to the console (`console.error` where there is a `process`, else `console.debug`), a
   * function receives each line, `false` turns it off even when `RUNSTREAM_DEBUG` is set.
   * Not an option of `connect()`, whose bundle carries no formatter: there, pass
   * `observe: debugStream(write)`.
   * @defaultValue the client's `debug`; else on when the environment variable
   *   `RUNSTREAM_DEBUG` is `1` (read from `globalThis.process.env`: Node, Bun, Deno with
   *   `--allow-env`), else off
   */
  debug?: DebugOption | undefined;
}

/** Options of {@link connect}. */
export interface ConnectOptions extends Omit<StreamOptions, 'debug'> {
  /** HTTP method. @defaultValue `'GET'` */
  method?: string | undefined;
  /**
   * Request body. A plain object or array is sent as JSON with `Content-Type:
   * application/json`; any other `BodyInit` (string, `FormData`, `Blob`, …) as is. A POST stream
   * is never sent twice: when it drops, the stream fails with the error and its `lastEventId`.
   */
  body?: BodyLike | Record<string, unknown> | readonly unknown[] | null | undefined;
  /** The fetch to use, e.g. one with a proxy agent. @defaultValue `globalThis.fetch` */
  fetch?: typeof fetch | undefined;
  /**
   * Decode each event's `data` as JSON (`event.data` is then the parsed value; `event.raw`
   * keeps the text). Invalid JSON is handled as {@link StreamOptions.onInvalidData} says.
   * @defaultValue false
   */
  json?: boolean | undefined;
  /**
   * Decode each event's `data` with this function instead (it receives the text and the event
   * name); what it throws is treated like invalid JSON. Takes precedence over `json`.
   */
  decode?: ((data: string, type: string) => unknown) | undefined;
  /**
   * A `data:` value that ends the stream cleanly instead of being an event, e.g. `'[DONE]'`
   * (OpenAI-style streams). It is compared with the whole `data` text before any decoding, so
   * `json: true` never fails on it; the stream then closes without reconnecting.
   * @defaultValue none
   */
  endMarker?: string | undefined;
}

/** True for values sent as JSON: plain objects and arrays. */
function isJsonBody(body: unknown): body is Record<string, unknown> | readonly unknown[] {
  if (Array.isArray(body)) return true;
  if (body === null || typeof body !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(body);
  return proto === Object.prototype || proto === null;
}

/**
 * A JSON-decoding adapter: `event:` names the type, `data:` is decoded by `decode`; a `data:`
 * equal to `endMarker` ends the stream. @internal
 */
export function plainAdapter(decode: ((data: string, type: string) => unknown) | undefined, endMarker?: string): StreamAdapter {
  // The two common adapters are shared by every stream (one less object per stream).
  if (endMarker === undefined && (decode === undefined || decode === parseJson)) return decode ? JSON_ADAPTER : TEXT_ADAPTER;
  return makeAdapter(decode, endMarker);
}

/** `json: true`'s decoder. */
const parseJson = (text: string): unknown => JSON.parse(text);

function makeAdapter(decode: ((data: string, type: string) => unknown) | undefined, endMarker: string | undefined): StreamAdapter {
  return {
    toEvent(message, lastEventId): StreamEvent | null {
      const type = message.event ?? 'message';
      const raw = message.data;
      if (raw === endMarker) return null;
      if (!decode) return { type, data: raw, id: lastEventId, raw };
      let data: unknown;
      try {
        data = decode(raw, type);
      } catch (cause) {
        throw invalidData(type, raw, lastEventId, cause);
      }
      return { type, data, id: lastEventId, raw };
    },
  };
}

const TEXT_ADAPTER = makeAdapter(undefined, undefined);
const JSON_ADAPTER = makeAdapter(parseJson, undefined);

/** The default `fetch`: called through a function, since browsers reject `fetch` invoked with another `this`. @internal */
export const globalFetch: typeof fetch = (input, init) => globalThis.fetch(input, init);

/**
 * The URL a stream requests: absolute http(s) URLs as given; in a page (or a worker), a
 * relative URL resolved against its `location`, as `fetch` would. @internal
 *
 * @throws TypeError for anything else (a relative URL outside a page, `ftp:`, a port that is
 *   not 1–65535, a typo), and for a URL with user info (`user:password@`), at once: retrying
 *   cannot make such a URL work.
 */
export function streamUrl(url: string, what = 'the stream URL'): string {
  refuseCredentials(url, what);
  const port = invalidPort(url);
  // The URL is not quoted: what stands where its port should may be a password that lost its `@`.
  if (port) throw new TypeError(`runstream: ${what} ${port}`);
  let parsed = parseUrl(url);
  const absolute = !!parsed;
  const base = (globalThis as { location?: { href?: unknown } }).location?.href;
  if (!parsed && typeof base === 'string') parsed = parseUrl(url, base);
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new TypeError(
      `runstream: ${what} "${redactUrl(url)}" ${parsed ? `has the scheme ${parsed.protocol}; only http: and https: serve event streams` : 'is not an absolute http(s) URL (relative URLs work only in a page, against its location)'}`,
    );
  }
  return absolute ? url : parsed.href;
}

function parseUrl(url: string, base?: string): URL | undefined {
  try {
    return new URL(url, base);
  } catch {
    return undefined;
  }
}

/**
 * Resolves stream options into the configuration an `EventStream` runs on, checking them once.
 *
 * @throws TypeError for a URL that can never work (see {@link streamUrl}); RangeError for a
 *   numeric option out of its range (see `validateOptions`).
 * @internal
 */
export function streamConfig(
  url: string,
  method: string,
  options: StreamOptions & { body?: ConnectOptions['body']; fetch?: typeof fetch | undefined },
  adapter: StreamAdapter,
  idleTimeout: number = DEFAULTS.idleTimeout.connect,
): StreamConfig {
  validateOptions(options);
  const headers = new Headers(options.headers);
  if (!headers.has('accept')) headers.set('accept', 'text/event-stream');
  let body: BodyLike | undefined;
  if (isJsonBody(options.body)) {
    body = JSON.stringify(options.body);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  } else if (options.body != null) {
    body = options.body as BodyLike;
  }
  if (typeof options.resume === 'object' && typeof options.resume.url === 'string') streamUrl(options.resume.url, 'the resume URL');
  if (options.resume === 'resend' && body instanceof ReadableStream) {
    throw new TypeError("runstream: resume: 'resend' needs a body that can be sent twice, not a ReadableStream");
  }
  return {
    maxEventSize: DEFAULTS.maxEventSize,
    idleTimeout,
    resume: 'none',
    lastEventId: '',
    // Callbacks, signal, and the options above when given.
    ...(stripUndefined(options) as Defined<StreamOptions>),
    url: streamUrl(url),
    method: method.toUpperCase(),
    // A plain record (names lower-cased by Headers): each connection copies it, and a Headers
    // object per stream costs more memory than the few names it holds.
    headers: Object.fromEntries(headers),
    body,
    fetch: options.fetch ?? globalFetch,
    reconnect: resolveReconnect(options.reconnect),
    adapter,
  };
}

/**
 * Opens an event stream on any SSE endpoint.
 *
 * The request starts when the stream gets its first consumer. Each event is
 * `{ type, data, id, raw }`: `type` is the SSE `event:` field (`'message'` when absent),
 * `data` the `data:` text (or decoded with `json`/`decode`), `id` the last event ID.
 * Comments are not events; an `id:` without `data:` still updates the last event ID; `retry:`
 * sets the reconnection delay.
 *
 * Reconnection (GET): when the response ends or the connection drops, the stream reconnects
 * after the delay and sends `Last-Event-ID`, as EventSource does, until you close it. 5xx, 408
 * and 429 are retried (honouring `Retry-After`); other 4xx fail; 204 ends the stream.
 * A POST stream is re-sent only after a 408, 429 or 503 that came before any event (nothing
 * started yet), or as its `resume` option says; otherwise, when one drops, the stream fails
 * with `ConnectionError` carrying `lastEventId`.
 *
 * @example
 * ```ts
 * import { connect } from 'runstream';
 *
 * const stream = connect('http://127.0.0.1:8080/events', { json: true });
 * for await (const event of stream) {
 *   console.log(event.type, event.id, event.data);
 * }
 * ```
 *
 * @typeParam Events - maps event names to the type of `data` (with `json` or `decode`, the
 *   decoded type; without, `string`).
 * @param url - the endpoint (absolute in browsers too, or relative to the page).
 * @param options - see {@link ConnectOptions}.
 * @returns the stream; nothing is requested until it has a consumer.
 * @throws TypeError synchronously when `url` is not an absolute http(s) URL (outside a page, a
 *   relative URL such as `'/events'` is an error too), when its port is not 1–65535, or when it
 *   carries user info (`https://user:password@host/`; send credentials in `headers` instead).
 * @throws RangeError synchronously when a numeric option is out of its documented range
 *   (`idleTimeout`, `maxEventSize`, a `reconnect` field), naming it and the value. The stream fails (iterator throws, `finished` rejects) with
 *   `HTTPError` (non-2xx other than retried statuses), `ConnectionError` (network failure of a
 *   non-reconnecting stream), `StreamError` (`'invalid-content-type'`, `'invalid-data'`,
 *   `'max-buffer-size'`, `'retries-exhausted'`).
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html
 */
export function connect<Events extends EventMap = JsonEvents>(
  url: string | URL,
  options: ConnectOptions & ({ json: true } | { decode: (data: string, type: string) => unknown }),
): EventStream<Events>;
export function connect<Events extends EventMap = DefaultEvents>(url: string | URL, options?: ConnectOptions): EventStream<Events>;
export function connect<Events extends EventMap>(url: string | URL, options: ConnectOptions = {}): EventStream<Events> {
  const decode = options.decode ?? (options.json ? parseJson : undefined);
  return new EventStream<Events>(streamConfig(String(url), options.method ?? 'GET', options, plainAdapter(decode, options.endMarker)));
}
