/**
 * `collectEvents()`: read a whole stream in a test, bounded in time, without try/catch.
 *
 * @module
 */
import type { ConnectionError, EventStream, HTTPError, SDKError, StreamError, StreamOutcome, TimeoutError } from '../../index.js';

/**
 * What {@link Collected.error} can hold: one of runstream's errors (`HTTPError`, `StreamError`,
 * `ConnectionError`, `TimeoutError`, or their base `SDKError`), or another `Error` (a runtime
 * `AbortError`, a `TypeError` from iterating a stream twice, or whatever a custom iterable
 * threw; a thrown non-`Error` value is wrapped in an `Error` whose `cause` it is).
 * Narrow it with `instanceof` or its `name`.
 */
export type CollectedError = HTTPError | StreamError | ConnectionError | TimeoutError | SDKError | Error;

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
  /**
   * What the iterator threw (`HTTPError`, `StreamError`, `ConnectionError`, …; see
   * {@link CollectedError}); `undefined` when it ended without error.
   */
  readonly error: CollectedError | undefined;
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
  let error: CollectedError | undefined;
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
    // An Error from another realm (a jsdom window, a worker) fails `instanceof`: its shape counts.
    const isError = caught instanceof Error || (typeof caught === 'object' && caught !== null && typeof (caught as Error).message === 'string' && typeof (caught as Error).name === 'string');
    error = isError ? (caught as Error) : new Error(`the stream threw a value that is not an Error: ${String(caught)}`, { cause: caught });
  } finally {
    clearTimeout(timer);
  }
  return { events, outcome: stream.outcome, error, timedOut };
}
