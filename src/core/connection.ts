/**
 * One HTTP connection of an event stream: fetch, response checks, the read loop with its
 * backpressure pause, and the idle timer. The stream (`event-stream.ts`) decides what happens
 * between connections; a connection only reports how it ended.
 *
 * @module
 */
import { ConnectionError, StreamError, redactUrl } from './errors.js';
import { httpErrorFrom } from './http.js';
import type { BodyLike } from './options.js';

/** What a connection sends: one request. @internal */
export interface ConnectionRequest {
  url: string;
  method: string;
  body: BodyLike | undefined;
  /** Names lower-case. */
  headers: Record<string, string>;
  fetch: typeof fetch;
  /**
   * Silence, in ms, after which the connection counts as dropped; 0 disables. With keepalives at
   * a steady pace, the ceiling of the learned timeout (see {@link Cadence}).
   */
  idleTimeout: number;
}

/**
 * What a connection needs from its stream, as functions of the stream: one table serves every
 * stream, so that a process holding thousands of streams pays for no callbacks per stream.
 * @internal
 */
export interface ConnectionHost {
  /** The stream's last event ID now (errors carry it). */
  lastEventId(stream: unknown): string;
  /** False once the stream closed: a response that arrives then is cancelled unread. */
  alive(stream: unknown): boolean;
  /**
   * The response was accepted as an event stream: the stream opens. A promise holds the read
   * loop back until it settles (bytes wait in the socket meanwhile).
   */
  opened(stream: unknown, response: Response): void | Promise<void>;
  /** Feeds decoded text (of a chunk of `bytes` bytes) to the parser; returns false when the stream reads no further. */
  feed(stream: unknown, text: string, bytes: number): boolean;
  /** When the consumer is behind, a promise of its catching up; else `undefined`. */
  backlog(stream: unknown): Promise<void> | undefined;
}

/** How a connection ended without an error: its body ended, or the server answered 204. @internal */
export type ConnectionEnd = 'ended' | 'no-content';

/**
 * One request and its body. `run()` resolves with how the body ended, or rejects with the typed
 * error (`ConnectionError`, `HTTPError`, `StreamError` `'invalid-content-type'`).
 *
 * @internal
 */
export class Connection {
  readonly #host: ConnectionHost;
  /** The stream this connection serves, passed back to the host's functions. */
  readonly #stream: unknown;
  readonly #request: ConnectionRequest;
  readonly #controller = new AbortController();
  #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  // Idle timeout: silence (no bytes at all, comments and keepalives count as data) for
  // `#timeout` ms drops the connection. One timer per connection, re-armed only when it runs
  // out, so the per-chunk cost is one clock read. A slow consumer is not a silent server, so
  // the timer also waits while the read loop is paused for backpressure. Keepalives (rare: one
  // every few seconds) may shorten `#timeout` to what their cadence says; only then is the
  // timer re-armed early, never per chunk.
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The idle timeout in effect, in ms: `idleTimeout`, or shorter once a cadence was learned. */
  #timeout: number;
  /** The keepalive cadence of this connection, from its first keepalive on. */
  #cadence: Cadence | undefined;
  /** When the last bytes arrived (`Date.now()`), with an idle timeout. */
  #last = 0;
  #paused = false;
  /** Set when the idle timeout dropped the connection. */
  #idle = false;
  /**
   * Whether the server was reached: a response of any status arrived, or the request was
   * accepted but went unanswered past the idle timeout.
   */
  reached = false;

  constructor(host: ConnectionHost, stream: unknown, request: ConnectionRequest) {
    this.#host = host;
    this.#stream = stream;
    this.#request = request;
    this.#timeout = request.idleTimeout;
  }

  /** Cancels the request and its body, whatever stage it is in; a fetch may ignore the signal. */
  abort(): void {
    this.#controller.abort();
    cancel(this.#reader);
  }

  /**
   * A keepalive arrived on this connection (an SSE comment, or an event the platform names as a
   * keepalive), in the chunk the read loop is feeding: learns their cadence, and shortens the
   * idle timeout to {@link learnedTimeout} once it is steady. With `idleTimeout` 0 it does
   * nothing: the user asked for no idle timeout, and a learned one would be a new limit.
   */
  keepalive(): void {
    const ceiling = this.#request.idleTimeout;
    if (!(ceiling > 0)) return;
    // The read loop stamped the chunk this keepalive came in.
    const now = this.#last;
    const timeout = learnedTimeout((this.#cadence ??= new Cadence()).beat(now), ceiling);
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
      if (this.#paused || silent < timeout) return this.#arm(this.#paused ? timeout : timeout - silent);
      this.#idle = true;
      this.abort();
    }, delay);
  }

  /** The `ConnectionError` of a failed request (`reading` false) or a body cut off (`reading` true). */
  #dropped(reading: boolean, error?: unknown): ConnectionError {
    const { method, url, idleTimeout } = this.#request;
    const idle = this.#idle;
    const timeout = this.#timeout;
    const learned = timeout < idleTimeout;
    return new ConnectionError({
      method,
      url,
      reason:
        `${idle ? `no data for ${timeout} ms` : 'the connection failed'} ${reading ? 'while reading the stream' : 'before a response'}` +
        ` (${idle ? `idle timeout${learned ? `, learned from keepalives every ${this.#cadence!.interval} ms` : ''}` : describe(error)})`,
      cause: error,
      lastEventId: this.#host.lastEventId(this.#stream),
    });
  }

  async run(): Promise<ConnectionEnd> {
    const host = this.#host;
    const self = this.#stream;
    const { url, method, body, headers, idleTimeout } = this.#request;
    const controller = this.#controller;
    if (idleTimeout > 0) {
      this.#last = Date.now();
      this.#arm(idleTimeout);
    }
    try {
      let response: Response;
      try {
        const init: RequestInit & { duplex?: 'half' } = { method, headers, body: body ?? null, signal: controller.signal };
        if (body instanceof ReadableStream) init.duplex = 'half';
        response = await this.#request.fetch(url, init);
      } catch (error) {
        this.reached = this.#idle;
        throw this.#dropped(false, error);
      }
      this.reached = true;
      const stream = response.body;
      if (!host.alive(self)) {
        cancel(stream);
        return 'ended';
      }
      // 204 No Content: the server asks the client to stop reconnecting.
      if (response.status === 204) {
        cancel(stream);
        return 'no-content';
      }
      if (!response.ok) throw await httpErrorFrom(response, method, url, host.lastEventId(self), controller.signal);
      const type = response.headers.get('content-type') ?? '';
      if (!/^\s*text\/event-stream\s*(;|$)/i.test(type) || !stream) {
        cancel(stream);
        throw new StreamError(
          'invalid-content-type',
          `${method} ${redactUrl(url)}: expected a text/event-stream response, got ${type ? `"${type}"` : 'no content type'}${stream ? '' : ' and no body'}; check the URL points at the event stream`,
          { lastEventId: host.lastEventId(self), url },
        );
      }

      const reader = (this.#reader = stream.getReader());
      await host.opened(self, response);
      // The decoder strips the one leading BOM the spec allows (the stream resets the parser's
      // own BOM check in `opened`).
      const decoder = new TextDecoder();
      try {
        for (;;) {
          if (!host.alive(self)) break;
          let chunk: ReadableStreamReadResult<Uint8Array>;
          try {
            chunk = await reader.read();
          } catch (error) {
            // Only a failed read is a dropped connection; an exception while parsing below is a
            // bug to surface as it is, not a drop to retry.
            throw this.#dropped(true, error);
          }
          if (chunk.done) break;
          if (idleTimeout > 0) this.#last = Date.now();
          if (!host.feed(self, decoder.decode(chunk.value, { stream: true }), chunk.value.byteLength)) break;
          // Backpressure: with an iterator attached, read on only once it has caught up.
          const backlog = host.backlog(self);
          if (backlog) {
            this.#paused = true;
            await backlog;
            this.#paused = false;
            if (idleTimeout > 0) this.#last = Date.now();
          }
        }
      } finally {
        this.#reader = undefined;
        // Cancel rather than wait: a reader whose fetch was aborted can stay pending for ever.
        cancel(reader);
      }
      // A cancelled reader reports a clean end: an idle timeout is still a drop.
      if (this.#idle) throw this.#dropped(true);
      return 'ended';
    } finally {
      clearTimeout(this.#timer);
      // Done with this request, whatever ended it: tear it down (a terminal event leaves the
      // server's side open).
      controller.abort();
    }
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
