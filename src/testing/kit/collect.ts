/**
 * `collectEvents()`: read a whole stream in a test, bounded in time, without try/catch.
 *
 * @module
 */
import type { EventStream, StreamOutcome } from '../../index.js';

/** Options of {@link collectEvents}. */
export interface CollectOptions {
  /**
   * Give up after this many milliseconds: the stream is closed (its outcome is then
   * `'closed'`) and `timedOut` is true.
   * @defaultValue 5000
   */
  timeout?: number | undefined;
  /** Stop after this many events, closing the stream. @defaultValue no limit */
  maxEvents?: number | undefined;
}

/** What {@link collectEvents} saw. */
export interface Collected<Event> {
  /** Every event the iterator yielded, in order. */
  readonly events: Event[];
  /** `stream.outcome` once it ended: `'completed'`, `'failed'`, `'cancelled'`, `'closed'`, `'ended'` or `'error'`. */
  readonly outcome: StreamOutcome | undefined;
  /** What the iterator threw (`HTTPError`, `StreamError`, `ConnectionError`, …); `undefined` when it ended without error. */
  readonly error: unknown;
  /** True when `timeout` passed before the stream ended. */
  readonly timedOut: boolean;
}

/**
 * Reads every event of `stream` (any async iterable of events; an `EventStream` also gives its
 * outcome) until it ends, throws, reaches `maxEvents` or the timeout passes, and returns what
 * happened instead of throwing: `{ events, outcome, error, timedOut }`.
 *
 * @example
 * ```ts
 * const { events, outcome, error } = await collectEvents(client.runs.stream('run_1'), { timeout: 1000 });
 * expect(outcome?.type).toBe('failed');
 * ```
 *
 * @param stream - the stream to read; it is closed when the timeout or `maxEvents` stops it.
 * @param options - time and event limits; see {@link CollectOptions}.
 * @returns the events, the outcome and the error.
 */
export async function collectEvents<Event>(
  stream: AsyncIterable<Event> & Partial<Pick<EventStream, 'outcome' | 'close'>>,
  options: CollectOptions = {},
): Promise<Collected<Event>> {
  const events: Event[] = [];
  let error: unknown;
  let timedOut = false;
  const iterator = stream[Symbol.asyncIterator]();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), options.timeout ?? 5000);
  });
  try {
    for (;;) {
      if (options.maxEvents !== undefined && events.length >= options.maxEvents) {
        stream.close?.();
        await iterator.return?.();
        break;
      }
      const next = await Promise.race([iterator.next(), expired]);
      if (next === 'timeout') {
        timedOut = true;
        stream.close?.();
        void Promise.resolve(iterator.return?.()).catch(() => {});
        break;
      }
      if (next.done) break;
      events.push(next.value);
    }
  } catch (caught) {
    error = caught;
  } finally {
    clearTimeout(timer);
  }
  return { events, outcome: stream.outcome, error, timedOut };
}
