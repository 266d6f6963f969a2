/**
 * The state and the reconnect loop behind one `EventStream`: connections one after another
 * (`connection.ts`), each body pulled through the parser (`framing.ts`, which reports to this
 * object) into the queue (`queue.ts`); `policy.ts` decides what follows a connection, the
 * lifecycle (`lifecycle.ts`) reports each step, and optional features attach through the
 * hooks (this object is the `StreamControl` they get). Data flows one way: fetch → parser →
 * queue → consumer. `EventStream` (`stream.ts`) is the public face over it.
 *
 * @module
 * @internal
 */
import type { EventSourceMessage } from 'eventsource-parser';
import { SDKError, StreamError, type HTTPError, TimeoutError, invalidData, isTimeoutReason, redactUrl } from './errors.js';
import type { BodyLike } from './options.js';
import { Connection } from './connection.js';
import { Framing, utf8Bytes, type Sink } from './framing.js';
import { redactHeaders, refuseCredentials } from './redact.js';
import { decide, streamError, type Decision } from './policy.js';
import { Queue } from './queue.js';
import { Lifecycle, type StreamLifecycleEvent } from './lifecycle.js';
import type { ReadyState, StreamConfig, StreamControl, StreamEvent, StreamHooks, StreamOutcome } from './types.js';

const NO_HOOKS: readonly StreamHooks[] = [];

/** The request a connection sends. */
type Request = { url: string; method: string; body: BodyLike | undefined };

/**
 * One stream's state and its reconnect loop. Internal: `EventStream` holds one and forwards to
 * it; features get it as their {@link StreamControl}. Fields are plain (not `#private`) so that
 * the public face in `stream.ts` can read them; nothing outside `src/core` and the features
 * touches them.
 *
 * @internal
 */
export class StreamCore implements StreamControl, Sink {
  readonly config: StreamConfig;
  state: ReadyState = 'connecting';
  lastEventId: string;
  /** Reconnection time from the server's `retry:` field, in ms; undefined until one arrives. */
  retry: number | undefined;
  /** Made when {@link StreamCore.signal} is first read (a caller's signal, a feature). */
  #controller: AbortController | undefined;
  /** The current HTTP connection, aborted with the stream (`end`). */
  #connection: Connection | undefined;
  /** The request the next connection sends: a POST resumed by GET switches to the resume URL. */
  request: Request;
  readonly #parser: Framing;
  readonly queue: Queue;
  /** The features' hooks (see `StreamFeature`). */
  #hooks = NO_HOOKS;
  started = false;
  /** Count of delivered events; a connection that raised it resets the backoff. */
  delivered = 0;
  /** Set once any request got a response: until then failures count against `maxConnectAttempts`. */
  #reached = false;
  failure: Error | undefined;
  finished: Promise<StreamOutcome> | undefined;
  settle: [resolve: (outcome: StreamOutcome) => void, reject: (error: unknown) => void] | undefined;
  outcome: StreamOutcome | undefined;
  /** Connections opened: every one after the first is a reconnect. */
  #opened = 0;
  /** Ends the current reconnect wait early (see `StreamControl.wake`). */
  #wake: AbortController | undefined;
  /** Set while a feature holds the stream (a hidden page); resolves when released. */
  #hold: [Promise<void>, () => void] | undefined;
  /** Set when a feature closed the connection: the next request is its reconnect. */
  #interrupted = false;
  /** The lifecycle surface (see `lifecycle.ts`): nothing is allocated until someone observes. */
  life: Lifecycle | undefined;
  /** Body bytes read and reconnects scheduled, over the stream's life. */
  bytes = 0;
  reconnects = 0;
  /** Headers of the last accepted response, for a resume URL function. */
  #responseHeaders: Headers | undefined;

  constructor(config: StreamConfig, owner: { close(): void }) {
    this.config = config;
    this.lastEventId = config.lastEventId;
    // The config holds the first request (a POST resumed by GET switches to another).
    this.request = config;
    this.queue = new Queue(owner, config.adapter.known);
    this.#parser = new Framing(config.maxEventSize);
  }

  /** Attaches the features (after the stream's own observers, as the options list them). */
  use(): void {
    const use = this.config.use;
    if (use?.length) this.#hooks = use.map((feature) => feature(this) ?? {});
  }

  // StreamControl (see types.ts): what a feature may do.

  /** Aborts when the stream ends. A getter: runtimes make a controller's signal when first read. */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.closed()) this.#controller.abort();
    }
    return this.#controller.signal;
  }

  setRequest({ url, method, body }: { url: string; method: string; body?: BodyLike | undefined }): void {
    refuseCredentials(url, 'the stream URL');
    this.request = { url, method, body };
  }

  deliver(event: StreamEvent): void {
    this.delivered++;
    if (this.life?.watched) this.emit({ type: 'event', event });
    this.queue.push(event);
    // A plain stream has no features: no iterator per event.
    if (this.#hooks.length) for (const hooks of this.#hooks) if (!this.closed()) hooks.event?.(event);
  }

  /** Reports a lifecycle step to the observers, and a change to the subscribers. */
  emit(step?: StreamLifecycleEvent): void {
    this.life?.emit(step);
  }

  end(failure?: Error, outcome?: StreamOutcome): void {
    if (this.closed()) return;
    this.state = 'closed';
    this.failure = failure;
    // A terminal event or close() named the outcome already; else the end says it.
    const result = (this.outcome ??= outcome ?? (failure ? { type: 'error', error: failure } : { type: 'ended' }));
    this.#controller?.abort();
    this.#connection?.abort();
    this.wake();
    this.#hold?.[1]();
    this.queue.end(failure);
    if (failure) {
      // Nobody observes a failure of a stream with only listeners: surface it rather than lose it.
      if (this.settle) this.settle[1](failure);
      else if (!this.queue.iterating && this.started) this.finished ??= Promise.reject(failure);
    } else {
      this.settle?.[0](result);
    }
    this.emit({ type: 'end', outcome: result });
  }

  wake(): void {
    this.#wake?.abort();
  }

  interrupt(hold?: boolean): void {
    if (hold === false) {
      this.#hold?.[1]();
      this.#hold = undefined;
      return;
    }
    if (hold && !this.#hold) {
      let release!: () => void;
      this.#hold = [new Promise<void>((resolve) => (release = resolve)), release];
    }
    if (this.#connection) this.#interrupted = true;
    this.#connection?.abort();
    this.wake();
  }

  // Sink (see framing.ts): what the parser reports, while `feed` runs.

  onId(id: string): void {
    // The rest of a chunk after the stream ended is never delivered, so its ids must not
    // move the last event ID either (else it would depend on chunking).
    if (this.closed()) return;
    this.lastEventId = id;
    this.emit();
  }

  onRetry(retry: number): void {
    this.retry = retry;
    this.emit({ type: 'retry', retry });
  }

  // A comment is a keepalive (`: ping`, a relay's `: keepalive`): its cadence may shorten the
  // idle timeout. Comments are rare, so this costs nothing per event.
  onComment(comment: string): void {
    this.#connection?.keepalive();
    this.emit({ type: 'comment', comment });
  }

  onTooLarge(): void {
    this.end(streamError(this.#policyState(), 'max-buffer-size', `an event grew past maxEventSize (${this.config.maxEventSize} characters)`));
  }

  onEvent(message: EventSourceMessage): void {
    if (this.closed()) return;
    let event: StreamEvent | null | undefined | false;
    try {
      event = this.config.adapter.toEvent(message, this.lastEventId);
    } catch (error) {
      return this.#invalidData(error, message);
    }
    // `undefined`: a keepalive; `false`: not for this stream; `null`: the end marker.
    if (event) return this.deliver(event);
    if (event === null) this.end(undefined, { type: 'completed' });
    else if (event === undefined) {
      this.#connection?.keepalive();
      if (this.life?.watched) this.emit({ type: 'keepalive', event: message.event ?? 'message' });
    }
  }

  #invalidData(error: unknown, message: EventSourceMessage): void {
    const failure = error instanceof StreamError ? error : invalidData(message.event ?? 'message', message.data, this.lastEventId, error);
    const handler = this.config.onInvalidData;
    try {
      if (!handler) throw failure;
      handler(failure);
    } catch (thrown) {
      this.end(thrown instanceof Error ? thrown : failure);
    }
  }

  /** `EventStream.close()`: ends the stream, dropping the events the iterator has not taken. */
  close(): void {
    if (this.closed()) return;
    // Leaving the loop at the terminal event keeps the outcome that event reported.
    this.outcome ??= { type: 'closed' };
    // Iteration ends now, as EventSource's close() stops dispatch: events that arrived in the
    // same chunk but were not yet taken by the iterator are dropped, as they are for listeners.
    this.queue.clear();
    this.end();
  }

  /**
   * The caller's signal aborted: a deadline (`AbortSignal.timeout(ms)`) ends the stream with a
   * `TimeoutError`, since whoever set it wants to know it passed; any other reason ends it as
   * `close()` does.
   */
  aborted(reason: unknown): void {
    if (!isTimeoutReason(reason)) return this.close();
    const { method, url } = this.request;
    this.end(reason instanceof TimeoutError ? reason : new TimeoutError({ method, url, cause: reason, lastEventId: this.lastEventId }));
  }

  // A method rather than a comparison: TypeScript would keep `state` narrowed across awaits.
  closed(): boolean {
    return this.state === 'closed';
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
      for (const hooks of this.#hooks) await hooks.start?.();
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
    const { url, method } = this.request;
    const { resume, reconnect } = this.config;
    return { url, method, lastEventId: this.lastEventId, resume, reconnect, cause, attempt, delivered: this.delivered, reached: this.#reached, retry: this.retry };
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
    const hold = this.#hold;
    if (hold) {
      this.#connecting();
      void hold[0].then(() => this.#next());
      return;
    }
    this.#deliveredBefore = this.delivered;
    const connection = (this.#connection = this.#connect());
    connection.open(this.#headers(connection)).then(
      (response) => {
        try {
          if (!this.#open(response)) return this.#after(connection);
          // A feature may hold the read loop back (a resync); the body's bytes wait in the socket.
          if (this.#hooks.length) this.#opening().then(() => this.#read(connection), (error: unknown) => this.#after(connection, error));
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
    for (const hooks of this.#hooks) await hooks.open?.(this.#opened > 1);
  }

  /** Reads the next chunk of the body into the parser and the queue. */
  #read(connection: Connection): void {
    if (this.closed()) return this.#after(connection);
    connection.reader!.read().then(
      (chunk) => {
        try {
          const text = connection.take(chunk);
          if (text === undefined) return this.#after(connection);
          // Backpressure: with an iterator attached, read on only once it has caught up.
          const backlog = this.#feed(text, chunk.value!.byteLength);
          if (!backlog) return this.#read(connection);
          connection.paused = true;
          void backlog.then(() => {
            connection.resume();
            this.#read(connection);
          });
        } catch (error) {
          this.#after(connection, error);
        }
      },
      (error: unknown) => this.#after(connection, connection.failed(error)),
    );
  }

  /** A connection ended (`error`: why, when it failed): the policy decides what follows. */
  #after(connection: Connection, error?: unknown): void {
    connection.abort();
    this.#connection = undefined;
    if (error !== undefined) {
      if (connection.reached) this.#reached = true;
      // Errors say where the stream was when they ended it.
      if (error instanceof SDKError) error.lastEventId = this.lastEventId;
    }
    // Closed: by the user, a 204, a terminal event or a failure.
    if (this.closed()) return;
    try {
      // A feature closed the connection (the page was hidden, or restored from the cache): not a failure.
      if (this.#interrupted || this.#hold) {
        this.#attempt = 0;
        this.#connecting();
        return this.#next();
      }
      if (this.delivered > this.#deliveredBefore) this.#attempt = 0;
      const cause = error as Error | undefined;
      const step = decide(this.#policyState(cause, this.#attempt));
      if (!step.reconnect) return void this.#ended(step, cause).catch((thrown: unknown) => this.#fail(thrown));
      this.#attempt = step.attempt;
      (this.config.reconnect as Exclude<StreamConfig['reconnect'], false>).sleep(step.delay, this.#reconnect(step, cause)).then(
        () => {
          this.#wake = undefined;
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
    if (this.#interrupted) {
      this.#interrupted = false;
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
    this.emit({ type: 'open', status: response.status, headers: response.headers, lastEventId: this.#connection!.lastEventId, reconnected });
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
    if (step.refused) for (const hooks of this.#hooks) if (await hooks.refused?.(cause as HTTPError)) return;
    for (const hooks of this.#hooks) error ??= hooks.closed?.();
    this.end(error);
  }

  /** A reconnect is scheduled: reported; returns the signal that ends its wait early. */
  #reconnect(step: Extract<Decision, { reconnect: true }>, cause: Error | undefined): AbortSignal {
    this.#resume();
    this.state = 'connecting';
    this.reconnects++;
    this.emit({ type: 'reconnect', attempt: step.attempt, delay: step.delay, delaySource: step.delaySource, cause, lastEventId: this.lastEventId });
    return (this.#wake = new AbortController()).signal;
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
