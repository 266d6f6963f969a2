/**
 * Delivery: each event to the listeners registered for its name and to the one async
 * iterator, with backpressure (the read loop waits while the iterator is behind).
 *
 * @module
 */
import { report } from './lifecycle.js';
import type { StreamEvent } from './types.js';

type Listener = (event: StreamEvent) => void;
/** A listener and whether it was added with `once`. */
type Registration = [listener: Listener, once: boolean];
type Result = IteratorResult<StreamEvent, undefined>;
/** The resolve and reject functions of a pending `next()`. */
type Pending = [resolve: (value: Result) => void, reject: (error: unknown) => void];

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * The events on their way to the consumers of one stream. The stream pushes; listeners are
 * called at once; the iterator takes from a queue with a moving head (Array#shift would be
 * O(n) per event). @internal
 */
export class Queue implements AsyncIterableIterator<StreamEvent, undefined> {
  /** The stream: `this` of listeners, closed when the iterator is left. */
  readonly #owner: { close(): void };
  /** Event names the iterator yields; others reach listeners registered for them only. */
  readonly #known: ReadonlySet<string> | undefined;
  #events: StreamEvent[] = [];
  #head = 0;
  /** `next()` calls waiting while the queue is empty, oldest first. */
  #waiting: Pending[] = [];
  /** Resumes a read loop waiting for the iterator to catch up. */
  #drained: (() => void) | undefined;
  #listeners: Map<string, Registration[]> | undefined;
  /** Set once iteration began. */
  iterating = false;
  #ended = false;
  /** The failure the iterator still has to throw. */
  #failure: Error | undefined;

  constructor(owner: { close(): void }, known: ReadonlySet<string> | undefined) {
    this.#owner = owner;
    this.#known = known;
  }

  /** Calls the listeners of `event.type`, then hands it to the iterator (or queues it). */
  push(event: StreamEvent): void {
    // Most streams have no listeners: skip hashing the event name then.
    const registrations = this.#listeners?.size ? this.#listeners.get(event.type) : undefined;
    if (registrations) {
      // Indexed, not destructured: destructuring runs the iterator protocol per listener.
      for (const entry of registrations) {
        if (entry[1]) this.unlisten(event.type, entry[0]);
        try {
          entry[0].call(this.#owner, event);
        } catch (error) {
          report(error);
        }
      }
    }
    if (!this.iterating || this.#ended || (this.#known && !this.#known.has(event.type))) return;
    if (this.#waiting.length) this.#waiting.shift()![0]({ done: false, value: event });
    else this.#events.push(event);
  }

  /** When the iterator is behind, a promise of its catching up; else `undefined`. */
  backlog(): Promise<void> | undefined {
    return this.#head < this.#events.length ? new Promise((resolve) => (this.#drained = resolve)) : undefined;
  }

  /** Adds a listener; false when it was there already or `signal` aborted. */
  listen(type: string, listener: Listener, once: boolean, signal: AbortSignal | undefined): boolean {
    const listeners = (this.#listeners ??= new Map<string, Registration[]>());
    const current = listeners.get(type) ?? [];
    if (signal?.aborted || current.some((entry) => entry[0] === listener)) return false;
    // Copy on write: a dispatch goes on over the array it started with.
    listeners.set(type, [...current, [listener, once]]);
    signal?.addEventListener('abort', () => this.unlisten(type, listener), { once: true });
    return true;
  }

  unlisten(type: string, listener: Listener): void {
    const listeners = this.#listeners;
    const rest = listeners?.get(type)?.filter((entry) => entry[0] !== listener) ?? [];
    if (rest.length) listeners!.set(type, rest);
    else listeners?.delete(type);
  }

  /**
   * The iterator: the queue itself (one object less per iterated stream). `next()` takes the
   * next event; `return()` (leaving the loop) and `throw()` close the stream.
   */
  iterator(): AsyncIterableIterator<StreamEvent, undefined> {
    this.iterating = true;
    return this;
  }

  /** The iterator's `return()`: the loop was left (`break`, `return`, a throw); closes the stream. */
  return(): Promise<Result> {
    this.#owner.close();
    return Promise.resolve(DONE);
  }

  /** The iterator's `throw()`: closes the stream, rejects with `error`. */
  throw(error?: unknown): Promise<Result> {
    this.#owner.close();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The iterator's `next()`. */
  next(): Promise<Result> {
    const events = this.#events;
    if (this.#head < events.length) {
      const value = events[this.#head++]!;
      if (this.#head === events.length) this.clear();
      return Promise.resolve({ done: false, value });
    }
    if (this.#ended) {
      const failure = this.#failure;
      this.#failure = undefined;
      return failure ? Promise.reject(failure) : Promise.resolve(DONE);
    }
    if (!this.#waiting.length) this.#release();
    return new Promise((resolve, reject) => this.#waiting.push([resolve, reject]));
  }

  /** Drops the events not yet taken (the stream was closed), and lets a waiting read loop go on. */
  clear(): void {
    this.#events = [];
    this.#head = 0;
    this.#release();
  }

  #release(): void {
    this.#drained?.();
    this.#drained = undefined;
  }

  /**
   * The stream ended: the oldest waiting `next()` gets the failure (or the end), later ones the
   * end, as an async generator's do; with none waiting, the next `next()` throws the failure.
   */
  end(failure: Error | undefined): void {
    this.#ended = true;
    this.#release();
    const [first, ...more] = this.#waiting.splice(0);
    if (first && failure) first[1](failure);
    else if (first) first[0](DONE);
    else this.#failure = failure;
    for (const [resolve] of more) resolve(DONE);
  }
}
