/**
 * The reconnect loop of one stream: connections one after another (`connection.ts`), each body
 * pulled through the parser (`framing.ts`, which reports to the stream's state) into the queue;
 * `policy.ts` decides what follows a connection. The state it drives, and what features and the
 * parser call, is `StreamState` (`state.ts`). `EventStream` (`stream.ts`) is the public face.
 *
 * @module
 * @internal
 */
import { SDKError, type HTTPError, redactUrl } from './errors.js';
import { Connection } from './connection.js';
import { Framing, utf8Bytes } from './framing.js';
import { redactHeaders, refuseCredentials } from './redact.js';
import { decide, type Decision } from './policy.js';
import { StreamState } from './state.js';
import type { StreamConfig } from './types.js';

/**
 * One stream: its state (see `StreamState`) and the loop that drives it. Internal: `EventStream`
 * holds one and forwards to it; features get it as their `StreamControl`.
 *
 * @internal
 */
export class StreamCore extends StreamState {
  readonly #parser: Framing;
  /** Set once any request got a response: until then failures count against `maxConnectAttempts`. */
  #reached = false;
  /** Connections opened: every one after the first is a reconnect. */
  #opened = 0;
  /** Headers of the last accepted response, for a resume URL function. */
  #responseHeaders: Headers | undefined;

  constructor(config: StreamConfig, owner: { close(): void }) {
    super(config, owner);
    this.#parser = new Framing(config.maxEventSize);
  }

  start(): void {
    if (this.started || this.closed()) return;
    this.started = true;
    // A microtask lets the caller attach every listener of this tick before the first event;
    // closed in the same tick (React StrictMode mounts, unmounts and mounts again), a stream
    // never sends a request.
    queueMicrotask(() => void (this.closed() || this.#begin()));
  }

  /** The features' `start` hooks (each may hold the first request), then the first connection. */
  async #begin(): Promise<void> {
    try {
      for (const hooks of this.hooks) await hooks.start?.();
    } catch (error) {
      return this.#fail(error);
    }
    this.#next();
  }

  /** A bug (not a failure of the stream), or a feature's step that failed, ends the stream. */
  #fail(error: unknown): void {
    this.end(error instanceof Error ? error : new SDKError(String(error)));
  }
  /** What the reconnect policy reads (see `PolicyState`). */
  #policyState(cause?: Error, attempt = 0) {
    const { url, method, resend } = this.request;
    const { resume, reconnect } = this.config;
    return { url, method, resend, lastEventId: this.lastEventId, resume, reconnect, cause, attempt, delivered: this.delivered, reached: this.#reached, retry: this.retry };
  }

  // The reconnect loop, as steps that call each other when a promise settles: `#next` sends a
  // request, `#read` pulls the body chunk by chunk into the parser, `#after` asks the policy what
  // follows. No async function stays suspended while a stream waits for data: an idle stream
  // holds one pending read and its two callbacks, not a suspended frame with its registers.

  /** Failures in a row, for the backoff. */
  #attempt = 0;
  /** Events delivered before the current connection: one that delivers resets the backoff. */
  #deliveredBefore = 0;

  /** Sends the next request, unless the stream ended or a feature holds it (a hidden page). */
  #next(): void {
    if (this.closed()) return;
    const hold = this.hold;
    if (hold) {
      this.#connecting();
      void hold[0].then(() => this.#next());
      return;
    }
    this.#deliveredBefore = this.delivered;
    const connection = (this.connection = this.#connect());
    connection.open(this.#headers(connection)).then(
      (response) => {
        try {
          if (!this.#open(response)) return this.#after(connection);
          // A feature may hold the read loop back (a resync); the body's bytes wait in the socket.
          if (this.hooks.length) this.#opening().then(() => this.#read(connection), (error: unknown) => this.#after(connection, error));
          else this.#read(connection);
        } catch (error) {
          this.#after(connection, error);
        }
      },
      (error: unknown) => this.#after(connection, error),
    );
  }

  /** The features' `open` hooks, in turn (each may hold the read loop back). */
  async #opening(): Promise<void> {
    for (const hooks of this.hooks) await hooks.open?.(this.#opened > 1);
  }

  /**
   * Pulls the body of `connection` chunk by chunk into the parser and the queue. The callbacks
   * are made once per connection, not per read: a read allocates nothing of the stream's own.
   */
  #read(connection: Connection): void {
    const reader = connection.reader!;
    const next = (): void => {
      if (this.closed()) return this.#after(connection);
      reader.read().then(take, drop);
    };
    const take = (chunk: ReadableStreamReadResult<Uint8Array>): void => {
      try {
        const text = connection.take(chunk);
        if (text === undefined) return this.#after(connection);
        // Backpressure: with an iterator attached, read on only once it has caught up.
        const backlog = this.#feed(text, chunk.value!.byteLength);
        if (!backlog) return next();
        connection.paused = true;
        void backlog.then(() => {
          connection.resume();
          next();
        });
      } catch (error) {
        this.#after(connection, error);
      }
    };
    const drop = (error: unknown): void => this.#after(connection, connection.failed(error));
    next();
  }

  /** A connection ended (`error`: why, when it failed): the policy decides what follows. */
  #after(connection: Connection, error?: unknown): void {
    connection.abort();
    this.connection = undefined;
    if (error !== undefined) {
      if (connection.reached) this.#reached = true;
      // Errors say where the stream was when they ended it.
      if (error instanceof SDKError) error.lastEventId = this.lastEventId;
    }
    // Closed: by the user, a 204, a terminal event or a failure.
    if (this.closed()) return;
    try {
      // A feature closed the connection (the page was hidden, or restored from the cache): not a failure.
      if (this.interrupted || this.hold) {
        this.#attempt = 0;
        this.#connecting();
        return this.#next();
      }
      if (this.delivered > this.#deliveredBefore) this.#attempt = 0;
      // A feature may point the next request elsewhere (a re-subscribe) before the policy reads it.
      for (const hooks of this.hooks) hooks.dropped?.();
      if (this.closed()) return;
      const cause = error as Error | undefined;
      const step = decide(this.#policyState(cause, this.#attempt));
      if (!step.reconnect) return void this.#ended(step, cause).catch((thrown: unknown) => this.#fail(thrown));
      this.#attempt = step.attempt;
      (this.config.reconnect as Exclude<StreamConfig['reconnect'], false>).sleep(step.delay, this.#reconnect(step, cause)).then(
        () => {
          this.waking = undefined;
          this.#next();
        },
        (thrown: unknown) => this.#fail(thrown),
      );
    } catch (thrown) {
      this.#fail(thrown);
    }
  }

  /** Back to `'connecting'` (between connections). */
  #connecting(): void {
    this.state = 'connecting';
    this.emit();
  }

  /** The next connection, not yet sent. */
  #connect(): Connection {
    if (this.interrupted) {
      this.interrupted = false;
      this.reconnects++;
      this.emit({ type: 'reconnect', attempt: 1, delay: 0, delaySource: 'page', cause: undefined, lastEventId: this.lastEventId });
    }
    return new Connection(this.request, this.config, this.lastEventId);
  }

  /** The headers of `connection`'s request (with `Last-Event-ID`), reported as it is sent. */
  #headers(connection: Connection): Record<string, string> {
    const headers = { ...this.config.headers };
    const { url, method, body } = this.request;
    const lastEventId = connection.lastEventId;
    // Header values are byte strings: send the id's UTF-8 bytes, as the spec asks.
    if (lastEventId) headers['last-event-id'] = utf8Bytes(lastEventId);
    if (body === undefined) delete headers['content-type'];
    // A feature may add headers to every request (a trace context); the step shows them.
    for (const hooks of this.hooks) hooks.request?.(headers);
    // Every request after the first follows a reconnect (scheduled, or a feature's).
    if (this.life?.watched) this.emit({ type: 'connecting', request: this.reconnects + 1, method, url: redactUrl(url), lastEventId, headers: redactHeaders(headers) });
    return headers;
  }

  /**
   * A response arrived (`null`: 204 No Content, the server asks the client to stop
   * reconnecting): true when the stream is open and its body is to be read.
   */
  #open(response: Response | null): boolean {
    this.#reached = true;
    if (!response) this.end();
    if (!response || this.closed()) return false;
    this.state = 'open';
    this.#responseHeaders = response.headers;
    const reconnected = this.#opened++ > 0;
    this.emit({ type: 'open', status: response.status, statusText: response.statusText, headers: response.headers, lastEventId: this.connection!.lastEventId, reconnected });
    this.#parser.reset();
    return true;
  }

  /** Parses a chunk of the body; returns the iterator's backlog, to wait for, when it is behind. */
  #feed(text: string, bytes: number): Promise<void> | undefined {
    this.bytes += bytes;
    if (this.life?.watched) this.emit({ type: 'bytes', bytes, text });
    this.#parser.feed(text, this);
    return this.queue.backlog();
  }

  /**
   * No reconnect: the stream ends, with the policy's error or what a feature says. A feature
   * may explain a refusal (a resync) and end the stream itself, or name the error of a clean end.
   */
  async #ended(step: Extract<Decision, { end: true }>, cause: Error | undefined): Promise<void> {
    let error = step.error;
    if (step.refused) {
      this.emit({ type: 'refused', error: cause as HTTPError });
      for (const hooks of this.hooks) if (await hooks.refused?.(cause as HTTPError)) return;
    }
    for (const hooks of this.hooks) error ??= hooks.closed?.();
    this.end(error);
  }

  /** A reconnect is scheduled: reported; returns the signal that ends its wait early. */
  #reconnect(step: Extract<Decision, { reconnect: true }>, cause: Error | undefined): AbortSignal {
    this.#resume();
    this.state = 'connecting';
    this.reconnects++;
    this.emit({ type: 'reconnect', attempt: step.attempt, delay: step.delay, delaySource: step.delaySource, cause, lastEventId: this.lastEventId });
    return (this.waking = new AbortController()).signal;
  }

  /** Switches a POST stream that resumes by GET to its resume URL. */
  #resume(): void {
    const resume = this.config.resume;
    if (this.request.method === 'GET' || typeof resume !== 'object') return;
    const url = typeof resume.url === 'function' ? resume.url({ lastEventId: this.lastEventId, headers: this.#responseHeaders }) : resume.url;
    // A resume URL function runs late: its URL is checked here, as `connect()` checks its own.
    refuseCredentials(url, 'the resume URL');
    this.request = { url, method: 'GET', body: undefined };
  }
}
