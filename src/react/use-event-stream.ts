/**
 * `useEventStream`: a React hook over the public {@link EventStream}. It opens the stream in an
 * effect and closes it in the effect's cleanup, so that StrictMode's double mount sends one
 * request, unmounting cancels the request, and server rendering sends none.
 *
 * @module
 */
import { useEffect, useRef, useState, type DependencyList } from 'react';
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

/** Default `window`: how many events `events` keeps. */
const DEFAULT_WINDOW = 1000;
/** The fallback of `'frame'` where there is no `requestAnimationFrame`, in ms. */
const FRAME_FALLBACK = 16;
/** Least time between two writes of `persist`, in ms; the last batch is written after it. */
const SAVE_INTERVAL = 250;
/** What `persist` stores under its key. */
interface Persisted {
  lastEventId: string;
  events: unknown[];
  value: unknown;
}

type AnyEvent = { readonly type: string; readonly id: string };

/**
 * Streams events into a component: opens the stream that `factory` returns in an effect, re-renders
 * with its events in batches, and closes it on unmount or when `deps` change (the old stream is
 * closed before the next one opens).
 *
 * - StrictMode-safe: its mount, unmount and mount open one connection, since an `EventStream`
 *   closed in the tick it got its first consumer sends no request.
 * - SSR-safe: effects do not run on the server, so no request is sent and no storage is read
 *   during rendering.
 * - No state update after unmount; a pending batch is cancelled.
 *
 * The hook iterates the stream: resource streams yield their platform's documented events,
 * `connect()` streams every event. Do not iterate it yourself; listeners still work.
 *
 * @example
 * ```tsx
 * import { Crewship } from 'runstream';
 * import { useEventStream } from 'runstream/react';
 *
 * // The page's relay: see docs/react.md. No key in the page.
 * const crewship = new Crewship({ baseUrl: new URL('/relay/crewship', location.href).href });
 *
 * function RunProgress({ runId }: { runId: string }) {
 *   const { status, events, outcome } = useEventStream(
 *     ({ lastEventId }) => crewship.runs.stream(runId, { lastEventId }),
 *     [runId],
 *     { persist: { key: `run:${runId}` } },
 *   );
 *   return <p>{status} {outcome?.type} {events.length} events</p>;
 * }
 * ```
 *
 * @param factory - returns the stream to show (`() => client.runs.stream(runId)`,
 *   `() => connect(url)`), or `null` to stay idle. Called in the effect, once per mount and deps
 *   change (twice in StrictMode's double mount, the first stream closed unused); it receives the
 *   `lastEventId` restored by `persist`.
 * @param deps - as `useEffect`'s: when one changes, the old stream closes, the state resets (or
 *   is restored from `persist`) and the factory is called again.
 * @param options - `reduce` and `initial`, `window` (1000), `batch` (`'frame'`), `persist`.
 * @returns the state to render; see {@link EventStreamView}.
 */
export function useEventStream<Events extends EventMap, State = undefined>(
  factory: (context: EventStreamContext) => EventStream<Events> | null | undefined,
  deps: DependencyList,
  options: UseEventStreamOptions<Events, State> = {},
): EventStreamView<Events, State> {
  const current = useRef<EventStream<Events> | undefined>(undefined);
  const [close] = useState(() => () => current.current?.close());
  const [view, setView] = useState<EventStreamView<Events, State>>(() => ({
    status: 'connecting',
    events: [],
    value: options.initial as State,
    outcome: undefined,
    error: undefined,
    lastEventId: '',
    stream: undefined,
    close,
  }));

  // The factory and the options of the render whose deps opened the stream, as with useEffect.
  useEffect(() => {
    const keep = Math.max(0, options.window ?? DEFAULT_WINDOW);
    const reduce = options.reduce;
    const storage = options.persist ? (options.persist.storage ?? defaultStorage()) : undefined;
    const key = options.persist?.key;
    const restored = storage && key !== undefined ? restore(storage, key) : undefined;

    let active = true;
    let events = (restored?.events ?? []) as EventOf<Events>[];
    if (events.length > keep) events = events.slice(events.length - keep);
    let value = (restored ? restored.value : options.initial) as State;
    let lastEventId = restored?.lastEventId ?? '';
    let pending: EventOf<Events>[] = [];
    let cancelFlush: (() => void) | undefined;
    let stream: EventStream<Events> | null | undefined;
    let status: EventStreamStatus = 'connecting';
    let outcome: StreamOutcome | undefined;
    let error: Error | undefined;

    const render = () => {
      if (!active) return;
      setView({ status, events, value, outcome, error, lastEventId, stream: stream ?? undefined, close });
    };

    let saveTimer: ReturnType<typeof setTimeout> | undefined;
    let savedAt = -Infinity;
    const save = () => {
      clearTimeout(saveTimer);
      saveTimer = undefined;
      if (!storage || key === undefined || !lastEventId) return;
      savedAt = Date.now();
      try {
        storage.setItem(key, JSON.stringify({ lastEventId, events, value } satisfies Persisted));
      } catch {
        // A full quota or a value JSON cannot hold: the next mount starts from what was stored before.
      }
    };

    /** Set once `reduce` threw: the stream was closed with that error. */
    let failed = false;

    /** Processes the pending events: reduce, window, persist, one render. */
    const flush = () => {
      cancelFlush = undefined;
      if (!active || failed) return;
      const batch = pending;
      pending = [];
      if (batch.length) {
        if (reduce) {
          const before = value;
          try {
            for (const event of batch) value = reduce(value, event);
          } catch (thrown) {
            // The batch is not shown: `value` stays with the `events` and the id it covers.
            value = before;
            // This runs in a frame callback or a timer: a throw would be an uncaught exception
            // nobody can catch. It ends the stream instead, as a throwing factory does.
            failed = true;
            error = thrown instanceof Error ? thrown : new Error(String(thrown));
            outcome = { type: 'error', error };
            status = 'closed';
            stream?.close();
            render();
            return;
          }
        }
        if (keep > 0) {
          const kept = events.length + batch.length > keep ? events.slice(Math.max(0, events.length + batch.length - keep)) : events.slice();
          for (const event of batch.length > keep ? batch.slice(batch.length - keep) : batch) kept.push(event);
          events = kept;
        }
        for (const event of batch) if ((event as AnyEvent).id) lastEventId = (event as AnyEvent).id;
        // The id and what it covers are stored together, so a save skipped here only makes a
        // reload resume from an earlier id, and the server sends those events again.
        if (Date.now() - savedAt >= SAVE_INTERVAL) save();
        else saveTimer ??= setTimeout(save, SAVE_INTERVAL - (Date.now() - savedAt));
      }
      if (stream) status = stream.readyState;
      render();
    };

    const schedule = () => {
      if (cancelFlush) return;
      cancelFlush = scheduler(options.batch ?? 'frame', flush);
    };

    try {
      stream = factory({ lastEventId: restored?.lastEventId || undefined });
    } catch (thrown) {
      error = thrown instanceof Error ? thrown : new Error(String(thrown));
      status = 'closed';
      outcome = { type: 'error', error };
      render();
      return () => {
        active = false;
      };
    }
    current.current = stream ?? undefined;
    if (!stream) {
      status = 'idle';
      render();
      return () => {
        active = false;
      };
    }
    const opened = stream;
    status = opened.readyState;
    // The restored state (or the reset one, after a deps change) shows before the first event.
    render();

    // The status follows the stream's own life (open, a reconnect's wait), between events too.
    // A pending batch samples it anyway; `'closed'` waits for the end below, with the outcome
    // and the last events. Reading `readyState` builds no snapshot per change.
    const unsubscribe = opened.subscribe(() => {
      const state = opened.readyState;
      if (!active || cancelFlush || state === status || state === 'closed') return;
      status = state;
      render();
    });

    void (async () => {
      try {
        for await (const event of opened) {
          if (!active) return;
          pending.push(event);
          if (options.batch === 'none') flush();
          else schedule();
        }
      } catch (thrown) {
        error = thrown instanceof Error ? thrown : new Error(String(thrown));
      } finally {
        unsubscribe();
      }
      if (!active || failed) return;
      cancelFlush?.();
      outcome = opened.outcome;
      error ??= outcome?.error;
      // Flush renders the last events together with the outcome.
      flush();
      const type = outcome?.type;
      clearTimeout(saveTimer);
      saveTimer = undefined;
      if (storage && key !== undefined && (type === 'completed' || type === 'failed' || type === 'cancelled' || type === 'ended')) forget(storage, key);
    })();

    // A reload (or a closed tab) unmounts nothing: store the last batch before the page goes.
    const page = globalThis as { addEventListener?: (type: string, listener: () => void) => void; removeEventListener?: (type: string, listener: () => void) => void };
    const onPageHide = () => saveTimer !== undefined && save();
    if (storage) page.addEventListener?.('pagehide', onPageHide);

    return () => {
      active = false;
      unsubscribe();
      cancelFlush?.();
      cancelFlush = undefined;
      if (storage) page.removeEventListener?.('pagehide', onPageHide);
      if (saveTimer !== undefined) save();
      // Synchronous: in StrictMode's double mount this is the same tick as the factory call,
      // so the first stream never sends its request.
      opened.close();
      if (current.current === opened) current.current = undefined;
    };
    // The caller's deps decide when the stream is re-opened, as with useEffect.
  }, deps);

  return view;
}

/** Schedules `flush` per `mode`; returns a function that cancels it. */
function scheduler(mode: BatchMode, flush: () => void): () => void {
  if (mode === 'frame') {
    const scope = globalThis as { requestAnimationFrame?: (callback: () => void) => number; cancelAnimationFrame?: (handle: number) => void };
    if (typeof scope.requestAnimationFrame === 'function') {
      const handle = scope.requestAnimationFrame(flush);
      return () => scope.cancelAnimationFrame?.(handle);
    }
  }
  const delay = typeof mode === 'number' && Number.isFinite(mode) ? Math.max(0, mode) : FRAME_FALLBACK;
  const timer = setTimeout(flush, delay);
  return () => clearTimeout(timer);
}

/** `localStorage` when the environment has a usable one (it throws in some privacy modes). */
function defaultStorage(): PersistStorage | undefined {
  try {
    return (globalThis as { localStorage?: PersistStorage }).localStorage ?? undefined;
  } catch {
    return undefined;
  }
}

/** The stored entry under `key`, when there is a well-formed one. */
function restore(storage: PersistStorage, key: string): Persisted | undefined {
  try {
    const text = storage.getItem(key);
    if (!text) return undefined;
    const parsed = JSON.parse(text) as Partial<Persisted> | null;
    // Without an id there is nothing to resume from: the stream starts afresh, and what was shown
    // would be shown twice.
    if (!parsed || typeof parsed.lastEventId !== 'string' || !parsed.lastEventId || !Array.isArray(parsed.events)) return undefined;
    return { lastEventId: parsed.lastEventId, events: parsed.events, value: parsed.value };
  } catch {
    return undefined;
  }
}

/** Deletes the entry under `key`. */
function forget(storage: PersistStorage, key: string): void {
  try {
    if (storage.removeItem) storage.removeItem(key);
    else storage.setItem(key, '');
  } catch {
    // Nothing to do: a later mount resumes from the stored id, and the server answers what is left.
  }
}
