/// <reference types="node" />
/**
 * What the platform modules of the reference server share: the resolved options, timers that
 * `close()` clears, and the per-request context handlers receive.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SSEFrame } from '../core/encode.js';
import type { ScriptConnection, ScriptStep } from './kit/script.js';
import type { SseChannel } from './sse.js';

/** Resolved options of one server instance. @internal */
export interface Settings {
  apiKey: string;
  /** Milliseconds between scripted events. */
  eventDelay: number;
  /** Milliseconds between keepalives. */
  keepaliveInterval: number;
}

/**
 * Every timer of one server instance, so that `close()` can clear them all.
 *
 * @internal
 */
export class Timers {
  readonly #live = new Set<NodeJS.Timeout>();
  readonly #immediates = new Set<NodeJS.Immediate>();
  #closed = false;

  /** Calls `fn` after `delay` ms unless the server closes first. */
  later(delay: number, fn: () => void): NodeJS.Timeout | undefined {
    if (this.#closed) return undefined;
    const timer = setTimeout(() => {
      this.#live.delete(timer);
      fn();
    }, delay);
    this.#live.add(timer);
    return timer;
  }

  /**
   * Calls `fn` on `setImmediate` (after the I/O of this turn of the event loop, e.g. a response
   * just written) unless the server closes first.
   */
  soon(fn: () => void): void {
    if (this.#closed) return;
    const immediate = setImmediate(() => {
      this.#immediates.delete(immediate);
      fn();
    });
    this.#immediates.add(immediate);
  }

  /** Calls `fn` every `interval` ms until `signal` aborts or the server closes. */
  every(interval: number, signal: AbortSignal, fn: () => void): void {
    if (this.#closed || signal.aborted) return;
    const timer = setInterval(fn, interval);
    this.#live.add(timer);
    signal.addEventListener(
      'abort',
      () => {
        clearInterval(timer);
        this.#live.delete(timer);
      },
      { once: true },
    );
  }

  /** Resolves true after `delay` ms, or false as soon as `signal` aborts or the server closes. */
  sleep(delay: number, signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      if (signal.aborted || this.#closed) return resolve(false);
      const onAbort = () => {
        this.cancel(timer);
        resolve(false);
      };
      const timer = this.later(delay, () => {
        signal.removeEventListener('abort', onAbort);
        resolve(!signal.aborted);
      });
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  cancel(timer: NodeJS.Timeout | undefined): void {
    if (!timer) return;
    clearTimeout(timer);
    this.#live.delete(timer);
  }

  /** Clears every timer; later calls schedule nothing. */
  close(): void {
    this.#closed = true;
    for (const timer of this.#live) clearTimeout(timer);
    this.#live.clear();
    for (const immediate of this.#immediates) clearImmediate(immediate);
    this.#immediates.clear();
  }
}

/** Shared by every handler of one server instance. @internal */
export interface Core {
  readonly settings: Settings;
  readonly timers: Timers;
}

/** What a route handler receives. @internal */
export interface RequestContext {
  readonly core: Core;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The request URL, parsed against the server's origin. */
  readonly url: URL;
  /** Decoded path parameters (`:id`). */
  readonly params: Readonly<Record<string, string>>;
  /** The parsed JSON body, `undefined` when there is none or it is not JSON. */
  readonly body: unknown;
  /** A request header (lower-case name), `undefined` when absent. */
  header(name: string): string | undefined;
  /** Sends a JSON response. */
  json(status: number, body: unknown, headers?: Record<string, string>): void;
  /** Sends a 204 with no body. */
  noContent(): void;
  /** Starts an SSE response (status 200) in `format`, applying a pending `dropNext` fault. */
  sse(format?: Pick<ScriptConnection, 'eol' | 'idFirst'> & { contentType?: string }): SseChannel;
}

/** A route: method, path pattern with `:name` segments, handler. @internal */
export interface Route {
  method: 'GET' | 'POST';
  pattern: string;
  handler: (ctx: RequestContext) => void | Promise<void>;
}

/**
 * Writes `entries` to `channel`, waiting `eventDelay` ms before each event (comments follow
 * at once), then ends the response. An entry given as a function is an event built when it is
 * sent (e.g. to stamp it with the time). Returns false when the client left first.
 *
 * @internal
 */
export async function play(ctx: RequestContext, channel: SseChannel, entries: readonly (SSEFrame | (() => SSEFrame))[]): Promise<boolean> {
  for (const item of entries) {
    const lazy = typeof item === 'function';
    if ((lazy || item.data !== undefined) && !(await ctx.core.timers.sleep(ctx.core.settings.eventDelay, channel.signal))) return false;
    if (!channel.send(lazy ? item() : item)) return false;
  }
  channel.end();
  return true;
}

/** The index after the entry whose id is `lastEventId`; 0 when absent or unknown. @internal */
export function resumeIndex(entries: readonly SSEFrame[], lastEventId: string | undefined): number {
  if (!lastEventId) return 0;
  const index = entries.findIndex((entry) => entry.id === lastEventId);
  return index === -1 ? 0 : index + 1;
}

/**
 * The SSE blocks of a story's connection, as the server's live routes write them: `{ wait }`
 * steps are left out (the server paces by `eventDelay`); a story has no cut or raw step.
 *
 * @throws TypeError for a cut or raw step.
 * @internal
 */
export function framesOf(steps: readonly ScriptStep[] | undefined): SSEFrame[] {
  return (steps ?? []).flatMap((step) => {
    if ('wait' in step) return [];
    if ('cut' in step || 'raw' in step) throw new TypeError('reference server: a story the server plays has SSE blocks and waits only');
    return [step];
  });
}

/** An `{"error": {"code", "message"}}` body. @internal */
export function errorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

/**
 * The skills engine's event timestamp: Python's `datetime.now(timezone.utc).isoformat() + "Z"`,
 * microseconds, an offset and a `Z` (`2026-11-21T09:32:41.880357+00:00Z`), which `new Date()`
 * and `Date.parse()` reject. Always six fraction digits (Python drops them when the
 * microsecond is 0, one time in a million).
 *
 * @internal
 */
export function engineTimestamp(): string {
  // The wall clock to the millisecond; the sub-millisecond digits from the monotonic clock.
  const micros = Number(process.hrtime.bigint() / 1000n % 1000n);
  return `${new Date().toISOString().slice(0, 23)}${String(micros).padStart(3, '0')}+00:00Z`;
}

/** ISO 8601 without milliseconds, as the platforms' samples show (`2024-01-15T10:30:00Z`). @internal */
export function isoNow(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}
