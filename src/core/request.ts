/**
 * The transport resources call through: base URL joining, headers and auth, JSON calls with a
 * deadline and typed errors, and event streams with the client's defaults.
 *
 * @module
 */
import { ConnectionError, HTTPError, MAX_ERROR_BODY, TimeoutError, isTimeoutReason } from './errors.js';
import { cut } from './error-data.js';
import { EventStream } from './stream.js';
import type { EventMap, StreamAdapter, StreamConfig, StreamFeature } from './types.js';
import { platformOutcome } from '../features/outcome.js';
import { resyncWith } from '../features/resync.js';
import { httpErrorFrom } from './http.js';
import { describe, errnoOf, hostPort } from './connection.js';
import { redactUrl, refuseCredentials } from './redact.js';
import { traceCall } from './call.js';
import { debugCalls, debugSink, debugStream } from '../features/debug.js';
import {
  DEFAULTS,
  invalidPort,
  stripUndefined,
  validateOptions,
  type AuthScheme,
  type ClientOptions,
  type HeadersLike,
  type RequestOptions,
} from './options.js';
import { globalFetch, streamConfig, type StreamOptions } from './sse.js';

/** Query parameters; `undefined` values are left out. @internal */
export type Query = Record<string, string | number | undefined>;

/** One request as a resource describes it. @internal */
export interface RequestSpec {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path below the base URL, starting with `/`; path parameters already encoded. */
  path: string;
  query?: Query | undefined;
  body?: Record<string, unknown> | undefined;
  /** The platform's documented auth scheme, used unless the client sets `auth`. */
  auth: AuthScheme;
}

/** What only a resource knows of its stream. @internal */
export interface StreamSpec {
  /** The platform's default idle timeout, in ms. */
  idleTimeout?: number;
  /** The platform definition's `name`; see `StreamInfo.platform`. */
  platform?: string;
  /** The route's ids (the caller's object: `jobs.start()` fills `jobId` in later); see `StreamInfo.ids`. */
  ids?: Readonly<Record<string, string>>;
}

/**
 * Resolved client configuration, shared by every resource of one client.
 *
 * @internal
 */
export class Transport {
  readonly baseUrl: string;
  readonly #apiKey: string | undefined;
  readonly #auth: AuthScheme | undefined;
  readonly #headers: Headers;
  readonly #fetch: typeof fetch;
  readonly #timeout: number;
  readonly #reconnect: ClientOptions['reconnect'];
  readonly #onStream: ClientOptions['onStream'];
  readonly #use: ClientOptions['use'];
  readonly #onCall: ClientOptions['onCall'];
  readonly #debug: ClientOptions['debug'];
  /** JSON calls made so far (numbers the `onCall` steps). */
  #calls = 0;
  readonly #maxEventSize: number | undefined;
  readonly #idleTimeout: number | undefined;

  /**
   * @throws TypeError when `baseUrl` is not an absolute http(s) URL (or its port is not 1–65535),
   *   or an `apiKey` is given in a browser page without `dangerouslyAllowBrowser`.
   * @throws RangeError when a numeric option is out of its range (see {@link validateOptions}).
   */
  constructor(options: ClientOptions) {
    const baseUrl: unknown = options?.baseUrl;
    if (typeof baseUrl === 'string') refuseCredentials(baseUrl, '`baseUrl`');
    const port = typeof baseUrl === 'string' ? invalidPort(baseUrl) : undefined;
    if (port) throw new TypeError(`runstream: \`baseUrl\` ${port}`);
    if (typeof baseUrl !== 'string' || !/^https?:\/\//i.test(baseUrl) || !parses(baseUrl)) {
      throw new TypeError('runstream: `baseUrl` must be an absolute http(s) URL, e.g. "https://api.crewship.dev"');
    }
    validateOptions(options);
    if (options.apiKey && isBrowserPage() && !options.dangerouslyAllowBrowser) {
      const dom = simulatedDom();
      throw new TypeError(
        'runstream: an apiKey in a browser page can be read by anyone who can open the page and replayed against the platform. ' +
          'Call the platform from your server instead, or pass a short-lived, narrowly scoped token with `dangerouslyAllowBrowser: true`. ' +
          (dom
            ? `This looks like ${dom}, a test runner's simulated page: pass \`dangerouslyAllowBrowser: true\` in the test's client (no real page can read it there), or run the test in the node environment.`
            : "In a test runner's simulated page (vitest or jest with jsdom or happy-dom), pass `dangerouslyAllowBrowser: true` in the test's client, or run the test in the node environment."),
      );
    }
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#apiKey = options.apiKey;
    this.#auth = options.auth;
    this.#headers = new Headers(options.headers);
    this.#fetch = options.fetch ?? globalFetch;
    this.#timeout = options.timeout ?? DEFAULTS.timeout;
    this.#reconnect = options.reconnect;
    this.#onStream = options.onStream;
    this.#use = options.use;
    this.#debug = options.debug;
    // The debug log of JSON calls comes before the caller's own `onCall`.
    const sink = debugSink(options.debug);
    const log = sink && debugCalls(sink);
    const onCall = options.onCall;
    this.#onCall = log && onCall ? (step) => (log(step), onCall(step)) : (log ?? onCall);
    this.#maxEventSize = options.maxEventSize;
    this.#idleTimeout = options.idleTimeout;
  }

  /** The full URL of `path` with `query`. */
  url(path: string, query?: Query): string {
    let url = this.baseUrl + path;
    if (query) {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
      const search = params.toString();
      if (search) url += `?${search}`;
    }
    return url;
  }

  /** Request headers: client headers, auth for `scheme`, then per-call headers. */
  headers(scheme: AuthScheme, extra?: HeadersLike): Headers {
    const headers = new Headers(this.#headers);
    const key = this.#apiKey;
    // A platform documented without auth gets no key unless the client asks: one client's key
    // must not reach another platform's server.
    const effective = this.#auth ?? scheme;
    if (key && effective !== 'none') {
      const [name, value] =
        effective === 'bearer'
          ? ['authorization', `Bearer ${key}`]
          : effective === 'x-api-key'
            ? ['x-api-key', key]
            : [effective.header, `${effective.prefix ?? ''}${key}`];
      try {
        headers.set(name, value);
      } catch {
        // The runtime's TypeError quotes the rejected value: the key itself.
        throw new TypeError(
          `runstream: the API key cannot be sent in the "${name}" header: the name or the key holds a character HTTP headers forbid (a line break, NUL or a non-Latin-1 character); check how the key was read`,
        );
      }
    }
    if (extra) new Headers(extra).forEach((value, name) => headers.set(name, value));
    return headers;
  }

  /**
   * Sends a JSON call and returns the parsed response body (`undefined` for a 204, 205 or an
   * empty body).
   *
   * @throws RangeError, before any request, when `options.timeout` is out of range.
   * @throws HTTPError for a non-2xx response, and for a 2xx whose body is not JSON: at once,
   *   without reading it, for `text/event-stream` (an event stream never ends: the body is
   *   cancelled); after reading it for any other body that does not parse (`body` holds its
   *   first 64 KiB, `cause` the `SyntaxError`). The message names the content type.
   * @throws TimeoutError past the deadline (unless `timeout` is 0); ConnectionError when no
   *   response arrives, naming the host, the port and the runtime's reason (`ECONNREFUSED`, …);
   *   the runtime's AbortError when `signal` aborts.
   */
  async json<T>(spec: RequestSpec, options: RequestOptions = {}): Promise<T> {
    validateOptions(options);
    const url = this.url(spec.path, spec.query);
    const headers = this.headers(spec.auth, options.headers);
    headers.set('accept', 'application/json');
    let body: string | undefined;
    if (spec.body !== undefined) {
      body = JSON.stringify(spec.body);
      headers.set('content-type', 'application/json');
    }
    const method = spec.method;
    const timeout = options.timeout ?? this.#timeout;
    // `onCall` sees the request now, then the call's end: its response, or the error it rejects with.
    const end = this.#onCall && traceCall(this.#onCall, ++this.#calls, method, url, headers);
    let response: Response | undefined;
    const done = (value?: T): T => (end?.(response), value as T);
    // The caller's own deadline (`AbortSignal.timeout(ms)`) is a timeout too, of unknown length.
    const deadline = (error: unknown): unknown =>
      timedOut
        ? new TimeoutError({ method, url, timeout })
        : options.signal?.aborted && isTimeoutReason(options.signal.reason)
          ? new TimeoutError({ method, url, cause: options.signal.reason })
          : error;
    const controller = new AbortController();
    let timedOut = false;
    // 0: no deadline, as `idleTimeout: 0` and the relay's `keepalive: 0` mean off.
    const timer =
      timeout > 0
        ? setTimeout(() => {
            timedOut = true;
            controller.abort();
          }, timeout)
        : undefined;
    const forward = () => controller.abort(options.signal?.reason);
    if (options.signal?.aborted) forward();
    options.signal?.addEventListener('abort', forward, { once: true });
    try {
      try {
        response = await this.#fetch(url, { method, headers, body: body ?? null, signal: controller.signal });
      } catch (error) {
        if (timedOut || options.signal?.aborted) throw deadline(error);
        throw new ConnectionError({ method, url, reason: unreachable(url, error), cause: error });
      }
      if (!response.ok) throw await httpErrorFrom(response, method, url, undefined, controller.signal);
      if (response.status === 204 || response.status === 205) {
        response.body?.cancel().catch(() => {});
        return done();
      }
      const type = response.headers.get('content-type') ?? '';
      if (/^\s*text\/event-stream\s*(;|$)/i.test(type)) {
        // An event stream may never end: waiting for it to parse would hold the call (and its
        // socket) until the deadline. Streams check their content type at once; so do calls.
        response.body?.cancel().catch(() => {});
        throw notJson(response, method, url, undefined, 'an event stream (text/event-stream); this is a stream endpoint, read it with the stream method');
      }
      let text: string;
      try {
        text = await untilAborted(response.text(), controller.signal);
      } catch (error) {
        throw deadline(error);
      }
      if (text === '') return done();
      let value: T;
      try {
        value = JSON.parse(text) as T;
      } catch (cause) {
        throw notJson(response, method, url, cut(text, MAX_ERROR_BODY), `a body that is not JSON (${type ? `"${type}"` : 'no content type'})`, cause);
      }
      return done(value);
    } catch (error) {
      end?.(undefined, error);
      throw error;
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      options.signal?.removeEventListener('abort', forward);
    }
  }

  /**
   * Opens an event stream with the client's defaults under the call's options; `extra` carries
   * what only the resource knows (its resume hint, its resync).
   */
  stream<Events extends EventMap>(
    spec: RequestSpec & StreamSpec,
    adapter: StreamAdapter,
    options: StreamOptions = {},
    extra: Pick<StreamConfig, 'resumeHint' | 'resync'> = {},
  ): EventStream<Events> {
    // The debug log observes first: its line for a step comes before what others do with it. A
    // stream's own `debug` wins over the client's, which wins over `RUNSTREAM_DEBUG`.
    const sink = debugSink(options.debug === undefined ? this.#debug : options.debug);
    const log = sink && debugStream(sink);
    const observe = options.observe;
    const config = streamConfig(
      this.url(spec.path, spec.query),
      spec.method,
      {
        reconnect: this.#reconnect,
        maxEventSize: this.#maxEventSize,
        idleTimeout: this.#idleTimeout,
        ...stripUndefined(options),
        observe: log && observe ? (step) => (log(step), observe(step)) : (log ?? observe),
        headers: this.headers(spec.auth, options.headers),
        body: spec.body,
        fetch: this.#fetch,
      },
      adapter,
      spec.idleTimeout,
    );
    // A resource's stream uses the client's features, the call's, and what its platform needs:
    // outcomes from its terminal events, and its resync when it has one (`connect()` imports neither).
    const use: StreamFeature[] = [...(this.#use ?? []), ...(config.use ?? []), platformOutcome(adapter, extra.resumeHint)];
    if (extra.resync) use.push(resyncWith(extra.resync));
    const info = { method: config.method, url: redactUrl(config.url), platform: spec.platform, ids: spec.ids ?? {} };
    const stream = new EventStream<Events>({ ...config, ...extra, use, info });
    this.#onStream?.(stream as unknown as EventStream<EventMap>, info);
    return stream;
  }
}

/**
 * The `HTTPError` of a 2xx answer to a JSON call that is not JSON: `what` says what came
 * instead. The message does not quote the body (an error page may be markup, or echo the
 * request); `body` keeps the text.
 */
function notJson(response: Response, method: string, url: string, body: string | undefined, what: string, cause?: unknown): HTTPError {
  return new HTTPError({
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
    body,
    method,
    url,
    cause,
    reason: `expected a JSON response, got HTTP ${response.status} with ${what}`,
  });
}

/** Errno-style codes of a failure to open a connection at all (Node, undici, Bun, Deno). */
const CONNECT_CODES = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EAI_NONAME|EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL|ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT|ConnectionRefused|FailedToOpenSocket)$/;

/**
 * The reason of a JSON call whose fetch rejected: the host and port, and the runtime's reason
 * with its errno (`ECONNREFUSED`, `ENOTFOUND`), as a stream that never connects words it.
 */
function unreachable(url: string, error: unknown): string {
  // The base URL was checked when the client was made, so it parses.
  const where = hostPort(url) ?? 'the server';
  const code = errnoOf(error);
  const reason = describe(error, code);
  return code !== undefined && CONNECT_CODES.test(code)
    ? `could not connect to ${where} (${reason}); check the host and port, and that the server is running`
    : `the request to ${where} failed before a response (${reason})`;
}

/**
 * Settles as `promise` does, or rejects with the abort reason as soon as `signal` aborts. A
 * fetch whose body ignores the signal (a custom `fetch`, a mock) would otherwise keep a body
 * read, and so the call, pending past its deadline.
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    if (signal.aborted) abort();
    signal.addEventListener('abort', abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/** Whether `url` is a URL the runtime can fetch (`URL.canParse` is too recent for some browsers). */
function parses(url: string): boolean {
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}

/** True in a browser page (a window with a document); false in Node, Deno, Bun and workers. */
function isBrowserPage(): boolean {
  const scope = globalThis as { window?: { document?: unknown } };
  return typeof scope.window === 'object' && scope.window !== null && typeof scope.window.document === 'object';
}

/** The name of a test runner's simulated DOM (jsdom, happy-dom) when this is one, from its user agent. */
function simulatedDom(): string | undefined {
  const agent = (globalThis as { navigator?: { userAgent?: unknown } }).navigator?.userAgent;
  if (typeof agent !== 'string') return undefined;
  return /\bjsdom\b/i.test(agent) ? 'jsdom' : /happy-?dom/i.test(agent) ? 'happy-dom' : undefined;
}

/** Encodes one path segment (an id from the caller). @internal */
export function segment(value: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError('runstream: an id must be a non-empty string');
  return encodeURIComponent(value);
}
