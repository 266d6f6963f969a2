/**
 * `EventStream`: one logical event stream over as many HTTP connections as reconnection needs.
 * It composes the pieces: `connection.ts` (one request, pulled chunk by chunk) → `framing.ts`
 * (messages) → the adapter (events) → `queue.ts` (listeners and the iterator); `policy.ts`
 * decides what follows a connection; `lifecycle.ts` reports each step. Optional pieces attach
 * through `use` (see `StreamFeature`).
 *
 * @module
 */
import type { EventSourceMessage } from 'eventsource-parser';
import { SDKError, StreamError, type HTTPError, TimeoutError, invalidData, isTimeoutReason, redactUrl } from './errors.js';
import type { BodyLike } from './options.js';
import { Connection } from './connection.js';
import { Framing, utf8Bytes, type Sink } from './framing.js';
import { redactHeaders, refuseCredentials } from './redact.js';
import { decide, streamError } from './policy.js';
import { Queue } from './queue.js';
import { Lifecycle, type StreamLifecycleEvent, type StreamObserver, type StreamSnapshot } from './lifecycle.js';
import type {
  DefaultEvents,
  EventMap,
  EventOf,
  ListenerOptions,
  ReadyState,
  StreamConfig,
  StreamControl,
  StreamEvent,
  StreamHooks,
  StreamOutcome,
} from './types.js';

const NO_HOOKS: readonly StreamHooks[] = [];

/**
 * What the parsers report, for every stream: one object, made by `EventStream`'s static
 * `#sink` (it reaches the streams' private state) with the first stream, not five closures per
 * stream. (Not a static block: a class with one is never tree-shaken.)
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any stream's event map
let SINK: Sink<EventStream<any>> | undefined;

/**
 * A live event stream: async-iterable, with typed listeners, reconnection that resumes with
 * `Last-Event-ID`, and one terminal outcome.
 *
 * The request starts when the first consumer attaches (iteration, a listener, or reading
 * {@link EventStream.finished}). Events reach iterators and listeners alike; an event that
 * arrives before a consumer attaches reaches only the consumers attached at that moment.
 *
 * Failure: the iterator throws the typed error after the events before it; {@link
 * EventStream.finished} rejects with it. A user abort (`close()`, `signal`, leaving a
 * `for await` loop) ends quietly.
 *
 * @typeParam Events - maps each event name to its payload type.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#the-eventsource-interface
 */
export class EventStream<Events extends EventMap = DefaultEvents> implements AsyncIterable<EventOf<Events>> {
  #config: StreamConfig;
  #state: ReadyState = 'connecting';
  #lastEventId: string;
  /** Reconnection time from the server's `retry:` field, in ms; undefined until one arrives. */
  #retry: number | undefined;
  #controller = new AbortController();
  /** The current HTTP connection, aborted with the stream (`#end`). */
  #connection: Connection | undefined;
  /** The request the next connection sends: a POST resumed by GET switches to the resume URL. */
  #request: { url: string; method: string; body: BodyLike | undefined };
  #parser: Framing;
  #queue: Queue;
  /** The features' hooks (see `StreamFeature`). */
  #hooks = NO_HOOKS;
  #started = false;
  /** Count of delivered events; a connection that raised it resets the backoff. */
  #delivered = 0;
  /** Set once any request got a response: until then failures count against `maxConnectAttempts`. */
  #reached = false;
  #failure: Error | undefined;
  #finished: Promise<StreamOutcome> | undefined;
  #settle: [resolve: (outcome: StreamOutcome) => void, reject: (error: unknown) => void] | undefined;
  #outcome: StreamOutcome | undefined;
  /** Connections opened: every one after the first is a reconnect. */
  #openedBefore = 0;
  /** Ends the current reconnect wait early (see `StreamControl.wake`). */
  #wake: AbortController | undefined;
  /** Set while a feature holds the stream (a hidden page); resolves when released. */
  #hold: [Promise<void>, () => void] | undefined;
  /** Set when a feature closed the connection: the next request is its reconnect. */
  #interrupted = false;
  // The lifecycle surface (see `lifecycle.ts`): nothing is allocated until someone observes.
  #life: Lifecycle | undefined;
  /** Body bytes read, reconnects scheduled and requests sent, over the stream's life. */
  #bytes = 0;
  #reconnects = 0;
  #requests = 0;

  /** The one sink of every stream's parser (a static method: nothing here holds a stream). */
  static #sink(): Sink<EventStream> {
    return {
      id: (stream, id) => {
        // The rest of a chunk after the stream ended is never delivered, so its ids must not
        // move the last event ID either (else it would depend on chunking).
        if (stream.#closed()) return;
        stream.#lastEventId = id;
        stream.#life?.emit();
      },
      event: (stream, message) => stream.#onMessage(message),
      retry: (stream, retry) => {
        stream.#retry = retry;
        stream.#emit({ type: 'retry', retry });
      },
      // A comment is a keepalive (`: ping`, a relay's `: keepalive`): its cadence may shorten
      // the idle timeout. Comments are rare, so this costs nothing per event.
      comment: (stream, comment) => {
        stream.#connection?.keepalive();
        stream.#emit({ type: 'comment', comment });
      },
      tooLarge: (stream) => stream.#end(stream.#tooLarge()),
    };
  }

  /** @internal Use `connect()` or a resource method. */
  constructor(config: StreamConfig) {
    this.#config = config;
    this.#lastEventId = config.lastEventId;
    // The config holds the first request (a POST resumed by GET switches to another).
    this.#request = config;
    this.#queue = new Queue(this, config.adapter.known);
    // The callback options are sugar over the lifecycle surface.
    const { onOpen, onReconnect, observe, use } = config;
    if (observe) this.observe(observe);
    if (onOpen) this.observe((step) => step.type === 'open' && onOpen({ status: step.status, headers: step.headers, lastEventId: step.lastEventId }));
    if (onReconnect) {
      this.observe((step) => {
        if (step.type !== 'reconnect') return;
        const { attempt, delay, delaySource, cause, lastEventId } = step;
        onReconnect({ attempt, delay, delaySource, cause, lastEventId });
      });
    }
    this.#parser = new Framing(config.maxEventSize);
    SINK ??= EventStream.#sink();
    if (use?.length) this.#hooks = use.map((feature) => feature(this.#control()) ?? {});
    const signal = config.signal;
    if (signal?.aborted) this.#aborted(signal.reason);
    else if (signal) {
      // Removed by hand, not with `{ signal }`: the caller's signal may come from another realm
      // (a hand-installed jsdom), whose EventTarget rejects this realm's AbortSignal.
      const onAbort = () => this.#aborted(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      this.#controller.signal.addEventListener('abort', () => signal.removeEventListener('abort', onAbort));
    }
  }

  /** The controls a feature gets (see `StreamControl`): made only for streams that use one. */
  #control(): StreamControl {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the getters read the stream
    const self = this;
    return {
      config: this.#config,
      signal: this.#controller.signal,
      get request() {
        return self.#request;
      },
      get lastEventId() {
        return self.#lastEventId;
      },
      get delivered() {
        return self.#delivered;
      },
      deliver: (event) => this.#deliver(event),
      emit: (step) => this.#emit(step),
      end: (error, outcome) => {
        if (this.#closed()) return;
        this.#outcome = outcome;
        this.#end(error);
      },
      setRequest: ({ url, method, body }) => {
        refuseCredentials(url, 'the stream URL');
        this.#request = { url, method, body };
      },
      wake: () => this.#wake?.abort(),
      interrupt: (hold) => {
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
        this.#wake?.abort();
      },
    };
  }

  /**
   * The caller's signal aborted: a deadline (`AbortSignal.timeout(ms)`) ends the stream with a
   * `TimeoutError`, since whoever set it wants to know it passed; any other reason ends it quietly.
   */
  #aborted(reason: unknown): void {
    if (!isTimeoutReason(reason)) return this.close();
    const { method, url } = this.#request;
    this.#end(reason instanceof TimeoutError ? reason : new TimeoutError({ method, url, cause: reason, lastEventId: this.#lastEventId }));
  }

  /** The connection state; see {@link ReadyState}. */
  get readyState(): ReadyState {
    return this.#state;
  }

  /**
   * The last event ID: the latest SSE `id:` field received (an `id:` line without `data:`
   * counts too), else the `lastEventId` option, else `''`. Sent as `Last-Event-ID` when the
   * stream reconnects; persist it to resume later.
   */
  get lastEventId(): string {
    return this.#lastEventId;
  }

  /**
   * The reconnection time the server last set with the SSE `retry:` field, in milliseconds;
   * `undefined` until it sends one.
   *
   * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#concept-event-stream-reconnection-time
   */
  get retry(): number | undefined {
    return this.#retry;
  }

  /**
   * How the stream ended, once it has (`readyState` `'closed'`); `undefined` before. See
   * {@link StreamOutcome}: completed, failed or cancelled as the platform reported it, closed by
   * you, ended by the server, or an error.
   */
  get outcome(): StreamOutcome | undefined {
    return this.#outcome;
  }

  /**
   * Observes the stream's own life (apart from the server's events): each request, each
   * accepted response, body chunks, comments, skipped keepalive events, `retry:`, scheduled
   * reconnects, resyncs, delivered events and the end; see {@link StreamLifecycleEvent}.
   * Observing does not start the stream. Adding the same function twice has no effect.
   *
   * @param observer - called synchronously at each step; an exception it throws is reported
   *   (`reportError`) and does not stop the stream.
   * @returns a function that stops the observation.
   *
   * @example
   * ```ts
   * import { connect } from 'runstream';
   *
   * const stream = connect('http://127.0.0.1:8080/events');
   * stream.observe((step) => {
   *   if (step.type === 'reconnect') console.warn(`reconnecting in ${step.delay} ms (${step.delaySource})`);
   * });
   * ```
   */
  observe(observer: StreamObserver): () => void {
    return this.#lifecycle().observe(observer);
  }

  /**
   * The stream's state now, as one frozen object that stays the same (`===`) until something
   * in it changes; see {@link StreamSnapshot}. With {@link EventStream.subscribe}, the pair
   * React's `useSyncExternalStore` takes. Bound to the stream: pass it as it is.
   */
  get getSnapshot(): () => StreamSnapshot {
    return this.#lifecycle().getSnapshot;
  }

  /**
   * Calls `onChange` (with no arguments) whenever {@link EventStream.getSnapshot} would return a
   * new object: a state change, bytes read, an event delivered, a reconnect, the end. Does not
   * start the stream. Bound to the stream: pass it as it is.
   *
   * @returns a function that stops the calls.
   *
   * @example
   * ```ts
   * import { useSyncExternalStore } from 'react';
   * import type { EventStream } from 'runstream';
   *
   * function useReadyState(stream: EventStream) {
   *   return useSyncExternalStore(stream.subscribe, () => stream.getSnapshot().readyState);
   * }
   * ```
   */
  get subscribe(): (onChange: () => void) => () => void {
    return this.#lifecycle().subscribe;
  }

  /** The lifecycle surface, made when first used. */
  #lifecycle(): Lifecycle {
    return (this.#life ??= new Lifecycle(() => ({
      readyState: this.#state,
      lastEventId: this.#lastEventId,
      retry: this.#retry,
      events: this.#delivered,
      reconnects: this.#reconnects,
      bytes: this.#bytes,
      outcome: this.#outcome,
    })));
  }

  /** Reports a lifecycle step to the observers, and a change to the subscribers. */
  #emit(step: StreamLifecycleEvent): void {
    this.#life?.emit(step);
  }

  /** Whether anyone observes or subscribes: the per-event path builds no record otherwise. */
  #watched(): boolean | undefined {
    return this.#life?.watched;
  }

  /**
   * Settles when the stream ends: resolves with the {@link StreamOutcome} on a normal end (a
   * terminal event, whatever outcome it reports; `close()`, abort; a server that closed a
   * non-reconnecting stream) and rejects with the typed error otherwise (`HTTPError`,
   * `ConnectionError`, `StreamError`, `TimeoutError`), exactly when the iterator throws. Reading
   * it starts the stream. With only listeners attached, await or catch it: a failure nobody
   * observes surfaces as an unhandled rejection rather than vanish.
   */
  get finished(): Promise<StreamOutcome> {
    // A stream closed before it started (a signal aborted early, `close()` first) never runs,
    // so nothing would settle a pending promise: answer from the state now.
    this.#finished ??= this.#closed()
      ? this.#failure
        ? Promise.reject(this.#failure)
        : Promise.resolve(this.#outcome!)
      : new Promise<StreamOutcome>((resolve, reject) => {
          this.#settle = [resolve, reject];
          this.#start();
        });
    return this.#finished;
  }

  /**
   * Calls `listener` with each event named `type`. Registering the same function twice for one
   * type has no effect, as with `EventTarget`. Starts the stream.
   *
   * @param type - an event name of the map, or any other name the server may send.
   * @param listener - receives the event; an exception it throws is reported (`reportError`)
   *   and does not stop the stream.
   * @param options - `once`, `signal`.
   */
  addEventListener<Type extends keyof Events & string>(
    type: Type,
    listener: (event: StreamEvent<Type, Events[Type]>) => void,
    options?: ListenerOptions,
  ): void;
  addEventListener(type: string, listener: (event: StreamEvent<string, unknown>) => void, options?: ListenerOptions): void;
  addEventListener(type: string, listener: (event: never) => void, options: ListenerOptions = {}): void {
    if (this.#queue.listen(type, listener as (event: StreamEvent) => void, !!options.once, options.signal)) this.#start();
  }

  /**
   * Stops calling `listener` for events named `type`.
   *
   * @param type - the name it was registered with.
   * @param listener - the function it was registered with.
   */
  removeEventListener<Type extends keyof Events & string>(
    type: Type,
    listener: (event: StreamEvent<Type, Events[Type]>) => void,
  ): void;
  removeEventListener(type: string, listener: (event: StreamEvent<string, unknown>) => void): void;
  removeEventListener(type: string, listener: (event: never) => void): void {
    this.#queue.unlisten(type, listener as (event: StreamEvent) => void);
  }

  /**
   * Closes the stream for good: cancels the request or the reconnect wait, ends iteration and
   * resolves {@link EventStream.finished}. Calling it again does nothing.
   */
  close(): void {
    if (this.#closed()) return;
    // Leaving the loop at the terminal event keeps the outcome that event reported.
    this.#outcome ??= { type: 'closed' };
    // Iteration ends now, as EventSource's close() stops dispatch: events that arrived in the
    // same chunk but were not yet taken by the iterator are dropped, as they are for listeners.
    this.#queue.clear();
    this.#end();
  }

  /**
   * Iterates the events. Leaving the loop (`break`, `return`, a throw) closes the stream and
   * cancels the request. A stream can be iterated once.
   *
   * @throws TypeError when the stream is already being (or was) iterated.
   */
  [Symbol.asyncIterator](): AsyncIterator<EventOf<Events>, undefined> {
    if (this.#queue.iterating) {
      throw new TypeError(
        'runstream: this EventStream is already being iterated: a stream can be iterated once. Use addEventListener() for more consumers, or connect() again with `lastEventId` to resume.',
      );
    }
    const iterator = this.#queue.iterator();
    this.#start();
    return iterator as AsyncIterator<EventOf<Events>, undefined>;
  }

  // A method rather than a comparison: TypeScript would keep #state narrowed across awaits.
  #closed(): boolean {
    return this.#state === 'closed';
  }

  #start(): void {
    if (this.#started || this.#closed()) return;
    this.#started = true;
    // A microtask lets the caller attach every listener of this tick before the first event.
    queueMicrotask(() => {
      // Closed in the same tick (React StrictMode mounts, unmounts and mounts again): a closed
      // stream never sends a request.
      if (this.#closed()) return;
      // Never rejects: a failure ends the stream (see `#run`), so nothing escapes this microtask.
      void this.#run();
    });
  }

  #tooLarge(): StreamError {
    return streamError(this.#policyState(), 'max-buffer-size', `an event grew past maxEventSize (${this.#config.maxEventSize} characters)`);
  }

  #onMessage(message: EventSourceMessage): void {
    if (this.#closed()) return;
    const config = this.#config;
    let event: StreamEvent | null | undefined | false;
    try {
      event = config.adapter.toEvent(message, this.#lastEventId);
    } catch (error) {
      return this.#invalidData(error, message);
    }
    // `undefined`: a keepalive; `false`: not for this stream; `null`: the end marker.
    if (event) return this.#deliver(event);
    if (event === null) {
      this.#outcome = { type: 'completed' };
      this.#end();
    } else if (event === undefined) {
      this.#connection?.keepalive();
      if (this.#watched()) this.#emit({ type: 'keepalive', event: message.event ?? 'message' });
    }
  }

  #invalidData(error: unknown, message: EventSourceMessage): void {
    const streamError = error instanceof StreamError ? error : invalidData(message.event ?? 'message', message.data, this.#lastEventId, error);
    const handler = this.#config.onInvalidData;
    try {
      if (!handler) throw streamError;
      handler(streamError);
    } catch (thrown) {
      this.#end(thrown instanceof Error ? thrown : streamError);
    }
  }

  /** Hands an event to the consumers, the observers, then the features. */
  #deliver(event: StreamEvent): void {
    this.#delivered++;
    if (this.#watched()) this.#emit({ type: 'event', event });
    this.#queue.push(event);
    // A plain stream has no features: no iterator per event.
    if (this.#hooks.length) for (const hooks of this.#hooks) if (!this.#closed()) hooks.event?.(event);
  }

  /** Ends the stream once: closed state, request cancelled, consumers settled. */
  #end(failure?: Error): void {
    if (this.#closed()) return;
    this.#state = 'closed';
    this.#failure = failure;
    // A terminal event or close() named the outcome already; else the end says it.
    const outcome = (this.#outcome ??= failure ? { type: 'error', error: failure } : { type: 'ended' });
    this.#controller.abort();
    this.#connection?.abort();
    this.#wake?.abort();
    this.#hold?.[1]();
    this.#queue.end(failure);
    if (failure) {
      // Nobody observes a failure of a stream with only listeners: surface it rather than lose it.
      if (this.#settle) this.#settle[1](failure);
      else if (!this.#queue.iterating && this.#started) this.#finished ??= Promise.reject(failure);
    } else {
      this.#settle?.[0](outcome);
    }
    this.#emit({ type: 'end', outcome });
  }

  /** What the reconnect policy reads (see `PolicyState`). */
  #policyState(cause?: Error, attempt = 0) {
    const { url, method } = this.#request;
    const { resume, reconnect } = this.#config;
    return { url, method, lastEventId: this.#lastEventId, resume, reconnect, cause, attempt, delivered: this.#delivered, reached: this.#reached, retry: this.#retry };
  }

  /**
   * The reconnect loop: connections one after another until the stream ends. Never rejects.
   * An idle stream is suspended here, so this frame stays small: every step that need not
   * wait is a method of its own (`#connect`, `#opened`, `#ended`, `#dropped`).
   */
  async #run(): Promise<void> {
    /** Failures in a row, for the backoff. */
    let attempt = 0;
    try {
      // A feature may hold the first request (see `StreamHooks.start`).
      for (const hooks of this.#hooks) await hooks.start?.();
      if (this.#closed()) return;
      for (;;) {
        // A feature holds the stream here (a hidden page) until it lets go.
        while (this.#hold) {
          this.#connecting();
          await this.#hold[0];
          if (this.#closed()) return;
        }
        const deliveredBefore = this.#delivered;
        let cause: Error | undefined;
        // One connection, inline rather than a call (one suspended function per idle stream,
        // not two): send the request, then pull its body through the parser into the queue.
        const connection = (this.#connection = this.#connect());
        try {
          if (this.#opened(await connection.open())) {
            // A feature may hold the read loop back (a resync); the body's bytes wait in the socket.
            if (this.#hooks.length) await this.#opening();
            while (!this.#closed()) {
              let chunk;
              try {
                chunk = await connection.reader!.read();
              } catch (error) {
                throw connection.failed(error);
              }
              const text = connection.take(chunk);
              if (text === undefined) break;
              // Backpressure: with an iterator attached, read on only once it has caught up.
              const backlog = this.#feed(text, connection);
              if (backlog) {
                connection.paused = true;
                await backlog;
                connection.resume();
              }
            }
          }
        } catch (error) {
          cause = this.#dropped(error, connection);
        } finally {
          connection.abort();
          this.#connection = undefined;
        }
        // Closed: by the user, a 204, a terminal event or a failure.
        if (this.#closed()) return;
        // A feature closed the connection (the page was hidden, or restored from the cache): not a failure.
        if (this.#interrupted || this.#hold) {
          attempt = 0;
          this.#connecting();
          continue;
        }
        if (this.#delivered > deliveredBefore) attempt = 0;
        const step = decide(this.#policyState(cause, attempt));
        if (!step.reconnect) {
          // A feature may explain a refusal (a resync) and end the stream itself.
          if (!step.refused || !(await this.#refused(cause as HTTPError))) this.#ended(step.error);
          return;
        }
        attempt = step.attempt;
        const wake = this.#reconnect(step, cause);
        await (this.#config.reconnect as Exclude<StreamConfig['reconnect'], false>).sleep(step.delay, wake.signal);
        this.#wake = undefined;
        if (this.#closed()) return;
      }
    } catch (error) {
      // A bug (not a failure of the stream) still ends it, with the error.
      this.#end(error instanceof Error ? error : new SDKError(String(error)));
    }
  }

  /** The features' `open` hooks, in turn (each may hold the read loop back). */
  async #opening(): Promise<void> {
    for (const hooks of this.#hooks) await hooks.open?.(this.#openedBefore > 1);
  }

  /** Whether a feature took over a refused request (see `StreamHooks.refused`). */
  async #refused(cause: HTTPError): Promise<boolean> {
    for (const hooks of this.#hooks) if (await hooks.refused?.(cause)) return true;
    return false;
  }

  /** Back to `'connecting'` (between connections). */
  #connecting(): void {
    this.#state = 'connecting';
    this.#life?.emit();
  }

  /** The next connection: its request (with `Last-Event-ID`), reported, not yet sent. */
  #connect(): Connection {
    if (this.#interrupted) {
      this.#interrupted = false;
      this.#reconnects++;
      this.#emit({ type: 'reconnect', attempt: 1, delay: 0, delaySource: 'page', cause: undefined, lastEventId: this.#lastEventId });
    }
    const config = this.#config;
    const { url, method, body } = this.#request;
    const headers = { ...config.headers };
    const lastEventId = this.#lastEventId;
    // Header values are byte strings: send the id's UTF-8 bytes, as the spec asks.
    if (lastEventId) headers['last-event-id'] = utf8Bytes(lastEventId);
    if (body === undefined) delete headers['content-type'];
    this.#requests++;
    if (this.#watched()) this.#emit({ type: 'connecting', request: this.#requests, method, url: redactUrl(url), lastEventId, headers: redactHeaders(headers) });
    return new Connection({ url, method, body, headers, fetch: config.fetch, idleTimeout: config.idleTimeout, lastEventId });
  }

  /**
   * A response arrived (`null`: 204 No Content, the server asks the client to stop
   * reconnecting): true when the stream is open and its body is to be read.
   */
  #opened(response: Response | null): boolean {
    this.#reached = true;
    if (!response) this.#end();
    if (!response || this.#closed()) return false;
    this.#state = 'open';
    this.#responseHeaders = response.headers;
    const reconnected = this.#openedBefore > 0;
    this.#openedBefore++;
    this.#emit({ type: 'open', status: response.status, headers: response.headers, lastEventId: this.#connection!.lastEventId, reconnected });
    this.#parser.reset();
    return true;
  }

  /** Parses a chunk of the body; returns the iterator's backlog, to wait for, when it is behind. */
  #feed(text: string, connection: Connection): Promise<void> | undefined {
    this.#bytes += connection.bytes;
    if (this.#watched()) this.#emit({ type: 'bytes', bytes: connection.bytes, text });
    this.#parser.feed(text, SINK!, this);
    return this.#queue.backlog();
  }

  /** Why a connection ended, as the policy reads it: its typed error, where the stream was. */
  #dropped(error: unknown, connection: Connection): Error {
    if (connection.reached) this.#reached = true;
    // Errors say where the stream was when they ended it.
    if (error instanceof SDKError) error.lastEventId = this.#lastEventId;
    return error as Error;
  }

  /** No reconnect: the stream ends, with `error` or what a feature says of the clean end. */
  #ended(error: Error | undefined): void {
    for (const hooks of this.#hooks) error ??= hooks.closed?.();
    this.#end(error);
  }

  /** A reconnect is scheduled: reported; returns the controller that ends its wait early. */
  #reconnect(step: { attempt: number; delay: number; delaySource: 'retry-after' | 'retry' | 'backoff' }, cause: Error | undefined): AbortController {
    this.#resume();
    this.#state = 'connecting';
    this.#reconnects++;
    this.#emit({ type: 'reconnect', attempt: step.attempt, delay: step.delay, delaySource: step.delaySource, cause, lastEventId: this.#lastEventId });
    return (this.#wake = new AbortController());
  }

  /** Headers of the last accepted response, for a resume URL function. */
  #responseHeaders: Headers | undefined;

  /** Switches a POST stream that resumes by GET to its resume URL. */
  #resume(): void {
    const resume = this.#config.resume;
    if (this.#request.method === 'GET' || typeof resume !== 'object') return;
    const url = typeof resume.url === 'function' ? resume.url({ lastEventId: this.#lastEventId, headers: this.#responseHeaders }) : resume.url;
    // A resume URL function runs late: its URL is checked here, as `connect()` checks its own.
    refuseCredentials(url, 'the resume URL');
    this.#request = { url, method: 'GET', body: undefined };
  }
}
