/**
 * The stream's own life, observable: what happens to the connection, apart from the server's
 * events (whose names belong to the server: a server may send an event named `error` or
 * `open`). One surface serves every consumer: {@link EventStream.observe} for each step,
 * {@link EventStream.getSnapshot} and {@link EventStream.subscribe} for the current state (the
 * shape React's `useSyncExternalStore` takes), and the client option `onStream` to reach every
 * stream a client makes.
 *
 * @module
 */
import type { ReadyState, StreamEvent, StreamOutcome } from './types.js';
import type { ReconnectInfo } from './options.js';
import type { HTTPError } from './errors.js';

/**
 * A request is about to be sent: the first one, and each reconnect (after its wait).
 * Source: the stream's request (method, URL; `Last-Event-ID` header).
 */
export interface ConnectingLifecycleEvent {
  readonly type: 'connecting';
  /** 1 for the stream's first request, then 2, 3, … for each later one. */
  readonly request: number;
  /** The HTTP method (upper case). A POST stream that resumes by GET switches to `'GET'`. */
  readonly method: string;
  /** The request URL, redacted (secret query values masked, as in errors). */
  readonly url: string;
  /** The `Last-Event-ID` header this request sends; `''`: none. */
  readonly lastEventId: string;
  /**
   * The request headers, names lower-case, secret values (`Authorization`, API keys, cookies;
   * see `isSecretHeader`) shown as `***`.
   */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * A response was accepted as an event stream (2xx, `text/event-stream`), before its first
 * event. Source: the HTTP response.
 */
export interface OpenLifecycleEvent {
  readonly type: 'open';
  /** The HTTP status (2xx). */
  readonly status: number;
  /** The HTTP status text (`'OK'`; may be `''` over HTTP/2). */
  readonly statusText: string;
  /** The response headers (e.g. `x-request-id`). */
  readonly headers: Headers;
  /** The `Last-Event-ID` this request sent; `''`: none. */
  readonly lastEventId: string;
  /** False for the stream's first open connection, true for every reconnect. */
  readonly reconnected: boolean;
}

/**
 * A chunk of the response body arrived. Source: the body's `ReadableStream` reads, as the
 * runtime delivers them (their size depends on the network, not on events).
 */
export interface BytesLifecycleEvent {
  readonly type: 'bytes';
  /** The chunk's size in bytes. */
  readonly bytes: number;
  /** The chunk decoded as UTF-8 (a character split across chunks is held back until complete). */
  readonly text: string;
}

/**
 * An SSE comment line (`: keepalive`) arrived. Comments are never events.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export interface CommentLifecycleEvent {
  readonly type: 'comment';
  /** The text after the colon, one leading space removed (eventsource-parser's `onComment`). */
  readonly comment: string;
}

/**
 * An event the platform names as a keepalive (Crewship and PraisonAI `heartbeat`, stax
 * `ping`) arrived and was skipped: it is not delivered to iterators or listeners.
 */
export interface KeepaliveLifecycleEvent {
  readonly type: 'keepalive';
  /** The SSE `event:` field (`'message'` for an unnamed envelope). */
  readonly event: string;
}

/**
 * The server set the reconnection time with the SSE `retry:` field.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#concept-event-stream-reconnection-time
 */
export interface RetryLifecycleEvent {
  readonly type: 'retry';
  /** The new reconnection time, in milliseconds. */
  readonly retry: number;
}

/**
 * A reconnect was scheduled: the stream waits `delay` ms, then sends its next request. The
 * same record the `onReconnect` option receives; see {@link ReconnectInfo}.
 */
export interface ReconnectLifecycleEvent extends Readonly<ReconnectInfo> {
  readonly type: 'reconnect';
}

/**
 * The platform's REST API was asked what the wire could not tell (see each resource's
 * "resync"), or a gap was marked for a platform that cannot recover one; the `resync` event
 * was delivered to consumers just before this.
 */
export interface ResyncLifecycleEvent {
  readonly type: 'resync';
  /**
   * Why: the first connection opened (`'subscribed'`), a later one opened without an id to
   * resume from (`'reconnected'`), or a request failed with an `HTTPError` that may mean the
   * run already finished (`'http-error'`).
   */
  readonly reason: 'subscribed' | 'reconnected' | 'http-error';
  /**
   * False when events may have been lost (a gap: nothing could be recovered), true when the
   * platform's state was read. Source: the `recovered` field of the delivered `resync` data
   * when it has one, else true.
   */
  readonly recovered: boolean;
  /** The delivered `resync` event; `undefined` when the platform had nothing to deliver. */
  readonly event: StreamEvent | undefined;
}

/** An event was delivered to the stream's consumers (iterator and listeners). */
export interface EventLifecycleEvent {
  readonly type: 'event';
  /** The event, the same object the consumers received. */
  readonly event: StreamEvent;
}

/** The stream ended for good (`readyState` `'closed'`): the last lifecycle event. */
export interface EndLifecycleEvent {
  readonly type: 'end';
  /** How it ended; the same object as {@link EventStream.outcome}. */
  readonly outcome: StreamOutcome;
}

/**
 * One step of a stream's own life, in the order they happen: `connecting`, `open`, then
 * `bytes`, `comment`, `keepalive`, `retry`, `event` and `resync` as the body is read, then
 * `reconnect` (and again `connecting`) after a drop, and `end` once. Narrow on `type`.
 */
/**
 * A request was refused with an HTTP status no retry can fix (a 4xx other than 408 and 429; a
 * POST stream's 5xx it may not re-send): its `HTTPError`, before anything else happens. The
 * stream then ends with that error (the `end` step follows), unless a feature explains the
 * refusal (a platform's resync reads the run's state instead and reports a `resync` step).
 */
export interface RefusedLifecycleEvent {
  readonly type: 'refused';
  /** The error of the refused response: `status`, `statusText`, `headers`, `requestId`, `body`. */
  readonly error: HTTPError;
}

export type StreamLifecycleEvent =
  | ConnectingLifecycleEvent
  | OpenLifecycleEvent
  | RefusedLifecycleEvent
  | BytesLifecycleEvent
  | CommentLifecycleEvent
  | KeepaliveLifecycleEvent
  | RetryLifecycleEvent
  | ReconnectLifecycleEvent
  | ResyncLifecycleEvent
  | EventLifecycleEvent
  | EndLifecycleEvent;

/**
 * Receives a stream's lifecycle events (see {@link EventStream.observe}). It runs synchronously
 * inside the stream's read loop: keep it short. An exception it throws is reported
 * (`reportError`) and does not stop the stream.
 */
export type StreamObserver = (event: StreamLifecycleEvent) => void;

/**
 * The state of a stream at one moment (see {@link EventStream.getSnapshot}): a frozen object
 * that stays the same (`===`) until something in it changes, as `useSyncExternalStore` needs.
 */
export interface StreamSnapshot {
  /** The connection state; see {@link EventStream.readyState}. */
  readonly readyState: ReadyState;
  /** The last event ID; see {@link EventStream.lastEventId}. `''`: none. */
  readonly lastEventId: string;
  /** The server's `retry:` in ms; `undefined` until it sends one. */
  readonly retry: number | undefined;
  /** How many events were delivered (the `resync` event included). */
  readonly events: number;
  /** How many reconnects were scheduled. */
  readonly reconnects: number;
  /** How many body bytes were read, over every connection. */
  readonly bytes: number;
  /** How the stream ended; `undefined` while it runs. */
  readonly outcome: StreamOutcome | undefined;
}

/**
 * What the client option `onStream` receives with each stream the client makes, before any
 * consumer attaches (so an observer added then sees the whole life).
 */
export interface StreamInfo {
  /**
   * The HTTP method of the first request (upper case). For a stream that creates its work first
   * (`jobs.start()`), the create call's: `'POST'`.
   */
  readonly method: string;
  /**
   * The first request's URL, redacted (secret query values masked). For a stream that creates
   * its work first (`jobs.start()`), the create call's URL; its `connecting` steps name the
   * stream's own requests.
   */
  readonly url: string;
  /**
   * For a resource's stream, its platform: the `name` of the platform definition
   * (`'crewship'`, `'flowmaestro'`, `'praisonai'`, `'skills'`, `'stax'`). Absent for `connect()`.
   */
  readonly platform?: string | undefined;
  /**
   * For a resource's stream, the ids it follows, by the name of the route's path parameter:
   * `{ runId: 'run_abc123' }` (Crewship `runs.stream`, stax `runner.follow`), `{ executionId }`
   * (FlowMaestro), `{ jobId }` (PraisonAI), `{ skillId }` (skills). For `jobs.start()`, `jobId`
   * is filled in when the create call answers, before the first stream request. `{}` for a
   * stream with no id in its route (the stax bus); absent for `connect()`.
   */
  readonly ids?: Readonly<Record<string, string>> | undefined;
}

/**
 * The lifecycle surface of one stream: its observers, its subscribers and its snapshot. A
 * stream makes one only when something observes or subscribes; until then a step costs a
 * field read. @internal
 */
export class Lifecycle {
  #observers: StreamObserver[] | undefined;
  /** How many observers take `event` steps (a feature's may not: see `StreamControl.observe`). */
  #eventObservers = 0;
  #subscribers: (() => void)[] | undefined;
  #snapshot: StreamSnapshot | undefined;
  readonly #state: () => StreamSnapshot;
  /** See `EventStream.getSnapshot`: bound, and the same object until something changes. */
  readonly getSnapshot = (): StreamSnapshot => (this.#snapshot ??= Object.freeze(this.#state()));
  /** See `EventStream.subscribe`: bound. */
  readonly subscribe = (onChange: () => void): (() => void) => {
    const entry = () => onChange();
    this.#subscribers = [...(this.#subscribers ?? []), entry];
    return () => {
      const rest = this.#subscribers?.filter((other) => other !== entry);
      this.#subscribers = rest?.length ? rest : undefined;
    };
  };

  /** @param state - the stream's state now, read when a snapshot is asked for after a change. */
  constructor(state: () => StreamSnapshot) {
    this.#state = state;
  }

  /**
   * See `EventStream.observe`. With `events` false the observer gets every step but `event`
   * (see `StreamControl.observe`).
   */
  observe(observer: StreamObserver, events = true): () => void {
    const entry: StreamObserver = events ? observer : (step) => void (step.type === 'event' || observer(step));
    const observers = this.#observers ?? [];
    // Copy on write: a step being reported goes on with the observers it started with.
    if (!observers.includes(entry)) {
      this.#observers = [...observers, entry];
      if (events) this.#eventObservers++;
    }
    return () => {
      const before = this.#observers ?? [];
      const rest = before.filter((other) => other !== entry);
      if (events && rest.length < before.length) this.#eventObservers--;
      this.#observers = rest.length ? rest : undefined;
    };
  }

  /** Reports a step to the observers (none: only a change), then the change to the subscribers. */
  emit(step?: StreamLifecycleEvent): void {
    if (step && this.#observers) callEach(this.#observers, step);
    this.#snapshot = undefined;
    if (this.#subscribers) callEach(this.#subscribers, undefined);
  }

  /** Whether anyone observes or subscribes: the steps of a stream's own life build no record otherwise. */
  get watched(): boolean {
    return !!(this.#observers || this.#subscribers);
  }

  /**
   * Whether a delivered event is reported (an observer takes `event` steps, or a subscriber
   * follows the count); otherwise the per-event path builds no record and only marks the
   * snapshot stale.
   */
  get eventsWatched(): boolean {
    return !!this.#subscribers || this.#eventObservers > 0;
  }

  /** Something in the snapshot changed that nobody is told of (an event no one watches). */
  changed(): void {
    this.#snapshot = undefined;
  }
}

/**
 * Calls each function in turn; an exception is reported (`reportError`) and does not stop the
 * others, as `EventTarget` dispatch does. @internal
 */
export function callEach<T>(functions: readonly ((value: T) => void)[], value: T): void {
  for (const fn of functions) {
    try {
      fn(value);
    } catch (error) {
      report(error);
    }
  }
}

/**
 * Reports a listener's exception without interrupting dispatch, as `EventTarget` does: through
 * `reportError` where there is one (browsers, Deno, Bun, workerd; a page's `error` event), else
 * as an uncaught exception in a later task, as Node's own EventTarget reports one. @internal
 */
export function report(error: unknown): void {
  const reportError = (globalThis as { reportError?: (error: unknown) => void }).reportError;
  if (typeof reportError === 'function') reportError(error);
  else
    setTimeout(() => {
      throw error;
    }, 0);
}
