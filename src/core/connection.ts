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
  /** Silence, in ms, after which the connection counts as dropped; 0 disables. */
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
  /** Feeds decoded text to the parser; returns false when the stream reads no further. */
  feed(stream: unknown, text: string): boolean;
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
  // `idleTimeout` ms drops the connection. One timer per connection, re-armed only when it runs
  // out, so the per-chunk cost is one clock read. A slow consumer is not a silent server, so
  // the timer also waits while the read loop is paused for backpressure.
  #timer: ReturnType<typeof setTimeout> | undefined;
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
  }

  /** Cancels the request and its body, whatever stage it is in; a fetch may ignore the signal. */
  abort(): void {
    this.#controller.abort();
    cancel(this.#reader);
  }

  #arm(delay: number): void {
    this.#timer = setTimeout(() => {
      const timeout = this.#request.idleTimeout;
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
    return new ConnectionError({
      method,
      url,
      reason:
        `${idle ? `no data for ${idleTimeout} ms` : 'the connection failed'} ${reading ? 'while reading the stream' : 'before a response'}` +
        (idle ? ' (idle timeout)' : ` (${describe(error)})`),
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
          if (!host.feed(self, decoder.decode(chunk.value, { stream: true }))) break;
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

/** Cancels a body or a reader without waiting, ignoring the outcome. @internal */
export function cancel(stream: { cancel(): Promise<void> } | null | undefined): void {
  stream?.cancel().catch(() => {});
}

/** An error's message and its cause's, for a one-line reason. @internal */
export function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
