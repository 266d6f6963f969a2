/**
 * The shapes every piece of a stream shares: delivered events, event maps, outcomes, the
 * platform adapter and the resolved configuration. Types only.
 *
 * @module
 */
import type { EventSourceMessage } from 'eventsource-parser';
import type { HTTPError, StreamError } from './errors.js';
import type { BodyLike, OpenInfo, ReconnectInfo, ResolvedReconnect, ResumeMode } from './options.js';
import type { StreamInfo, StreamLifecycleEvent, StreamObserver } from './lifecycle.js';

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
 * - `'interrupted'`: the platform paused the run to wait for you (an agent protocol's
 *   interrupt: input or approval it asks for); the run goes on in a new request once you answer.
 *   `serverStatus` and `event` say what it waits for.
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
  readonly type: 'completed' | 'failed' | 'cancelled' | 'interrupted' | 'closed' | 'ended' | 'error';
  /** The event that ended the stream (its terminal event, or the `resync` event), when one did. */
  readonly event?: StreamEvent | undefined;
  /**
   * An HTTP status that came with the end, as `StreamError.status` is one: the number a platform
   * reported (the skills engine's `error.status`, e.g. `404`; a Crewship `error` event's numeric
   * `status`). `undefined` when none came; a status word is {@link StreamOutcome.serverStatus}.
   */
  readonly status?: number | undefined;
  /**
   * The platform's own status word, when it gave one, as `StreamError.serverStatus` is:
   * `run.status` (stax: `'completed'`, `'failed'`, `'cancelled'`), the job `status` (PraisonAI:
   * `'succeeded'`, `'failed'`, `'cancelled'`), the execution `status` (FlowMaestro), the result
   * `status` (skills engine: `'completed'`, `'failed'`).
   */
  readonly serverStatus?: string | undefined;
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

/** What a platform says of a finished run: a {@link StreamOutcome} without `event` and `error`. @internal */
export type OutcomeInfo = Omit<StreamOutcome, 'event' | 'error' | 'type'> & { type: 'completed' | 'failed' | 'cancelled' | 'interrupted' | 'ended' };

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
  /** What to tell the user when a resumable stream ends before its terminal event. */
  resumeHint?: string | undefined;
  /** Asks the platform's REST API what the wire cannot tell; see {@link ResyncContext}. */
  resync?: ((context: ResyncContext) => Promise<ResyncResult | undefined>) | undefined;
  /** Optional pieces attached to the stream (page lifecycle, dedupe, outcomes, resync). */
  use?: readonly StreamFeature[] | undefined;
  /** What the stream follows (a resource's stream sets it; `connect()` leaves it to be made when read). */
  info?: StreamInfo | undefined;
}

/**
 * An optional piece of a stream (see `pageLifecycle`, `dedupe`): called once, when the stream
 * is made, with the stream's controls; returns the steps it takes part in. Pass it in the
 * `use` option.
 */
export type StreamFeature = (control: StreamControl) => StreamHooks | void;

/** What a {@link StreamFeature} may do to its stream. */
export interface StreamControl {
  /** The stream's resolved configuration; a feature may wrap `adapter`. @internal */
  readonly config: StreamConfig;
  /** Aborts when the stream ends. */
  readonly signal: AbortSignal;
  /** The request the next connection sends (its method and URL). */
  readonly request: { readonly method: string; readonly url: string };
  /** The last event ID now. */
  readonly lastEventId: string;
  /** How many events were delivered so far. */
  readonly delivered: number;
  /**
   * What the stream follows: the method and redacted URL of its first request, and for a
   * resource's stream its platform and the ids in its route; see `StreamInfo`.
   */
  readonly info: StreamInfo;
  /** Delivers an event the stream made itself (a `resync`) to iterator, listeners and observers. */
  deliver(event: StreamEvent): void;
  /**
   * Observes the stream's lifecycle steps, as `EventStream.observe` does: a feature that traces
   * or logs its stream. With `{ events: false }` the observer gets every step but `event`: a
   * feature that counts events does so in its `event` hook instead, and a stream nobody else
   * watches then builds no record per event.
   * @param options - `events`: take the `event` steps. @defaultValue `{ events: true }`
   * @returns a function that stops the observation.
   */
  observe(observer: StreamObserver, options?: { events?: boolean | undefined }): () => void;
  /** Reports a lifecycle step (see `StreamLifecycleEvent`). */
  emit(event: StreamLifecycleEvent): void;
  /** Ends the stream with `error`, or (without one) with `outcome`. */
  end(error?: Error, outcome?: StreamOutcome): void;
  /**
   * Sets the request the next connection sends (and every later one, until a POST stream that
   * resumes by GET switches to its resume URL). The URL is checked as `connect()` checks its own.
   * `resend: true` marks a request with a body that is safe to send again on a reconnect (it
   * starts no work: a re-subscribe); a GET always is.
   *
   * @throws TypeError when `url` carries user info (`user:password@`).
   */
  setRequest(request: { url: string; method: string; body?: BodyLike | undefined; resend?: boolean | undefined }): void;
  /** Cuts a reconnect wait short: the next request goes out now. */
  wake(): void;
  /**
   * Closes the current connection (not a failure: the next request is a reconnect whose
   * `delaySource` is `'page'`) and cuts any wait short; with `hold`, no request is sent until
   * `hold(undefined)` is called.
   */
  interrupt(hold?: boolean): void;
}

/** The steps a {@link StreamFeature} takes part in; each is optional. */
export interface StreamHooks {
  /**
   * The stream is about to send its first request (it has a consumer). A promise holds that
   * request until it settles (a feature that must make a call first, such as creating the job
   * the stream then watches, and then {@link StreamControl.setRequest}); a rejection ends the
   * stream with that error.
   */
  start?(): void | Promise<void>;
  /**
   * A request is about to be sent, the first and every reconnect: a feature may add or change
   * its headers (names lower-case), e.g. a trace context (`traceparent`). Runs before the
   * `connecting` lifecycle step, which shows the headers as sent (secret values masked).
   */
  request?(headers: Record<string, string>): void;
  /** A response was accepted; a promise holds the read loop until it settles. */
  open?(reconnected: boolean): void | Promise<void>;
  /** An event was delivered (listeners and the iterator have it). */
  event?(event: StreamEvent): void;
  /** A request failed with an `HTTPError` no retry can fix; resolves true once the feature ended the stream. */
  refused?(error: HTTPError): Promise<boolean>;
  /**
   * A connection ended (it dropped, or the server closed it) and the stream has not: before the
   * reconnect is decided, a feature may point the next request elsewhere with
   * {@link StreamControl.setRequest} (a re-subscribe, a cursor such as `starting_after`).
   */
  dropped?(): void;
  /** The server closed a stream that does not reconnect: the error to end it with, if any. */
  closed?(): Error | undefined;
}

