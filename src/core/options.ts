/**
 * Options shared by every stream, their defaults in one object, and their resolution.
 *
 * @module
 */
// The client's options live in client-options.ts; re-exported for the modules that import them here.
export type { AuthScheme, ClientOptions, RequestOptions } from './client-options.js';

/**
 * How an event stream reconnects after its connection ends or drops. All durations are in
 * milliseconds.
 *
 * The first reconnect after a connection that delivered events waits exactly the base delay:
 * the server's last `retry:` field when it sent one, else {@link ReconnectOptions.initialDelay}.
 * Each further consecutive attempt that delivers no new event multiplies the delay by
 * {@link ReconnectOptions.factor}, up to {@link ReconnectOptions.maxDelay}, minus a random
 * share of up to {@link ReconnectOptions.jitter}.
 *
 * Every field is checked when the stream (or the client) is made: a value out of its range
 * throws a `RangeError` naming the field and the value, at once.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#reestablish-the-connection
 */
export interface ReconnectOptions {
  /**
   * Base delay before reconnecting, in milliseconds, until the server sends `retry:`. From 0
   * to 2³¹−1 (2147483647); 0 reconnects at once.
   * @defaultValue 1000
   */
  initialDelay?: number | undefined;
  /**
   * Upper bound of the backoff delay, in milliseconds. A server `retry:` above it is still
   * honoured as sent. From 0 to 2³¹−1 (2147483647).
   * @defaultValue 30000
   */
  maxDelay?: number | undefined;
  /**
   * Growth of the delay per consecutive failed attempt: a finite number ≥ 1 (1 keeps the
   * delay constant).
   * @defaultValue 2
   */
  factor?: number | undefined;
  /**
   * Largest share of a backoff delay (0 to 1) removed at random, so that many clients dropped
   * at once do not reconnect in step. Not applied to the first attempt. From 0 (no jitter) to 1.
   * @defaultValue 0.2
   */
  jitter?: number | undefined;
  /**
   * How many consecutive attempts that deliver no new event are made before the stream fails
   * with a `StreamError` of code `'retries-exhausted'`: a whole number ≥ 0 (0: never
   * reconnect after a drop), or `Infinity` to retry for ever, as EventSource does.
   * @defaultValue 10
   */
  maxAttempts?: number | undefined;
  /**
   * How many requests a stream that has never reached its server makes before it gives up: the
   * first request and its retries, while every one failed before any response (connection
   * refused, DNS failure, TLS error, a bad port). They wait the ordinary delays (1000 ms, then
   * about 2000 ms), so with the defaults the stream fails within about 3 seconds with a
   * `ConnectionError` that names the host and port and says no connection was ever made. Once
   * any response has arrived, only {@link ReconnectOptions.maxAttempts} applies: a server that
   * was there and went away is waited for with the long backoff. EventSource retries for ever;
   * openai-node makes 3 attempts: a typo in a host should fail fast. A whole number ≥ 1, or
   * `Infinity`.
   * @defaultValue 3
   */
  maxConnectAttempts?: number | undefined;
  /**
   * Waits `delay` milliseconds, or until `signal` aborts. Replace it to drive reconnection from
   * a test clock.
   * @defaultValue a `setTimeout`-based wait
   */
  sleep?: ((delay: number, signal: AbortSignal) => Promise<void>) | undefined;
  /**
   * Supplies randomness for the jitter, a number in [0, 1).
   * @defaultValue `Math.random`
   */
  random?: (() => number) | undefined;
}

/** Reconnect options with every field filled. @internal */
export type ResolvedReconnect = { [Key in keyof ReconnectOptions]-?: NonNullable<ReconnectOptions[Key]> };

/** What a resume URL function receives. */
export interface ResumeContext {
  /** The last event ID seen, sent as `Last-Event-ID` with the GET (`''`: none). */
  lastEventId: string;
  /** Headers of the last accepted response (e.g. a run id the server put there), if any. */
  headers: Headers | undefined;
}

/**
 * Request headers in any form `fetch` takes: a `Headers`, a record, or name/value pairs. Spelled
 * through `RequestInit` so the declarations also resolve in Node projects without the DOM lib.
 */
export type HeadersLike = NonNullable<RequestInit['headers']>;

/** A request body in any form `fetch` takes (string, `Blob`, `FormData`, `ReadableStream`, …). */
export type BodyLike = NonNullable<RequestInit['body']>;

/**
 * How a stream whose request has a body (POST) continues after its connection drops:
 * - `'none'`: it does not; the stream fails with the error and its `lastEventId`.
 * - `'resend'`: the same request is sent again with `Last-Event-ID` (only when repeating it is
 *   safe: it may start the work a second time).
 * - `{ url }`: a GET to `url` (or to what `url(context)` returns) with `Last-Event-ID`, for
 *   platforms that resume a POST-started stream by GET.
 */
export type ResumeMode = 'none' | 'resend' | { url: string | ((context: ResumeContext) => string) };

/**
 * Passed to the `onOpen` option each time a response is accepted as an event stream (the
 * moment `readyState` becomes `'open'`, EventSource's `open` event).
 */
export interface OpenInfo {
  /** HTTP status of the response (2xx). */
  status: number;
  /** Response headers, e.g. `x-request-id`. */
  headers: Headers;
  /** The `Last-Event-ID` this request sent (`''`: none). */
  lastEventId: string;
}

/**
 * Observable record of one reconnect, passed to the `onReconnect` option before the wait.
 */
export interface ReconnectInfo {
  /** 1 for the first reconnect after a connection that delivered events, then 2, 3, … */
  attempt: number;
  /** How long runstream waits before this attempt, in milliseconds. */
  delay: number;
  /**
   * Where `delay` came from: `'retry-after'` (the `Retry-After` header of a 408, 429 or 5xx
   * answer), `'retry'` (the server's SSE `retry:` field, grown by the backoff on later
   * attempts), `'backoff'` (the `initialDelay` option, grown by the backoff), or `'page'` (the
   * page came back: `online`, visible again, restored from the back/forward cache; no wait).
   */
  delaySource: 'retry-after' | 'retry' | 'backoff' | 'page';
  /**
   * Why the previous connection ended: the typed error (`ConnectionError`, `HTTPError` for a
   * retried 5xx/408/429), or `undefined` when the server closed the stream cleanly.
   */
  cause: Error | undefined;
  /** The `Last-Event-ID` header the next request sends (`''`: none). */
  lastEventId: string;
}

/** setTimeout's largest delay (2^31 - 1 ms); longer ones fire at once (Node also warns). */
const MAX_TIMER = 2_147_483_647;

/** Waits for `delay` ms, resolving early (without error) when `signal` aborts. */
function defaultSleep(delay: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    let timer: ReturnType<typeof setTimeout>;
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    // A wait past the timer limit (a huge `retry:` or `Retry-After`) is waited in steps.
    const wait = (left: number) => {
      timer = setTimeout(() => (left > MAX_TIMER ? wait(left - MAX_TIMER) : done()), Math.min(left, MAX_TIMER));
    };
    wait(delay);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Freezes `value` and every object inside it. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const field of Object.values(value)) deepFreeze(field);
  }
  return value;
}

/**
 * Every default runstream applies, in one place. Durations in milliseconds, sizes in
 * characters (UTF-16 code units, as JavaScript strings count them). Frozen, deeply: assigning
 * to it throws in strict code (and does nothing elsewhere), so no module can change another's
 * defaults; pass options instead.
 */
export const DEFAULTS = /* @__PURE__ */ deepFreeze({
  /** Reconnection policy of GET streams; see {@link ReconnectOptions}. */
  reconnect: {
    initialDelay: 1000,
    maxDelay: 30_000,
    factor: 2,
    jitter: 0.2,
    maxAttempts: 10,
    maxConnectAttempts: 3,
    sleep: defaultSleep,
    random: Math.random,
  } as const satisfies ResolvedReconnect,
  /** Largest single event (its buffered lines and data), in characters: 16 Mi. */
  maxEventSize: 16 * 1024 * 1024,
  /**
   * Silence, in milliseconds, after which a connection counts as dropped (and a GET stream
   * reconnects); 0 disables. Sized from each platform's keepalive: the stax runner pings every
   * 30 s (so 75 s, 2.5 pings); Crewship, FlowMaestro and PraisonAI send keepalives at
   * undocumented intervals (so 120 s); the skills engine documents none and its POST cannot be
   * resumed (so off); `connect()` knows nothing of the server (so off, as EventSource). Each
   * value is also the ceiling of the timeout learned from the keepalives' cadence (three
   * steady intervals of silence, at least 1000 ms); see `StreamOptions.idleTimeout`.
   */
  idleTimeout: { connect: 0, runs: 120_000, executions: 120_000, jobs: 120_000, skills: 0, runner: 75_000 },
  /** How many recent event ids `dedupe()` remembers by default. */
  dedupeWindow: 1000,
  /** Deadline of a JSON call (not of a stream), in milliseconds; 0 turns it off. */
  timeout: 60_000,
} as const);

/** The largest duration an option takes, in milliseconds: setTimeout's limit, 2³¹−1 (about 24.8 days). */
export const MAX_DURATION = MAX_TIMER;

/**
 * One numeric option's range: `[min, max]`, then `1` when it must be a whole number, then `1`
 * when `Infinity` is allowed too. (Tuples, not objects with messages: this ships in every bundle.)
 */
type Rule = readonly [min: number, max: number, whole?: 1, infinity?: 1];

const MS: Rule = [0, MAX_TIMER];
const COUNT = Number.MAX_SAFE_INTEGER;

/** Every numeric option runstream takes, by name (a `reconnect` field as `reconnect.name`). */
const RULES: Record<string, Rule> = {
  timeout: MS,
  idleTimeout: MS,
  keepalive: MS,
  maxEventSize: [1, COUNT, 1],
  'reconnect.initialDelay': MS,
  'reconnect.maxDelay': MS,
  'reconnect.factor': [1, Number.MAX_VALUE],
  'reconnect.jitter': [0, 1],
  'reconnect.maxAttempts': [0, COUNT, 1, 1],
  'reconnect.maxConnectAttempts': [1, COUNT, 1, 1],
};

/** The durations whose 0 means off. */
const OFF = ['timeout', 'idleTimeout', 'keepalive'];

/**
 * Checks every numeric option of `options` (client, stream, call or relay options alike; a
 * `reconnect` object's fields too) against its documented range. `undefined` means the
 * default and passes; so does `true`/`false` for `reconnect`. Called once, when a client, stream, call or relay is made.
 *
 * @throws RangeError naming the option and the value, for anything else (`NaN`, `Infinity`
 *   for a duration, a negative number, a string, a duration above {@link MAX_DURATION}).
 * @internal
 */
export function validateOptions(options: object | undefined): void {
  if (!options) return;
  const fields = options as Record<string, unknown>;
  const reconnect = fields.reconnect as Record<string, unknown> | boolean | null | undefined;
  if (reconnect === null || (reconnect !== undefined && typeof reconnect !== 'boolean' && typeof reconnect !== 'object')) {
    throw new RangeError(`runstream: \`reconnect\` must be true, false or an object of reconnect options, got ${show(reconnect)}`);
  }
  for (const name in RULES) {
    const [scope, field] = name.split('.') as [string, string | undefined];
    const value = field ? (typeof reconnect === 'object' ? reconnect[field] : undefined) : fields[scope];
    if (value === undefined) continue;
    const [min, max, whole, infinity] = RULES[name]!;
    if (typeof value === 'number' && ((value >= min && value <= max && (!whole || Number.isInteger(value))) || (infinity && value === Infinity))) continue;
    const range = whole
      ? `a whole number ≥ ${min}${infinity ? ' or Infinity' : ''}`
      : max === MAX_TIMER
        ? `a number of milliseconds from 0 to ${max}${OFF.includes(name) ? ' (0 turns it off)' : ''}`
        : max === 1
          ? 'a number from 0 to 1'
          : `a finite number ≥ ${min}`;
    throw new RangeError(`runstream: \`${name}\` must be ${range}, got ${show(value)}`);
  }
}

/** A rejected option value as a message shows it (a string quoted, so `"5000"` reads as text). */
function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : String(value);
}

/** Fills a reconnect policy from the defaults; `false` stays `false`. @internal */
export function resolveReconnect(options: ReconnectOptions | boolean | undefined): ResolvedReconnect | false {
  if (options === false) return false;
  if (options === true || options === undefined) return DEFAULTS.reconnect;
  return { ...DEFAULTS.reconnect, ...stripUndefined(options) };
}

/** `T` with `undefined` taken out of every property's type. @internal */
export type Defined<T> = { [Key in keyof T]?: Exclude<T[Key], undefined> };

/** `value` without its `undefined` properties, so spreading it keeps earlier defaults. @internal */
export function stripUndefined<T extends object>(value: T): Defined<T> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const field = (value as Record<string, unknown>)[key];
    if (field !== undefined) out[key] = field;
  }
  return out as Defined<T>;
}

/**
 * Why `url`'s port can never work, when that is what is wrong with it: a port above 65535 or
 * not a number (which the URL parser rejects with the whole URL) or port 0; `undefined` when
 * the URL has no port or a valid one. So that `http://127.0.0.1:99999/x` is reported as a bad
 * port, not as a URL that is not absolute.
 *
 * @internal
 */
export function invalidPort(url: string): string | undefined {
  const port = /^[a-z][a-z\d+.-]*:\/\/(?:[^/?#@]*@)?(?:\[[^\]/?#]*\]|[^/?#:[\]@]*):([^/?#@]*)(?=[/?#]|$)/i.exec(url.trim())?.[1];
  if (port === undefined || port === '') return undefined;
  const number = /^\d+$/.test(port) ? Number(port) : NaN;
  if (number >= 1 && number <= 65535) return undefined;
  // Only digits are echoed: text where a port should be may be a password that lost its `@`.
  return `has an invalid port${Number.isNaN(number) ? '' : ` (${port})`}: a port is a number from 1 to 65535`;
}
