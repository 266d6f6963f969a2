/**
 * Fast reconnection in tests: reconnect options whose waits take no time, and a manual clock.
 * Both build on the injectable `reconnect.sleep` of runstream's `ReconnectOptions`.
 *
 * @module
 */
import type { ReconnectOptions } from '../../index.js';

/** What {@link instantReconnect} returns: spread `reconnect` into a stream's or client's options. */
export interface InstantReconnect {
  /** Reconnect options whose `sleep` resolves at once (and `random` returns 0: no jitter). */
  readonly reconnect: ReconnectOptions;
  /** Each delay runstream asked to wait, in milliseconds, in order: what it would have waited. */
  readonly delays: readonly number[];
}

/**
 * Reconnect options that never wait: each reconnect delay is recorded in `delays` and skipped,
 * so a test with three drops runs in milliseconds while still checking the delays (a server
 * `retry:`, the backoff). Jitter is off unless `options.random` says otherwise.
 *
 * @example
 * ```ts
 * const { reconnect, delays } = instantReconnect();
 * const stream = connect(url, { fetch, reconnect });
 * // … after three drops: delays is [1000, 1000, 1000] (or the server's retry:)
 * ```
 *
 * @param options - other reconnect options (`initialDelay`, `maxAttempts`, …); `sleep` is replaced.
 * @returns the options and the delays they recorded.
 */
export function instantReconnect(options: ReconnectOptions = {}): InstantReconnect {
  const delays: number[] = [];
  return {
    reconnect: {
      random: () => 0,
      ...options,
      sleep: (delay) => {
        delays.push(delay);
        return Promise.resolve();
      },
    },
    delays,
  };
}

/** A manual clock: waits resolve only when the test advances it. */
export interface TestClock {
  /** A `sleep` for `reconnect.sleep` (and for script waits): resolves when the clock reaches its deadline, or at once when `signal` aborts. */
  readonly sleep: (delay: number, signal: AbortSignal) => Promise<void>;
  /** The clock's time, in milliseconds since it was made. */
  readonly now: number;
  /** The delays of the waits not yet resolved, in milliseconds from now, soonest first. */
  readonly pending: readonly number[];
  /**
   * Moves the clock `ms` milliseconds forward, resolving every wait due, in deadline order, and
   * letting the promise jobs each one starts run before the next.
   * @throws RangeError when `ms` is negative or not a number.
   */
  advance(ms: number): Promise<void>;
  /**
   * Resolves once some wait is pending (e.g. the stream reached its reconnect), or rejects after
   * `timeout` real milliseconds.
   * @defaultValue timeout 1000
   */
  waitForSleep(timeout?: number): Promise<void>;
}

interface Waiter {
  at: number;
  resolve: () => void;
}

/** Lets pending promise jobs (and the I/O callbacks they started) run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Makes a manual clock for reconnection: pass `clock.sleep` as `reconnect.sleep`, then
 * `await clock.advance(ms)` to let a reconnect happen exactly when the test says so, e.g. to
 * assert what the UI shows while a stream waits to reconnect.
 *
 * @example
 * ```ts
 * const clock = testClock();
 * const stream = connect(url, { fetch, reconnect: { sleep: clock.sleep } });
 * await clock.waitForSleep(); // the stream dropped and waits
 * await clock.advance(1000); // … now it reconnects
 * ```
 *
 * @returns the clock.
 */
export function testClock(): TestClock {
  let now = 0;
  let waiters: Waiter[] = [];
  let notify: (() => void) | undefined;
  const clock: TestClock = {
    sleep(delay, signal) {
      return new Promise<void>((resolve) => {
        if (signal.aborted) return resolve();
        const waiter: Waiter = {
          at: now + delay,
          resolve: () => {
            signal.removeEventListener('abort', waiter.resolve);
            waiters = waiters.filter((item) => item !== waiter);
            resolve();
          },
        };
        signal.addEventListener('abort', waiter.resolve, { once: true });
        waiters.push(waiter);
        notify?.();
      });
    },
    get now() {
      return now;
    },
    get pending() {
      return waiters.map((waiter) => waiter.at - now).sort((a, b) => a - b);
    },
    async advance(ms) {
      if (typeof ms !== 'number' || Number.isNaN(ms) || ms < 0) throw new RangeError(`testClock: advance() takes a number of ms ≥ 0, got ${ms}`);
      const target = now + ms;
      for (;;) {
        const due = waiters.filter((waiter) => waiter.at <= target).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        now = Math.max(now, due.at);
        due.resolve();
        await settle();
      }
      now = target;
      await settle();
    },
    waitForSleep(timeout = 1000) {
      if (waiters.length) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          notify = undefined;
          reject(new Error(`testClock: no wait started within ${timeout} ms`));
        }, timeout);
        notify = () => {
          clearTimeout(timer);
          notify = undefined;
          resolve();
        };
      });
    },
  };
  return clock;
}
