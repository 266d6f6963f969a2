/**
 * `useEventStream`: a React hook over the public {@link EventStream}. It opens the stream in an
 * effect and closes it in the effect's cleanup, so that StrictMode's double mount sends one
 * request, unmounting cancels the request, and server rendering sends none.
 *
 * @module
 */
import { useEffect, useRef, useState, type DependencyList } from 'react';
import type { EventMap, EventOf, EventStream, StreamOutcome } from '../index.js';
import { scheduler } from './batch.js';
import { defaultStorage, forget, restore, SAVE_INTERVAL, type Persisted } from './persist.js';
import type { EventStreamContext, EventStreamStatus, EventStreamView, UseEventStreamOptions } from './types.js';

/** Default `window`: how many events `events` keeps. */
const DEFAULT_WINDOW = 1000;

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
      if (storage && key !== undefined && (type === 'completed' || type === 'failed' || type === 'cancelled' || type === 'interrupted' || type === 'ended')) forget(storage, key);
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
