/**
 * The public types of `runstream/react`: the options {@link useEventStream} takes, the context
 * its factory receives and the view it returns.
 *
 * @module
 */
import type { EventMap, EventOf, EventStream, ReadyState, StreamOutcome } from '../index.js';

/**
 * The hook's connection state: the stream's {@link ReadyState} (`'connecting'` before the
 * response and while waiting to reconnect, `'open'` while reading one, `'closed'` for good), or
 * `'idle'` while the factory returns `null` (nothing to stream).
 */
export type EventStreamStatus = ReadyState | 'idle';

/**
 * How often the hook re-renders with the events that arrived:
 *
 * - `'frame'`: once per animation frame (`requestAnimationFrame` where it exists, else a 16 ms
 *   timer), so that a fast stream renders at screen rate, not once per event;
 * - a number: at most once every that many milliseconds;
 * - `'none'`: once per event (React still batches the updates of one task).
 */
export type BatchMode = 'frame' | 'none' | number;

/**
 * Where {@link PersistOptions} stores a stream's progress: `localStorage`, `sessionStorage`, or
 * anything with their `getItem` and `setItem` (and, optionally, `removeItem`).
 */
export interface PersistStorage {
  /** The stored text under `key`, or `null` when there is none. */
  getItem(key: string): string | null;
  /** Stores `value` under `key`; may throw (a full quota), which the hook ignores. */
  setItem(key: string, value: string): void;
  /** Deletes `key`; without it the hook overwrites the entry with an empty one instead. */
  removeItem?(key: string): void;
}

/**
 * Resume across reloads: {@link useEventStream} stores the id of the last event it processed
 * together with the events window and the `reduce` value, under `key`, as JSON: after each batch
 * it rendered, at most every 250 ms (the last batch follows within 250 ms, at `pagehide` and on
 * unmount). The id and what it covers are written together: a reload resumes exactly after what
 * it shows, never skipping an event nor showing one twice. On mount it restores them and passes the id to the factory (`lastEventId`),
 * which sends it as `Last-Event-ID`, so that a reloaded page shows what it showed and receives
 * only the events after it. The entry is deleted when the stream ends by itself (`completed`,
 * `failed`, `cancelled`, `ended`): a reload after the end starts the stream afresh. It is kept
 * when you close it (unmount, a deps change) or it fails with an error, so that the next mount
 * resumes.
 *
 * A stream whose events carry no id (FlowMaestro, PraisonAI's documented form, stax) has nothing
 * to resume from: nothing is stored for it, and a reload starts it afresh.
 *
 * The events and the value must survive `JSON.stringify` (decoded JSON data does). Nothing is
 * read or written during rendering: storage is touched in effects only.
 */
export interface PersistOptions {
  /** The storage key; one per stream, e.g. `` `run:${runId}` ``. */
  key: string;
  /**
   * Where to store it.
   * @defaultValue `globalThis.localStorage` when it exists; without one, nothing is persisted
   */
  storage?: PersistStorage | undefined;
}

/**
 * What the factory receives: what the hook restored from {@link PersistOptions}.
 */
export interface EventStreamContext {
  /**
   * The id of the last event processed before the page was reloaded (or the component
   * unmounted), from the `persist` storage; `undefined` without `persist` or when nothing is
   * stored. Pass it as the stream's `lastEventId` option: the first request sends it as
   * `Last-Event-ID`.
   */
  readonly lastEventId: string | undefined;
}

/**
 * Options of {@link useEventStream}. They are read when the stream opens (on mount and when the
 * deps change), as the factory is: a new `reduce` function in each render is fine.
 *
 * @typeParam Events - the stream's event map.
 * @typeParam State - the type `reduce` folds the events into.
 */
export interface UseEventStreamOptions<Events extends EventMap, State> {
  /**
   * Folds each event into a value (`value` in the result), e.g. the tokens of a completion into
   * one string, so that you need not keep the events. Called once per event, in order, when the
   * batch is rendered; keep it pure. Narrowing on `event.type` narrows `event.data`. An
   * exception it throws closes the stream and becomes `error` (see {@link EventStreamView.error}).
   */
  reduce?: ((state: State, event: EventOf<Events>) => State) | undefined;
  /** The value before any event, and after the deps change. Required with `reduce`. */
  initial?: State | undefined;
  /**
   * How many of the latest events `events` keeps; older ones are dropped. `0` keeps none (with
   * `reduce`, for a token stream), `Infinity` keeps all.
   * @defaultValue 1000
   */
  window?: number | undefined;
  /**
   * How often the component re-renders with new events; see {@link BatchMode}.
   * @defaultValue `'frame'`
   */
  batch?: BatchMode | undefined;
  /** Store the last processed id (and what was shown) to resume after a reload; see {@link PersistOptions}. */
  persist?: PersistOptions | undefined;
}

/**
 * What {@link useEventStream} returns: the state a component renders. A new object whenever
 * something in it changed.
 *
 * @typeParam Events - the stream's event map.
 * @typeParam State - the type of `value`.
 */
export interface EventStreamView<Events extends EventMap, State> {
  /**
   * The stream's `readyState`, or `'idle'` while the factory returns `null`. It follows the
   * stream as it changes (the hook subscribes to {@link EventStream.subscribe}: `'open'` when a
   * response is accepted, `'connecting'` while a reconnect waits, without waiting for an event),
   * and becomes `'closed'` together with `outcome`, once every event before the end is rendered.
   * `'connecting'` on the server and in the first render, before the effect opens the stream.
   */
  readonly status: EventStreamStatus;
  /**
   * The latest events processed, oldest first, at most `window` (1000 by default) of them,
   * including those restored by `persist`. Narrowing an element on `type` narrows its `data`.
   */
  readonly events: readonly EventOf<Events>[];
  /** The `reduce` fold of every event processed (restored by `persist`), from `initial`; `initial` without `reduce`. */
  readonly value: State;
  /**
   * How the stream ended ({@link EventStream.outcome}): `completed`, `failed`, `cancelled` (the
   * platform said so), `closed` (closed by you), `ended` (the server ended it with no outcome),
   * `error` (cut off or unusable); `undefined` while it runs and while idle. Set once every
   * event before the end has been rendered.
   */
  readonly outcome: StreamOutcome | undefined;
  /**
   * The typed error the stream failed with (`HTTPError`, `ConnectionError`, `StreamError`,
   * `TimeoutError`; `outcome.error`), or what the factory or `reduce` threw (the stream is then
   * closed, `outcome` is `{ type: 'error', error }`, and `value`, `events` and `lastEventId` stay as
   * they were before the batch that held the event it threw on); `undefined` otherwise.
   */
  readonly error: Error | undefined;
  /**
   * The id of the last event processed (`event.id`, the SSE `id:` field), or the restored one,
   * or `''`: what a later stream should send as `Last-Event-ID`. It can lag
   * `stream.lastEventId`, which may name an event not yet rendered.
   */
  readonly lastEventId: string;
  /** The stream the factory returned, `undefined` before the effect and while idle. */
  readonly stream: EventStream<Events> | undefined;
  /** Closes the current stream (`stream.close()`): `outcome` becomes `closed`; the effect does not reopen it until the deps change. */
  readonly close: () => void;
}
