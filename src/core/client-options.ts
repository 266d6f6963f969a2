/**
 * Options of a client (`new Runstream(…)`, each platform client) and of one JSON call.
 *
 * @module
 */
import type { EventMap, StreamFeature } from './types.js';
import type { EventStream } from './stream.js';
import type { StreamInfo } from './lifecycle.js';
import type { CallObserver } from './call.js';
import type { HeadersLike, ReconnectOptions } from './options.js';
import type { DebugOption } from '../features/debug.js';

/**
 * How the API key is sent:
 * - `'bearer'`: `Authorization: Bearer <apiKey>` (Crewship).
 * - `'x-api-key'`: `X-API-Key: <apiKey>` (FlowMaestro, the skills engine).
 * - `'none'`: no credentials (local PraisonAI and stax servers).
 * - `{ header, prefix }`: `<header>: <prefix><apiKey>`, for anything else.
 */
export type AuthScheme = 'bearer' | 'x-api-key' | 'none' | { header: string; prefix?: string };

/**
 * Options of {@link Runstream}. Durations in milliseconds. The numeric options (and the
 * `reconnect` fields) are checked when the client is made: a value out of its documented range
 * throws a `RangeError` naming the option and the value.
 */
export interface ClientOptions {
  /**
   * Root URL the resource paths are appended to, e.g. `'https://api.crewship.dev'`. It may
   * carry a path prefix (`'http://127.0.0.1:3000/api'`): resource paths are joined after it.
   */
  baseUrl: string;
  /**
   * The platform API key, sent as {@link ClientOptions.auth} says. Never appears in errors,
   * `toString()` or `JSON.stringify(client)`.
   */
  apiKey?: string | undefined;
  /**
   * How the key is sent to every resource. By default each resource uses its platform's
   * documented scheme: `runs` Bearer, `executions` and `skills` `X-API-Key`, `jobs` and
   * `runner` none (the key is not sent to them unless you set `auth`).
   */
  auth?: AuthScheme | undefined;
  /** Headers added to every request. */
  headers?: HeadersLike | undefined;
  /**
   * Allow an `apiKey` in a browser page. Off by default because a key in a page is readable by
   * anyone who can open it (devtools, extensions, an XSS) and can then be replayed against the
   * platform with your account's rights. Turn it on only for a short-lived, narrowly scoped
   * token, or a key that is public anyway (a local test server); otherwise call the platform from
   * your server and stream to the page from there.
   * @defaultValue false
   */
  dangerouslyAllowBrowser?: boolean | undefined;
  /** The fetch to use. @defaultValue `globalThis.fetch` */
  fetch?: typeof fetch | undefined;
  /**
   * Deadline of each JSON call (create, retrieve, result, execute, cancel), in milliseconds,
   * from 0 to 2³¹−1 (2147483647); a call past it fails with `TimeoutError`. `0` turns the
   * deadline off (as `idleTimeout: 0` and the relay's `keepalive: 0` do). Streams have no
   * total deadline.
   * @defaultValue 60000
   */
  timeout?: number | undefined;
  /** Default reconnection of GET streams; see {@link ReconnectOptions}. @defaultValue true */
  reconnect?: boolean | ReconnectOptions | undefined;
  /** Default largest event, in characters: a whole number ≥ 1. @defaultValue 16 Mi */
  maxEventSize?: number | undefined;
  /**
   * Idle timeout of every stream of this client, in milliseconds, from 0 to 2³¹−1 (0 turns it
   * off), and the ceiling of the one learned from keepalives; see `StreamOptions.idleTimeout`.
   * @defaultValue per platform, {@link DEFAULTS}`.idleTimeout`
   */
  idleTimeout?: number | undefined;
  /**
   * Called with every event stream this client makes, as it is made (before any consumer
   * attaches and before its first request), with its method and redacted URL: the place to
   * attach tracing, logging or metrics to every stream without touching call sites, e.g.
   * `onStream: (stream) => stream.observe(log)`. An exception it throws propagates to the
   * resource call that made the stream.
   */
  onStream?: ((stream: EventStream<EventMap>, info: StreamInfo) => void) | undefined;
  /**
   * Features every stream of this client uses (each is called once per stream, as the stream is
   * made), before the features of a call's own `use` option: the place for instrumentation such
   * as `instrument()` of `runstream/otel`. See `StreamFeature`.
   * @defaultValue none
   */
  use?: readonly StreamFeature[] | undefined;
  /**
   * Called with each step of every JSON call this client makes (create, retrieve, result,
   * cancel, execute, list, and a resync's read of a run's state): `request` as it is sent
   * (method, redacted URL and headers), then `response` (status, `statusText`, `requestId`,
   * duration in ms) or `error` (the error the call rejects with, duration); steps of one call
   * share its `call` number. Streams report through `onStream` instead. Secrets are masked in
   * every step. An exception it throws is reported (`reportError`) and does not change the
   * call. See `CallLifecycleEvent`.
   */
  onCall?: CallObserver | undefined;
  /**
   * The debug log of every stream and JSON call this client makes: one redacted line per
   * decision (request, answer, reconnect and its delay's source, resync, gap, end and why), see
   * `debugStream` and `debugCalls`. `true` writes to the console (`console.error` where there
   * is a `process`, else `console.debug`), a function receives each line, `false` turns it off
   * even when `RUNSTREAM_DEBUG` is set. A stream's own `debug` option takes precedence.
   * @defaultValue on when the environment variable `RUNSTREAM_DEBUG` is `1` (read from
   *   `globalThis.process.env`), else off
   */
  debug?: DebugOption | undefined;
}

/**
 * Options of one JSON call.
 */
export interface RequestOptions {
  /** Aborting it rejects the call with the runtime's `AbortError`. */
  signal?: AbortSignal | undefined;
  /**
   * Deadline of this call in milliseconds, from 0 to 2³¹−1 (2147483647); `0` turns it off. A
   * value out of that range makes the call throw a `RangeError` before any request.
   * @defaultValue the client's `timeout`
   */
  timeout?: number | undefined;
  /** Extra headers for this call. */
  headers?: HeadersLike | undefined;
}
