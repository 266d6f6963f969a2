/**
 * One HTTP connection of an event stream: fetch, response checks, reading the body, and the
 * idle timer with the keepalive cadence. The stream (`stream.ts`) pulls from it and decides
 * what happens between connections (`policy.ts`).
 *
 * @module
 */
import { ConnectionError, StreamError, redactUrl } from './errors.js';
import { httpErrorFrom } from './http.js';
import type { BodyLike } from './options.js';

/** What a connection sends: the request, shared with the stream (nothing is copied per connection). @internal */
export interface ConnectionRequest {
  readonly url: string;
  readonly method: string;
  readonly body: BodyLike | undefined;
}

/** The stream settings a connection reads. @internal */
export interface ConnectionConfig {
  readonly fetch: typeof fetch;
  /**
   * Silence, in ms, after which the connection counts as dropped; 0 disables. With keepalives at
   * a steady pace, the ceiling of the learned timeout (see {@link Cadence}).
   */
  readonly idleTimeout: number;
}

/**
 * One request and its body, read by pulling: {@link Connection.open} sends the request and
 * checks the response, {@link Connection.read} gives the body's text chunk by chunk. It never
 * calls back into the stream: the stream's read loop pulls, and data flows one way. Errors are
 * typed: `ConnectionError`, `HTTPError`, `StreamError` `'invalid-content-type'`.
 *
 * @internal
 */
export class Connection {
  readonly #request: ConnectionRequest;
  readonly #config: ConnectionConfig;
  /** The `Last-Event-ID` this request sends (`''`: none); errors carry it. */
  readonly lastEventId: string;
  readonly #controller = new AbortController();
  /**
   * The body's reader, once {@link Connection.open} accepted the response. The stream awaits
   * its `read()` itself and hands each result to {@link Connection.take}: no promise or
   * callbacks of the connection's own per chunk. A rejected read is {@link Connection.failed}.
   */
  reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  #decoder: TextDecoder | undefined;
  // Idle timeout: silence (no bytes at all, comments and keepalives count as data) for
  // `#timeout` ms drops the connection. One timer per connection, re-armed only when it runs
  // out, so the per-chunk cost is one clock read. A slow consumer is not a silent server, so
  // the timer also waits while the stream is `paused` for backpressure. Keepalives (rare: one
  // every few seconds) may shorten `#timeout` to what their cadence says; only then is the
  // timer re-armed early, never per chunk.
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The idle timeout in effect, in ms: `idleTimeout`, or shorter once a cadence was learned. */
  #timeout: number;
  /** The keepalive cadence of this connection, from its first keepalive on. */
  #cadence: Cadence | undefined;
  /** When the last bytes arrived (`Date.now()`), with an idle timeout. */
  #last = 0;
  /** Set when the idle timeout dropped the connection. */
  #idle = false;
  /** Set by the stream while its consumer catches up: silence then is not the server's. */
  paused = false;
  /**
   * Whether the server was reached: a response of any status arrived, or the request was
   * accepted but went unanswered past the idle timeout.
   */
  reached = false;

  constructor(request: ConnectionRequest, config: ConnectionConfig, lastEventId: string) {
    this.#request = request;
    this.#config = config;
    this.lastEventId = lastEventId;
    this.#timeout = config.idleTimeout;
  }

  /** Cancels the request and its body, whatever stage it is in; a fetch may ignore the signal. */
  abort(): void {
    clearTimeout(this.#timer);
    this.#controller.abort();
    // Cancel rather than wait: a reader whose fetch was aborted can stay pending for ever.
    cancel(this.reader);
  }

  /**
   * A keepalive arrived on this connection (an SSE comment, or an event the platform names as a
   * keepalive), in the chunk just read: learns their cadence, and shortens the idle timeout to
   * {@link learnedTimeout} once it is steady. With `idleTimeout` 0 it does nothing: the user
   * asked for no idle timeout, and a learned one would be a new limit.
   */
  keepalive(): void {
    const ceiling = this.#config.idleTimeout;
    if (!(ceiling > 0)) return;
    // `read` stamped the chunk this keepalive came in.
    const timeout = learnedTimeout((this.#cadence ??= new Cadence()).beat(this.#last), ceiling);
    // Shorter: re-arm now (bytes just came, so nothing is due sooner), or a dead connection
    // would wait out the old timeout. Longer: the timer re-arms for the rest when it runs out.
    if (timeout < this.#timeout) {
      clearTimeout(this.#timer);
      this.#arm(timeout);
    }
    this.#timeout = timeout;
  }

  #arm(delay: number): void {
    this.#timer = setTimeout(() => {
      const timeout = this.#timeout;
      const silent = Date.now() - this.#last;
      if (this.paused || silent < timeout) return this.#arm(this.paused ? timeout : timeout - silent);
      this.#idle = true;
      this.abort();
    }, delay);
  }

  /** The `ConnectionError` of a failed request (`reading` false) or a body cut off (`reading` true). */
  #dropped(reading: boolean, error?: unknown): ConnectionError {
    const { method, url } = this.#request;
    const { idleTimeout } = this.#config;
    const lastEventId = this.lastEventId;
    const idle = this.#idle;
    const timeout = this.#timeout;
    return new ConnectionError({
      method,
      url,
      reason:
        `${idle ? `no data for ${timeout} ms` : 'the connection failed'} ${reading ? 'while reading the stream' : 'before a response'}` +
        ` (${idle ? `idle timeout${timeout < idleTimeout ? `, learned from keepalives every ${this.#cadence!.interval} ms` : ''}` : describe(error)})`,
      cause: error,
      lastEventId,
    });
  }

  /**
   * Sends the request with `headers` (names lower-case; not kept). Resolves with the response once it is accepted as an event stream (2xx,
   * `text/event-stream`, a body), or with `null` for 204 No Content (the server asks the client
   * to stop reconnecting); rejects with the typed error.
   */
  async open(headers: Record<string, string>): Promise<Response | null> {
    const { url, method, body } = this.#request;
    const { idleTimeout } = this.#config;
    const lastEventId = this.lastEventId;
    const signal = this.#controller.signal;
    if (idleTimeout > 0) {
      this.#last = Date.now();
      this.#arm(idleTimeout);
    }
    let response: Response;
    try {
      const init: RequestInit & { duplex?: 'half' } = { method, headers, body: body ?? null, signal };
      if (body instanceof ReadableStream) init.duplex = 'half';
      response = await this.#config.fetch(url, init);
    } catch (error) {
      this.reached = this.#idle;
      throw this.#dropped(false, error);
    }
    this.reached = true;
    const stream = response.body;
    if (response.status === 204) {
      cancel(stream);
      return null;
    }
    if (!response.ok) throw await httpErrorFrom(response, method, url, lastEventId, signal);
    const type = response.headers.get('content-type') ?? '';
    if (!/^\s*text\/event-stream\s*(;|$)/i.test(type) || !stream) {
      cancel(stream);
      throw new StreamError(
        'invalid-content-type',
        `${method} ${redactUrl(url)}: expected a text/event-stream response, got ${type ? `"${type}"` : 'no content type'}${stream ? '' : ' and no body'}; check the URL points at the event stream`,
        { lastEventId, url },
      );
    }
    this.reader = stream.getReader();
    // The decoder strips the one leading BOM the spec allows (the stream resets the parser's
    // own BOM check when a connection opens).
    this.#decoder = new TextDecoder();
    return response;
  }

  /**
   * A read of the body, decoded (a character split across chunks waits for its rest);
   * `undefined` when the body ended.
   *
   * @throws ConnectionError when the idle timeout passed (its cancel looks like a clean end).
   */
  take(chunk: ReadableStreamReadResult<Uint8Array>): string | undefined {
    // A cancelled reader reports a clean end: an idle timeout is still a drop.
    if (this.#idle) throw this.#dropped(true);
    if (chunk.done) return undefined;
    if (this.#config.idleTimeout > 0) this.#last = Date.now();
    return this.#decoder!.decode(chunk.value, { stream: true });
  }

  /** The `ConnectionError` of a body read that rejected (the connection dropped). */
  failed(error: unknown): ConnectionError {
    return this.#dropped(true, error);
  }

  /** The stream caught up after a pause: silence counts again from now. */
  resume(): void {
    this.paused = false;
    if (this.#config.idleTimeout > 0) this.#last = Date.now();
  }
}

/** How many keepalive intervals in a row must be steady before a cadence is learned (four keepalives). */
const CADENCE_SAMPLES = 3;
/** How many learned intervals of silence make the learned idle timeout: three missed keepalives. */
const CADENCE_MISSES = 3;
/** Steady: the longest of the last intervals is at most this many times the shortest. */
const CADENCE_STEADY = 1.5;
/** Keepalives closer together than this, in ms, are one beat (a burst, or one chunk). */
const CADENCE_BURST = 50;
/** The learned idle timeout's floor, in ms: a busy event loop is not a dead connection. */
const CADENCE_FLOOR = 1000;

/**
 * The idle timeout, in ms, that a learned keepalive `interval` (ms; 0: none learned) gives under
 * `ceiling` (the configured `idleTimeout`): three intervals of silence, at least 1000 ms, at
 * most `ceiling`. @internal
 */
export function learnedTimeout(interval: number, ceiling: number): number {
  return interval ? Math.min(ceiling, Math.max(CADENCE_FLOOR, CADENCE_MISSES * interval)) : ceiling;
}

/**
 * The cadence of one connection's keepalives, learned from their arrival times (pure: times
 * in, interval out; each connection learns afresh, as another server or proxy may answer it).
 *
 * - A sample is the time between two keepalives; keepalives less than 50 ms apart count as one.
 * - The cadence is learned once the last 3 samples are steady (the longest at most 1.5 times
 *   the shortest): {@link Cadence.interval} is then the longest of them.
 * - Once learned, a steady window sets it again (so a server that speeds up is followed after
 *   three samples), and an unsteady sample can only raise it (a server that slows down, or a
 *   late keepalive, never makes the timeout shorter than what was seen).
 *
 * @internal
 */
export class Cadence {
  /** The learned interval in ms; 0 until the cadence is steady. */
  interval = 0;
  /** When the last keepalive arrived (ms, the caller's clock); NaN before the first. */
  #at = NaN;
  /** The last samples, oldest first: at most three. */
  readonly #samples: number[] = [];

  /** Records a keepalive that arrived at `now` (ms); returns the learned interval (0: none yet). */
  beat(now: number): number {
    // NaN for the first keepalive, and a burst's: no sample.
    const gap = now - this.#at;
    const samples = this.#samples;
    if (gap >= CADENCE_BURST && samples.push(gap) >= CADENCE_SAMPLES) {
      if (samples.length > CADENCE_SAMPLES) samples.shift();
      const longest = Math.max(...samples);
      this.interval = longest <= CADENCE_STEADY * Math.min(...samples) ? longest : this.interval && Math.max(this.interval, gap);
    }
    this.#at = now;
    return this.interval;
  }
}

/** Cancels a body or a reader without waiting, ignoring the outcome. @internal */
export function cancel(stream: { cancel(): Promise<void> } | null | undefined): void {
  stream?.cancel().catch(() => {});
}

/**
 * An error's message and its causes', for a one-line reason, plus the runtime's errno
 * (`ECONNREFUSED`, …) when no message names it. @internal
 */
export function describe(error: unknown, code = errnoOf(error)): string {
  const messages: string[] = [];
  for (let current: unknown = error, depth = 0; current && depth < 3; depth++) {
    const message = current instanceof Error ? current.message : typeof current === 'string' ? current : '';
    if (message && !messages.includes(message)) messages.push(message);
    current = current instanceof Error ? current.cause : undefined;
  }
  const text = messages.join(': ') || String(error);
  return code !== undefined && !text.includes(code) ? `${text} (${code})` : text;
}

/** The errno-style `code` of a fetch failure: on the error, its cause, or an `AggregateError`'s first. @internal */
export function errnoOf(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    const { code, errors, cause } = current as { code?: unknown; errors?: unknown; cause?: unknown };
    if (typeof code === 'string' && code) return code;
    current = Array.isArray(errors) && errors.length ? errors[0] : cause;
  }
  return undefined;
}

/** `host:port` of `url`, the scheme's default port filled in; `undefined` when it does not parse. @internal */
export function hostPort(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || (parsed.protocol === 'https:' ? '443' : '80')}`;
  } catch {
    return undefined;
  }
}
