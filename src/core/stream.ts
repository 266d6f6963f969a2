/**
 * `EventStream`: the public face of one logical event stream over as many HTTP connections as
 * reconnection needs. Its state and the reconnect loop live in `run.ts` (`StreamCore`); this
 * class is what a consumer uses: the iterator, listeners, `finished`, `close()`, and the
 * lifecycle surface.
 *
 * @module
 */
import { StreamCore } from './run.js';
import type { Lifecycle, StreamObserver, StreamSnapshot } from './lifecycle.js';
import type { DefaultEvents, EventMap, EventOf, ListenerOptions, ReadyState, StreamConfig, StreamEvent, StreamOutcome } from './types.js';

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
  /** The state and the reconnect loop (see `run.ts`). */
  readonly #core: StreamCore;

  /** @internal Use `connect()` or a resource method. */
  constructor(config: StreamConfig) {
    const core = (this.#core = new StreamCore(config, this));
    // The callback options are sugar over the lifecycle surface.
    const { onOpen, onReconnect, observe } = config;
    if (observe) this.observe(observe);
    if (onOpen) this.observe((step) => step.type === 'open' && onOpen({ status: step.status, headers: step.headers, lastEventId: step.lastEventId }));
    if (onReconnect) {
      this.observe((step) => {
        if (step.type !== 'reconnect') return;
        const { attempt, delay, delaySource, cause, lastEventId } = step;
        onReconnect({ attempt, delay, delaySource, cause, lastEventId });
      });
    }
    core.use();
    const signal = config.signal;
    if (signal?.aborted) core.aborted(signal.reason);
    else if (signal) {
      // Removed by hand, not with `{ signal }`: the caller's signal may come from another realm
      // (a hand-installed jsdom), whose EventTarget rejects this realm's AbortSignal.
      const onAbort = () => core.aborted(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      core.signal.addEventListener('abort', () => signal.removeEventListener('abort', onAbort));
    }
  }

  /** The connection state; see {@link ReadyState}. */
  get readyState(): ReadyState {
    return this.#core.state;
  }

  /**
   * The last event ID: the latest SSE `id:` field received (an `id:` line without `data:`
   * counts too), else the `lastEventId` option, else `''`. Sent as `Last-Event-ID` when the
   * stream reconnects; persist it to resume later.
   */
  get lastEventId(): string {
    return this.#core.lastEventId;
  }

  /**
   * The reconnection time the server last set with the SSE `retry:` field, in milliseconds;
   * `undefined` until it sends one.
   *
   * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#concept-event-stream-reconnection-time
   */
  get retry(): number | undefined {
    return this.#core.retry;
  }

  /**
   * How the stream ended, once it has (`readyState` `'closed'`); `undefined` before. See
   * {@link StreamOutcome}: completed, failed or cancelled as the platform reported it, closed by
   * you, ended by the server, or an error.
   */
  get outcome(): StreamOutcome | undefined {
    return this.#core.outcome;
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
    return this.#core.lifecycle();
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
    const core = this.#core;
    return (core.finished ??= core.closed()
      ? core.failure
        ? Promise.reject(core.failure)
        : Promise.resolve(core.outcome!)
      : new Promise<StreamOutcome>((resolve, reject) => {
          core.settle = [resolve, reject];
          core.start();
        }));
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
    if (this.#core.queue.listen(type, listener as (event: StreamEvent) => void, !!options.once, options.signal)) this.#core.start();
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
    this.#core.queue.unlisten(type, listener as (event: StreamEvent) => void);
  }

  /**
   * Closes the stream for good: cancels the request or the reconnect wait, ends iteration and
   * resolves {@link EventStream.finished}. Calling it again does nothing.
   */
  close(): void {
    this.#core.close();
  }

  /**
   * Iterates the events. Leaving the loop (`break`, `return`, a throw) closes the stream and
   * cancels the request. A stream can be iterated once.
   *
   * @throws TypeError when the stream is already being (or was) iterated.
   */
  [Symbol.asyncIterator](): AsyncIterator<EventOf<Events>, undefined> {
    if (this.#core.queue.iterating) {
      throw new TypeError(
        'runstream: this EventStream is already being iterated: a stream can be iterated once. Use addEventListener() for more consumers, or connect() again with `lastEventId` to resume.',
      );
    }
    const iterator = this.#core.queue.iterator();
    this.#core.start();
    return iterator as AsyncIterator<EventOf<Events>, undefined>;
  }
}
