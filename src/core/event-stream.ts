/**
 * `EventStream`: one logical event stream over as many HTTP connections as reconnection needs.
 * fetch → TextDecoder → eventsource-parser → adapter → listeners and the async iterator.
 *
 * @module
 */
import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';
import { ConnectionError, HTTPError, SDKError, StreamError, TimeoutError, invalidData, isTimeoutReason, redactUrl, type StreamErrorCode } from './errors.js';
import type { BodyLike, OpenInfo, ReconnectInfo, ResolvedReconnect, ResumeMode } from './options.js';
import { reconnectDelay } from './reconnect.js';
import { Connection, describe, hostPort, type ConnectionHost } from './connection.js';
import { retryAfterDelay } from './http.js';
import { refuseCredentials } from './redact.js';
import { callEach, report, type StreamLifecycleEvent, type StreamObserver, type StreamSnapshot } from './lifecycle.js';

/**
 * One delivered event: the same object reaches iterators and listeners.
 *
 * @typeParam Type - the event name.
 * @typeParam Data - the decoded payload.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#dispatchMessage
 */
export interface StreamEvent<Type extends string = string, Data = unknown> {
  /**
   * The event name: the SSE `event:` field, `'message'` when the block names none (as in
   * EventSource). Resource streams that receive an unnamed JSON envelope (`{"type": …}` or
   * `{"event": …}`) take the name from the envelope.
   */
  readonly type: Type;
  /**
   * The payload. `connect` gives the SSE `data:` text (lines joined with LF) unless asked to
   * decode it; resource streams give the decoded JSON (the envelope's inner data for envelopes).
   */
  readonly data: Data;
  /**
   * The last event ID at dispatch (EventSource's `lastEventId`): the latest SSE `id:` field seen
   * on this stream, in this block or an earlier one; `''` when none has been seen.
   */
  readonly id: string;
  /** The SSE `data:` text exactly as received, before any decoding. */
  readonly raw: string;
}

/**
 * Maps event names to payload types, e.g. `{ 'run.started': { run_id: string } }`. Any object
 * type (interface or type literal) whose keys are the event names.
 */
export type EventMap = object;

/** The events of `connect` without a type argument: any name, `data` as text. */
export type DefaultEvents = { [type: string]: string };

/** The events of `connect` with `json` or `decode` but no type argument: any name, `data` unknown. */
export type JsonEvents = { [type: string]: unknown };

/**
 * The union of the events a map describes. Narrowing on `event.type` narrows `event.data`.
 *
 * @typeParam Events - the event map.
 */
export type EventOf<Events extends EventMap> = {
  [Type in keyof Events & string]: StreamEvent<Type, Events[Type]>;
}[keyof Events & string];

/**
 * The connection state, with EventSource's meanings: `'connecting'` before the response and
 * while waiting to reconnect, `'open'` while reading a response, `'closed'` for good.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#dom-eventsource-readystate
 */
export type ReadyState = 'connecting' | 'open' | 'closed';

/** Options of {@link EventStream.addEventListener}. */
export interface ListenerOptions {
  /** Remove the listener after its first call. @defaultValue false */
  once?: boolean | undefined;
  /** Remove the listener when this signal aborts. */
  signal?: AbortSignal | undefined;
}

/**
 * How a platform's wire format becomes delivered events. Resources supply one; `connect`
 * builds one from its `json`/`decode` options.
 *
 * @internal
 */
export interface StreamAdapter {
  /**
   * Turns a parsed message into an event. `undefined` skips it as a keepalive (its cadence
   * may shorten the idle timeout); `false` skips a message that is not for this stream (another
   * run's event on a shared bus); `null` marks the end of the stream (e.g. `data: [DONE]`).
   * Throws a `StreamError` of code `'invalid-data'` when the data cannot be decoded.
   */
  toEvent(message: EventSourceMessage, lastEventId: string): StreamEvent | null | undefined | false;
  /** True for the platform's terminal events: the stream closes after delivering one. */
  isTerminal?: ((event: StreamEvent) => boolean) | undefined;
  /** For events that report a failure inside a 200 stream: the failure, raised after delivery. */
  errorOf?: ((event: StreamEvent) => EventFailure | undefined) | undefined;
  /** For terminal events: how the run ended, as the event says. @defaultValue `'completed'` */
  outcomeOf?: ((event: StreamEvent) => OutcomeInfo | undefined) | undefined;
  /** Event names the iterator yields; others reach listeners registered for their name only. */
  known?: ReadonlySet<string> | undefined;
}

/** A failure a platform reported inside its stream; see `StreamError`'s fields. @internal */
export interface EventFailure {
  message: string;
  traceId?: string | undefined;
  /** The platform's status, when it sent one. */
  status?: string | number | undefined;
  /** The platform's own error code, when it sent one. */
  serverCode?: string | undefined;
  /** @defaultValue `'failed'` */
  outcome?: 'failed' | 'cancelled' | undefined;
}

/**
 * How a stream ended: {@link EventStream.outcome}, and what {@link EventStream.finished}
 * resolves with. Read `type` first:
 *
 * - `'completed'`, `'failed'`, `'cancelled'`: the platform said how the run ended, in its
 *   terminal event (`run.completed`, `execution:failed`, a PraisonAI `complete` with
 *   `status: 'cancelled'`, a skills `done`, a stax `run.completed` with `run.status`), or in the
 *   state its REST API reported after a gap (`event` is then the `resync` event). A `connect()`
 *   stream that reached its `endMarker` is `'completed'`.
 * - `'closed'`: you closed it (`close()`, your `signal`, leaving a `for await` loop) before it
 *   ended by itself.
 * - `'ended'`: the server ended a stream that has no terminal event (`connect()` with
 *   `reconnect: false`, a `204 No Content`), or a Crewship `timeout` fallback event: there is no
 *   outcome to report.
 * - `'error'`: the stream was cut off or unusable; `error` is the typed error the iterator threw
 *   and `finished` rejected with (`ConnectionError`, `HTTPError`, `StreamError`, `TimeoutError`).
 *
 * A `'failed'` outcome that runstream also raises as an error (a skills `done` with `error`, a
 * Crewship or PraisonAI `error` event) has that `StreamError` in `error`; `finished` rejects with
 * it, as the iterator throws it.
 */
export interface StreamOutcome {
  readonly type: 'completed' | 'failed' | 'cancelled' | 'closed' | 'ended' | 'error';
  /** The event that ended the stream (its terminal event, or the `resync` event), when one did. */
  readonly event?: StreamEvent | undefined;
  /**
   * The platform's own status, when it gave one: `run.status` (stax), the job `status`
   * (PraisonAI), the execution `status` (FlowMaestro), the result `status` or `error.status`
   * (skills engine).
   */
  readonly status?: string | number | undefined;
  /** The platform's failure message (e.g. `run.failed`'s `error`), for `'failed'`. */
  readonly message?: string | undefined;
  /** The platform's own error code (skills `error.code`), for `'failed'`. */
  readonly serverCode?: string | undefined;
  /** The trace id the platform gave (skills `trace_id`, from earlier events when `done` has none). */
  readonly traceId?: string | undefined;
  /** For `'error'`: the typed error; for `'failed'`: the `StreamError` raised for it, if any. */
  readonly error?: Error | undefined;
}

/**
 * The `resync` event of a stream whose platform sends no ids and has no REST API to ask: after a
 * reconnect that could not send `Last-Event-ID`, runstream delivers it before the next event, so
 * the gap is never silent. Events sent while disconnected are lost (or, from a server that
 * replays, delivered again).
 */
export interface GapMarker {
  /** Always `'reconnected'`. */
  reason: 'reconnected';
  /** Always `false`: nothing could be recovered. */
  recovered: false;
}

/** The resync of a platform that cannot recover a gap: the marker alone. @internal */
export function markGap({ reason, delivered }: ResyncContext): Promise<ResyncResult | undefined> {
  // Before any event, a server that replays from the start loses nothing.
  return Promise.resolve(reason === 'reconnected' && delivered ? { data: { reason, recovered: false } satisfies GapMarker } : undefined);
}

/** What a platform says of a finished run: a {@link StreamOutcome} without `event` and `error`. @internal */
export type OutcomeInfo = Omit<StreamOutcome, 'event' | 'error' | 'type'> & { type: 'completed' | 'failed' | 'cancelled' | 'ended' };

/**
 * Why a resource is asked to resynchronise: its first connection opened (`'subscribed'`: what
 * happened before is not on the wire), a later one opened without `Last-Event-ID` after events
 * were delivered (`'reconnected'`: what happened in between is lost), or a request failed with
 * an `HTTPError` that may mean the run already finished (`'http-error'`). @internal
 */
export interface ResyncContext {
  reason: 'subscribed' | 'reconnected' | 'http-error';
  /** For `'http-error'`: the error. */
  error?: HTTPError | undefined;
  /** How many events the stream delivered before. */
  delivered: number;
  /** Aborts when the stream closes. */
  signal: AbortSignal;
}

/**
 * What a resource learnt when resynchronising: `data` is delivered as a `resync` event; then
 * `outcome` ends the stream (the run finished meanwhile), or `error` fails it. @internal
 */
export interface ResyncResult {
  data?: unknown;
  outcome?: OutcomeInfo | undefined;
  error?: Error | undefined;
}

/** Everything one stream needs, resolved. @internal */
export interface StreamConfig {
  url: string;
  method: string;
  /** Request headers, names lower-case (as `Headers` iterates them). */
  headers: Record<string, string>;
  body: BodyLike | undefined;
  fetch: typeof fetch;
  signal?: AbortSignal | undefined;
  lastEventId: string;
  reconnect: ResolvedReconnect | false;
  maxEventSize: number;
  adapter: StreamAdapter;
  onInvalidData?: ((error: StreamError) => void) | undefined;
  onReconnect?: ((info: ReconnectInfo) => void) | undefined;
  onOpen?: ((info: OpenInfo) => void) | undefined;
  /** An observer attached before anything happens; see {@link EventStream.observe}. */
  observe?: StreamObserver | undefined;
  /** Silence, in ms, after which a connection counts as dropped; 0 disables. */
  idleTimeout: number;
  /** How a non-GET stream continues after a drop; see `StreamOptions.resume`. */
  resume: ResumeMode;
  /** How many recent event ids to remember for de-duplication; 0 disables. */
  dedupe: number;
  /** What to tell the user when a resumable stream ends before its terminal event. */
  resumeHint?: string | undefined;
  /** Asks the platform's REST API what the wire cannot tell; see {@link ResyncContext}. */
  resync?: ((context: ResyncContext) => Promise<ResyncResult | undefined>) | undefined;
  /** In a page: close the connection while the page is hidden, resume when visible. */
  pauseWhenHidden?: boolean | undefined;
}

/** The page's window and document, when this runs in one. */
interface Page {
  window: EventTarget;
  document: EventTarget & { visibilityState?: string };
}

type AnyListener = (event: StreamEvent) => void;
/** A listener and whether it was added with `once`. */
type Registration = [listener: AnyListener, once: boolean];
type IteratorResultOf<Events extends EventMap> = IteratorResult<EventOf<Events>, undefined>;
/** The resolve and reject functions of a pending promise. */
type Pending<T> = [resolve: (value: T) => void, reject: (error: unknown) => void];

/** Any stream, as the functions below see it. */
type AnyStream = EventStream<EventMap>;

/**
 * The private methods that a stream's connections and its iterator call, as functions of the
 * stream (one table for every stream); set once, by `EventStream`'s static block.
 */
let internals: ConnectionHost & { next(stream: unknown): Promise<IteratorResult<StreamEvent, undefined>> };

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
  /** The adapter's known event names, read once: the per-event path avoids two lookups. */
  #known: ReadonlySet<string> | undefined;
  #state: ReadyState = 'connecting';
  #lastEventId: string;
  /** Reconnection time from the server's `retry:` field, in ms; undefined until one arrives. */
  #retry: number | undefined;
  #controller = new AbortController();
  /** The current HTTP connection, aborted with the stream (`#end`). */
  #connection: Connection | undefined;
  /** The request the next connection sends: a POST resumed by GET switches to the resume URL. */
  #request: { url: string; method: string; body: BodyLike | undefined };
  /** Headers of the last accepted response, for a resume URL function. */
  #responseHeaders: Headers | undefined;
  /** Recently delivered event ids, oldest first, when de-duplication is on. */
  #seen: Set<string> | undefined;
  #parser: EventSourceParser;
  /** Listeners by event name; created by the first `addEventListener`. */
  #listeners: Map<string, Registration[]> | undefined;
  #started = false;
  /** Set once a terminal event (or an end marker) has been seen. */
  #terminal = false;
  /** Count of delivered events; a connection that raised it resets the backoff. */
  #delivered = 0;
  /**
   * Set once the server was reached: a response of any status arrived, or a request went
   * unanswered past the idle timeout (a socket was accepted). Until then a failure counts
   * against `maxConnectAttempts`.
   */
  #reached = false;
  #failure: Error | undefined;
  /** Set once the iterator has thrown the failure; `finished` reports it independently. */
  #failureThrown = false;
  // Iterator state: a queue with a moving head avoids Array#shift's O(n) per event.
  #iterating = false;
  #queue: StreamEvent[] = [];
  #head = 0;
  /**
   * The `next()` calls waiting while the queue is empty, oldest first: more than one only for a
   * caller that does not await between calls.
   */
  readonly #waiting: Pending<IteratorResultOf<Events>>[] = [];
  #drained: (() => void) | undefined;
  #finished: Promise<StreamOutcome> | undefined;
  #settle: Pending<StreamOutcome> | undefined;
  #outcome: StreamOutcome | undefined;
  /** Set once a connection opened: every later one is a reconnect. */
  #openedBefore = false;
  /** Ends the current reconnect wait early (the page came back online, or from the cache). */
  #wake: AbortController | undefined;
  /** Set while the page is hidden and `pauseWhenHidden` holds the stream; resolves on show. */
  #hidden: Promise<void> | undefined;
  #show: (() => void) | undefined;
  /** Set when the page asked for a prompt reconnect (a back/forward cache restore). */
  #prompt = false;
  // The lifecycle surface (see `lifecycle.ts`): nothing is allocated until someone observes.
  #observers: StreamObserver[] | undefined;
  #subscribers: (() => void)[] | undefined;
  #snapshot: StreamSnapshot | undefined;
  /** `subscribe` and `getSnapshot` bound to this stream, made on first use. */
  #bound: [subscribe: (onChange: () => void) => () => void, getSnapshot: () => StreamSnapshot] | undefined;
  /** Body bytes read, over every connection. */
  #bytes = 0;
  /** Reconnects scheduled. */
  #reconnects = 0;
  /** Requests sent. */
  #requests = 0;

  /** @internal Use `connect()` or a resource method. */
  constructor(config: StreamConfig) {
    this.#config = config;
    this.#known = config.adapter.known;
    this.#lastEventId = config.lastEventId;
    // The config holds the first request (a POST resumed by GET switches to another).
    this.#request = config;
    if (config.dedupe > 0) this.#seen = new Set();
    // The callback options are sugar over the lifecycle surface.
    const { onOpen, onReconnect, observe } = config;
    if (observe) this.observe(observe);
    if (onOpen) this.observe((event) => event.type === 'open' && onOpen({ status: event.status, headers: event.headers, lastEventId: event.lastEventId }));
    if (onReconnect) {
      this.observe((event) => {
        if (event.type !== 'reconnect') return;
        const { attempt, delay, delaySource, cause, lastEventId } = event;
        onReconnect({ attempt, delay, delaySource, cause, lastEventId });
      });
    }
    this.#parser = createParser({
      onId: (id) => {
        // The rest of a chunk after a terminal event or a failure is never delivered, so its
        // ids must not move the last event ID either (else it would depend on chunking).
        if (this.#terminal || this.#closed()) return;
        this.#lastEventId = id;
        if (this.#subscribers) this.#changed();
      },
      onEvent: (message) => this.#onMessage(message),
      onRetry: (retry) => {
        this.#retry = retry;
        this.#emit({ type: 'retry', retry });
      },
      // A comment is a keepalive (`: ping`, a relay's `: keepalive`): its cadence may shorten
      // the idle timeout. Comments are rare, so this costs nothing per event.
      onComment: (comment) => {
        this.#connection?.keepalive();
        this.#emit({ type: 'comment', comment });
      },
      onError: (error) => {
        // Unknown fields and non-digit `retry` values are ignored by the spec; only the size
        // limit ends the stream.
        if (error.type === 'max-buffer-size-exceeded') this.#end(this.#tooLarge(error));
      },
      maxBufferSize: config.maxEventSize,
    });
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
    const observers = this.#observers ?? [];
    // Copy on write: a step being reported goes on with the observers it started with.
    if (!observers.includes(observer)) this.#observers = [...observers, observer];
    return () => {
      const rest = this.#observers?.filter((entry) => entry !== observer);
      this.#observers = rest?.length ? rest : undefined;
    };
  }

  /**
   * The stream's state now, as one frozen object that stays the same (`===`) until something
   * in it changes; see {@link StreamSnapshot}. With {@link EventStream.subscribe}, the pair
   * React's `useSyncExternalStore` takes. Bound to the stream: pass it as it is.
   */
  get getSnapshot(): () => StreamSnapshot {
    return this.#bind()[1];
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
    return this.#bind()[0];
  }

  #bind(): [subscribe: (onChange: () => void) => () => void, getSnapshot: () => StreamSnapshot] {
    return (this.#bound ??= [
      (onChange) => {
        const entry = () => onChange();
        this.#subscribers = [...(this.#subscribers ?? []), entry];
        return () => {
          const rest = this.#subscribers?.filter((other) => other !== entry);
          this.#subscribers = rest?.length ? rest : undefined;
        };
      },
      () =>
        (this.#snapshot ??= Object.freeze({
          readyState: this.#state,
          lastEventId: this.#lastEventId,
          retry: this.#retry,
          events: this.#delivered,
          reconnects: this.#reconnects,
          bytes: this.#bytes,
          outcome: this.#outcome,
        })),
    ]);
  }

  /** Reports a lifecycle step to the observers, and a change to the subscribers. */
  #emit(event: StreamLifecycleEvent): void {
    if (this.#observers) callEach(this.#observers, event);
    this.#changed();
  }

  /** The snapshot is out of date: drop it and tell the subscribers. */
  #changed(): void {
    this.#snapshot = undefined;
    if (this.#subscribers) callEach(this.#subscribers, undefined);
  }

  /** Whether anyone observes or subscribes: the per-event path builds no record otherwise. */
  #watched(): boolean {
    return !!(this.#observers || this.#subscribers);
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
    const fn = listener as AnyListener;
    const listeners = (this.#listeners ??= new Map<string, Registration[]>());
    const current = listeners.get(type) ?? [];
    const signal = options.signal;
    if (signal?.aborted || current.some((entry) => entry[0] === fn)) return;
    // Copy on write: dispatch iterates the array it started with.
    listeners.set(type, [...current, [fn, !!options.once]]);
    signal?.addEventListener('abort', () => this.removeEventListener(type, fn), { once: true });
    this.#start();
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
    const listeners = this.#listeners;
    const next = listeners?.get(type)?.filter((entry) => entry[0] !== listener) ?? [];
    if (next.length) listeners!.set(type, next);
    else listeners?.delete(type);
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
    this.#queue = [];
    this.#head = 0;
    this.#end();
  }

  /**
   * Iterates the events. Leaving the loop (`break`, `return`, a throw) closes the stream and
   * cancels the request. A stream can be iterated once.
   *
   * @throws TypeError when the stream is already being (or was) iterated.
   */
  [Symbol.asyncIterator](): AsyncIterator<EventOf<Events>, undefined> {
    if (this.#iterating) {
      throw new TypeError(
        'runstream: this EventStream is already being iterated: a stream can be iterated once. Use addEventListener() for more consumers, or connect() again with `lastEventId` to resume.',
      );
    }
    this.#iterating = true;
    this.#start();
    return new StreamIterator(this);
  }

  #next(): Promise<IteratorResultOf<Events>> {
    const queue = this.#queue;
    if (this.#head < queue.length) {
      const value = queue[this.#head++] as EventOf<Events>;
      if (this.#head === queue.length) {
        queue.length = 0;
        this.#head = 0;
        this.#release();
      }
      return Promise.resolve({ done: false, value });
    }
    if (this.#closed()) {
      if (this.#failure && !this.#failureThrown) {
        this.#failureThrown = true;
        return Promise.reject(this.#failure);
      }
      return Promise.resolve({ done: true, value: undefined });
    }
    if (!this.#waiting.length) this.#release();
    return new Promise((resolve, reject) => {
      this.#waiting.push([resolve, reject]);
    });
  }

  // Methods rather than comparisons: TypeScript would keep #state narrowed across awaits.
  #closed(): boolean {
    return this.#state === 'closed';
  }

  #open(): boolean {
    return this.#state === 'open';
  }

  /** Lets a read loop that waits for the iterator to catch up go on. */
  #release(): void {
    this.#drained?.();
    this.#drained = undefined;
  }

  #start(): void {
    if (this.#started || this.#closed()) return;
    this.#started = true;
    // A microtask lets the caller attach every listener of this tick before the first event.
    queueMicrotask(() => {
      // Closed in the same tick (React StrictMode mounts, unmounts and mounts again): a closed
      // stream never sends a request.
      if (this.#closed()) return;
      this.#watchPage();
      // Never rejects: a failure ends the stream (see `#run`), so nothing escapes this microtask.
      void this.#run();
    });
  }

  /**
   * In a page, follows what browsers do to connections: back `online`, reconnect now instead of
   * after the backoff; restored from the back/forward cache (`pageshow` with `persisted`), the
   * old connection is dead, so reconnect at once; with `pauseWhenHidden`, close the connection
   * while the page is hidden and resume with `Last-Event-ID` when it is visible. Outside a page
   * none of this runs. The listeners go with the stream.
   *
   * The page may be a simulated one of another realm (jsdom installed by hand on `globalThis`):
   * the listeners are removed by hand when the stream ends rather than given this realm's
   * `AbortSignal`, which such a page's EventTarget rejects. A page that throws anyway (a stub, a
   * getter that throws) gets no page handling, and the stream runs as it would outside a page.
   */
  #watchPage(): void {
    if (!this.#config.reconnect) return;
    const off: (() => void)[] = [];
    const unwatch = () => {
      try {
        for (const remove of off.splice(0)) remove();
      } catch {
        // A listener left behind only wakes a stream that has ended, which does nothing.
      }
    };
    try {
      const page = pageOf();
      if (!page) return;
      const listen = (target: EventTarget, type: string, listener: (event: Event) => void) => {
        target.addEventListener(type, listener);
        off.push(() => target.removeEventListener(type, listener));
      };
      listen(page.window, 'online', () => this.#wake?.abort());
      listen(page.window, 'pageshow', (event) => {
        if (!(event as Event & { persisted?: boolean }).persisted) return;
        this.#prompt = true;
        this.#connection?.abort();
        this.#wake?.abort();
      });
      // A POST is not resumed by a pause: closing it would lose the work it started.
      if (this.#config.pauseWhenHidden && this.#request.method === 'GET') {
        const visibility = () => {
          if (page.document.visibilityState === 'hidden') {
            if (this.#hidden) return;
            this.#hidden = new Promise((resolve) => {
              this.#show = resolve;
            });
            this.#connection?.abort();
            this.#wake?.abort();
          } else {
            this.#show?.();
            this.#hidden = this.#show = undefined;
          }
        };
        listen(page.document, 'visibilitychange', visibility);
        visibility();
      }
      this.#controller.signal.addEventListener('abort', unwatch);
    } catch {
      // Nothing is half-watched: `visibility()` holds the stream only once it read the state.
      unwatch();
    }
  }

  /** A `StreamError` about the current request: its method, redacted URL and last event ID. */
  #fail(code: StreamErrorCode, text: string, fields?: ConstructorParameters<typeof StreamError>[2]): StreamError {
    const { method, url } = this.#request;
    return new StreamError(code, `${method} ${redactUrl(url)}: ${text}`, { lastEventId: this.#lastEventId, url, ...fields });
  }

  /** The `'max-buffer-size'` error. */
  #tooLarge(cause?: unknown): StreamError {
    return this.#fail('max-buffer-size', `an event grew past maxEventSize (${this.#config.maxEventSize} characters)`, { cause });
  }

  #onMessage(message: EventSourceMessage): void {
    if (this.#terminal || this.#closed()) return;
    const config = this.#config;
    // The parser bounds only what it buffers across chunks: an event that arrives whole in one
    // chunk must meet the same limit, or the outcome would depend on where chunks split.
    if (message.data.length > config.maxEventSize) return this.#end(this.#tooLarge());
    const seen = this.#seen;
    const id = message.id;
    if (seen && id) {
      // A server that replays after a reconnect sends ids we delivered already.
      if (seen.has(id)) return;
      seen.add(id);
      if (seen.size > config.dedupe) seen.delete(seen.values().next().value as string);
    }
    const adapter = config.adapter;
    let event: StreamEvent | null | undefined | false;
    try {
      event = adapter.toEvent(message, this.#lastEventId);
    } catch (error) {
      return this.#invalidData(error, message);
    }
    // `undefined`: a keepalive; `false`: not for this stream; `null`: the end marker.
    if (!event) {
      if (event === undefined) {
        this.#connection?.keepalive();
        if (this.#watched()) this.#emit({ type: 'keepalive', event: message.event ?? 'message' });
      }
      this.#terminal = event === null;
      return;
    }
    this.#delivered++;
    this.#dispatch(event);
    if (adapter.isTerminal?.(event)) {
      this.#terminal = true;
      this.#outcome ??= { type: 'completed', ...adapter.outcomeOf?.(event), event };
    }
    const failure = adapter.errorOf?.(event);
    if (failure) {
      const { message, traceId, status, serverCode } = failure;
      const outcome = failure.outcome ?? 'failed';
      const error = this.#fail('server-error-event', `the server reported an error in the stream: ${message}`, {
        event: event.type,
        data: event.raw,
        traceId,
        status,
        serverCode,
        outcome,
      });
      this.#outcome = { type: outcome, event, status, message, serverCode, traceId, error };
      this.#end(error);
    }
  }

  /**
   * Asks the resource what the wire could not tell (see {@link ResyncContext}) and acts on the
   * answer: a `resync` event, then the outcome or the error it reports. Resolves true when the
   * stream ended.
   */
  async #resync(context: Pick<ResyncContext, 'reason' | 'error'>): Promise<boolean> {
    const result = await this.#config.resync?.({ ...context, signal: this.#controller.signal, delivered: this.#delivered });
    if (this.#closed() || !result) return this.#closed();
    if (result.error) {
      this.#end(result.error);
      return true;
    }
    let event: StreamEvent | undefined;
    if (result.data !== undefined) {
      event = { type: 'resync', data: result.data, id: this.#lastEventId, raw: JSON.stringify(result.data) };
      this.#delivered++;
      this.#dispatch(event);
    }
    const recovered = (result.data as { recovered?: unknown } | undefined)?.recovered;
    this.#emit({ type: 'resync', reason: context.reason, recovered: recovered !== false, event });
    if (!result.outcome || this.#closed()) return this.#closed();
    this.#terminal = true;
    this.#outcome = { ...result.outcome, event };
    this.#end();
    return true;
  }

  #invalidData(error: unknown, message: EventSourceMessage): void {
    const streamError =
      error instanceof StreamError ? error : invalidData(message.event ?? 'message', message.data, this.#lastEventId, error);
    const handler = this.#config.onInvalidData;
    try {
      if (!handler) throw streamError;
      handler(streamError);
    } catch (thrown) {
      this.#end(thrown instanceof Error ? thrown : streamError);
    }
  }

  #dispatch(event: StreamEvent): void {
    if (this.#watched()) this.#emit({ type: 'event', event });
    // Most streams have no listeners: skip hashing the event name then.
    const listeners = this.#listeners;
    const registrations = listeners?.size ? listeners.get(event.type) : undefined;
    if (registrations) {
      for (const entry of registrations) {
        if (entry[1]) this.removeEventListener(event.type, entry[0]);
        try {
          entry[0].call(this, event);
        } catch (error) {
          report(error);
        }
      }
    }
    if (!this.#iterating) return;
    const known = this.#known;
    if (known && !known.has(event.type)) return;
    if (this.#waiting.length) this.#waiting.shift()![0]({ done: false, value: event as EventOf<Events> });
    else this.#queue.push(event);
  }

  /** Ends the stream once: closed state, request cancelled, consumers settled. */
  #end(failure?: Error): void {
    if (this.#closed()) return;
    this.#state = 'closed';
    this.#failure = failure;
    // A terminal event or close() named the outcome already; else the end says it.
    const outcome = (this.#outcome ??= failure ? { type: 'error', error: failure } : { type: this.#terminal ? 'completed' : 'ended' });
    this.#controller.abort();
    this.#connection?.abort();
    this.#wake?.abort();
    this.#show?.();
    this.#release();
    const [waiting, ...more] = this.#waiting.splice(0);
    this.#failureThrown = !!(waiting && failure);
    if (failure) {
      waiting?.[1](failure);
      // Nobody observes a failure of a stream with only listeners: surface it rather than lose it.
      if (this.#settle) this.#settle[1](failure);
      else if (!this.#iterating && this.#started) this.#finished ??= Promise.reject(failure);
    } else {
      waiting?.[0](DONE);
      this.#settle?.[0](outcome);
    }
    // Later concurrent next() calls end, as an async generator's do after it finished or threw.
    for (const [resolve] of more) resolve(DONE);
    this.#emit({ type: 'end', outcome });
  }

  /** The reconnect loop: connections one after another until the stream ends. Never rejects. */
  async #run(): Promise<void> {
    const config = this.#config;
    const policy = config.reconnect;
    let attempt = 0;
    /** Set when the page closed the connection: the next request is its reconnect. */
    let byPage = false;
    try {
      for (;;) {
        // A hidden page with `pauseWhenHidden` holds the stream here until it is visible.
        if (this.#hidden) {
          this.#state = 'connecting';
          this.#changed();
          await this.#hidden;
          if (this.#closed()) return;
        }
        if (byPage) {
          byPage = false;
          this.#reconnects++;
          this.#emit({ type: 'reconnect', attempt: 1, delay: 0, delaySource: 'page', cause: undefined, lastEventId: this.#lastEventId });
        }
        const deliveredBefore = this.#delivered;
        let cause: Error | undefined;
        // One HTTP request and its body (see `connection.ts`), until the body ends or the stream
        // closes; a failure is the typed error of the connection.
        const connection = (this.#connection = this.#nextConnection());
        try {
          if ((await connection.run()) === 'no-content') this.#end();
        } catch (error) {
          cause = error as Error;
        } finally {
          if (connection.reached) this.#reached = true;
          this.#connection = undefined;
        }
        // Closed: by the user, a 204, a failure, or a response that is not an event stream.
        if (this.#closed()) return;
        if (this.#terminal) return this.#end();
        // The page closed the connection (hidden, or restored from the cache): not a failure.
        if (this.#hidden || this.#prompt) {
          this.#prompt = false;
          attempt = 0;
          byPage = true;
          this.#state = 'connecting';
          this.#changed();
          continue;
        }

        const status = cause instanceof HTTPError ? cause.status : 0;
        if (cause && !(cause instanceof ConnectionError) && status < 500 && status !== 408 && status !== 429) {
          // A refusal may mean the run already finished (PraisonAI's 400): the resource may know.
          if (cause instanceof HTTPError && config.resync && (await this.#resync({ reason: 'http-error', error: cause }))) return;
          return this.#end(cause);
        }
        // A stream that never reached its server (a typo in the host, nothing on the port) gives
        // up after a short budget instead of the long backoff; see `maxConnectAttempts`.
        const unreachable = cause instanceof ConnectionError && !this.#reached ? cause : undefined;
        if (!policy || !this.#mayReconnect(status)) {
          return this.#end(
            (unreachable && this.#unreachable(unreachable, attempt + 1)) ||
              cause ||
              (config.adapter.isTerminal
                ? this.#fail('unexpected-end', `the server closed the stream before its final event${config.resumeHint ? `; ${config.resumeHint}` : ''}`)
                : undefined),
          );
        }
        this.#prepareResume();

        if (this.#delivered > deliveredBefore) attempt = 0;
        attempt++;
        // `attempt` is now the number of requests that failed in a row.
        if (unreachable && attempt >= Math.min(policy.maxConnectAttempts, policy.maxAttempts + 1)) {
          return this.#end(this.#unreachable(unreachable, attempt));
        }
        if (attempt > policy.maxAttempts) {
          return this.#end(
            this.#fail(
              'retries-exhausted',
              `gave up after ${policy.maxAttempts} reconnect attempts without a new event${cause ? ` (last failure: ${cause.message})` : ''}`,
              { cause },
            ),
          );
        }
        const retryAfter = cause instanceof HTTPError ? retryAfterDelay(cause.headers) : undefined;
        const delay = retryAfter ?? reconnectDelay(attempt, this.#retry ?? policy.initialDelay, policy);
        const delaySource = retryAfter !== undefined ? 'retry-after' : this.#retry !== undefined ? 'retry' : 'backoff';
        this.#state = 'connecting';
        this.#reconnects++;
        this.#emit({ type: 'reconnect', attempt, delay, delaySource, cause, lastEventId: this.#lastEventId });
        this.#wake = new AbortController();
        await policy.sleep(delay, this.#wake.signal);
        this.#wake = undefined;
        if (this.#closed()) return;
      }
    
    } catch (error) {
      // A bug (not a failure of the stream) still ends it, with the error.
      this.#end(error instanceof Error ? error : new SDKError(String(error)));
    }
  }

  /** The `ConnectionError` of a stream whose `requests` requests all failed before any response. */
  #unreachable(cause: ConnectionError, requests: number): ConnectionError {
    const { method, url } = this.#request;
    // A URL that passed validation parses; the redacted URL names it anyway.
    const where = hostPort(url) ?? redactUrl(url);
    return new ConnectionError({
      method,
      url,
      reason: `could not connect to ${where}: no connection was ever made (${requests} ${requests === 1 ? 'attempt' : 'attempts'}; last failure: ${describe(cause.cause ?? cause)}); check the host and port`,
      cause,
      lastEventId: this.#lastEventId,
    });
  }

  /**
   * Whether the stream may send another request after this one ended. GET always may. A
   * request with a body may start work (a run, an execution), so it is sent again only when the
   * caller opted in (`resume: 'resend'`), as a GET to the resume URL (`resume: { url }`), or
   * when the server answered that it did not accept it (408, 429, 503) and no event came.
   */
  #mayReconnect(status: number): boolean {
    return (
      this.#request.method === 'GET' ||
      this.#config.resume !== 'none' ||
      (!this.#delivered && (status === 408 || status === 429 || status === 503))
    );
  }

  /** Switches a POST stream that resumes by GET to its resume URL. */
  #prepareResume(): void {
    const resume = this.#config.resume;
    if (this.#request.method === 'GET' || typeof resume !== 'object') return;
    const url =
      typeof resume.url === 'function' ? resume.url({ lastEventId: this.#lastEventId, headers: this.#responseHeaders }) : resume.url;
    // A resume URL function runs late: its URL is checked here, as `connect()` checks its own.
    refuseCredentials(url, 'the resume URL');
    this.#request = { url, method: 'GET', body: undefined };
  }

  /** The next connection: this request with the stream's headers and `Last-Event-ID`. */
  #nextConnection(): Connection {
    const config = this.#config;
    const { url, method, body } = this.#request;
    const headers = { ...config.headers };
    // Header values are byte strings: send the id's UTF-8 bytes, as the spec asks.
    if (this.#lastEventId) headers['last-event-id'] = utf8Bytes(this.#lastEventId);
    if (body === undefined) delete headers['content-type'];
    this.#requests++;
    if (this.#watched()) this.#emit({ type: 'connecting', request: this.#requests, method, url: redactUrl(url), lastEventId: this.#lastEventId });
    return new Connection(internals, this, {
      url,
      method,
      body,
      headers,
      fetch: config.fetch,
      idleTimeout: config.idleTimeout,
    });
  }

  /** The connection's response was accepted: the stream is open; see `ConnectionHost.opened`. */
  #opened(response: Response): void | Promise<void> {
    const config = this.#config;
    this.#state = 'open';
    this.#responseHeaders = response.headers;
    const reconnected = this.#openedBefore;
    this.#openedBefore = true;
    this.#emit({ type: 'open', status: response.status, headers: response.headers, lastEventId: this.#lastEventId, reconnected });
    // The parser would strip a BOM after the decoder's, and also the decoded text U+00EF
    // U+00BB U+00BF (its check for an undecoded BOM): a blank line fed right after reset()
    // ends its BOM check and dispatches nothing.
    this.#parser.reset();
    this.#parser.feed('\n');
    // Without an id to resume from, what happened before this connection is not on the wire:
    // the resource may recover it (its bytes wait in the socket meanwhile).
    if (config.resync && !(reconnected && this.#lastEventId)) {
      return this.#resync({ reason: reconnected ? 'reconnected' : 'subscribed' }).then(() => {});
    }
  }

  #feed(text: string, bytes: number): boolean {
    this.#bytes += bytes;
    if (this.#watched()) this.#emit({ type: 'bytes', bytes, text });
    this.#parser.feed(text);
    return !this.#terminal && this.#open();
  }

  #backlog(): Promise<void> | undefined {
    return this.#head < this.#queue.length
      ? new Promise<void>((resolve) => {
          this.#drained = resolve;
        })
      : undefined;
  }

  static {
    internals = {
      lastEventId: (stream) => (stream as AnyStream).#lastEventId,
      alive: (stream) => !(stream as AnyStream).#closed(),
      opened: (stream, response) => (stream as AnyStream).#opened(response),
      feed: (stream, text, bytes) => (stream as AnyStream).#feed(text, bytes),
      backlog: (stream) => (stream as AnyStream).#backlog(),
      next: (stream) => (stream as AnyStream).#next(),
    };
  }
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * The iterator of a stream (`for await`): `next()` takes the next event; `return()` (leaving the
 * loop) and `throw()` close the stream.
 */
class StreamIterator<Events extends EventMap> implements AsyncIterableIterator<EventOf<Events>, undefined> {
  readonly #stream: EventStream<Events>;
  constructor(stream: EventStream<Events>) {
    this.#stream = stream;
  }
  next(): Promise<IteratorResultOf<Events>> {
    return internals.next(this.#stream) as Promise<IteratorResultOf<Events>>;
  }
  return(): Promise<IteratorResultOf<Events>> {
    this.#stream.close();
    return Promise.resolve(DONE);
  }
  throw(error?: unknown): Promise<IteratorResultOf<Events>> {
    this.#stream.close();
    return Promise.reject(error);
  }
  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * The page this runs in: a window with a document (not a worker, not Node, Deno or Bun), a
 * simulated one included (happy-dom, jsdom, installed by a test environment or by hand).
 */
function pageOf(): Page | undefined {
  const { window, document } = globalThis as { window?: unknown; document?: unknown };
  const isTarget = (value: unknown): value is EventTarget => typeof (value as EventTarget | undefined)?.addEventListener === 'function';
  return isTarget(window) && isTarget(document) ? { window, document } : undefined;
}

/** `text` as a byte string of its UTF-8 encoding (one char per byte), for a header value. */
function utf8Bytes(text: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(text)) out += String.fromCharCode(byte);
  return out;
}
