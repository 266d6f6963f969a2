/// <reference types="node" />
/**
 * The response channel of the reference server's built-in platform routes: writes the playback
 * engine's bytes (src/testing/kit/engine.ts, the same the kit enqueues) to a Node response, with
 * fault injection. Scripts given to the server's `play()` go through the kit's player
 * (src/testing/kit/play.ts), whose chunks the server writes the same way.
 *
 * @module
 */
import type { ServerResponse } from 'node:http';
import type { SSEFrame } from '../core/encode.js';
import { PLATFORMS } from '../platforms/index.js';
import { cutBytes, hardestCut, stepBytes, type WireFormat } from './kit/engine.js';

/**
 * Keepalive event names of the platforms the server plays, from their definitions (Crewship's
 * and PraisonAI's `heartbeat`, the stax bus's `ping`): `dropNext()` and
 * {@link StreamRecord.events} do not count them.
 */
const KEEPALIVES: ReadonlySet<string> = new Set(Object.values(PLATFORMS).flatMap((platform) => platform.keepalive));

/** True when `frame` is an event a client dispatches (it has data) and not a keepalive. @internal */
export function isCounted(frame: SSEFrame): boolean {
  return frame.data !== undefined && !(frame.event !== undefined && KEEPALIVES.has(frame.event));
}

/**
 * What happened to one SSE response, kept live in {@link ReferenceServer.streams}.
 *
 * - `'open'`: still being written.
 * - `'ended'`: the server wrote its script to the end and closed the response.
 * - `'client-closed'`: the client closed the connection first (abort, `break`, cancel).
 * - `'dropped'`: a {@link ReferenceServer.dropNext} fault destroyed the socket.
 * - `'server-closed'`: {@link ReferenceServer.close} ended it, or the client stopped reading
 *   while more than 1 MiB waited to be sent to it.
 */
export type StreamState = 'open' | 'ended' | 'client-closed' | 'dropped' | 'server-closed';

/** One SSE response the server opened, updated while it runs. */
export interface StreamRecord {
  /** HTTP method of the request. */
  readonly method: string;
  /** Path of the request, with its query string. */
  readonly path: string;
  /** The `x-request-id` the response carried. */
  readonly requestId: string;
  /** The `Last-Event-ID` request header, `undefined` when absent. */
  readonly lastEventId: string | undefined;
  /** Events written so far (blocks with data, keepalives excluded, a cut event excluded). */
  events: number;
  /** Where the response is; see {@link StreamState}. */
  state: StreamState;
}

/** Bytes an SSE response may buffer for a client that does not read before it is cut off. */
const MAX_BUFFERED = 1024 * 1024;

/** A pending fault for the next SSE response to a matching path. @internal */
export interface Fault {
  match: string | RegExp;
  afterEvents: number;
  midEvent: boolean;
}

/**
 * One open SSE response: writes blocks in its platform's wire format, applies a pending drop,
 * and stops quietly once the client goes away.
 *
 * @internal
 */
export class SseChannel {
  readonly record: StreamRecord;
  readonly #res: ServerResponse;
  readonly #format: WireFormat;
  readonly #fault: Fault | undefined;
  readonly #controller = new AbortController();

  constructor(res: ServerResponse, record: StreamRecord, format: WireFormat, fault: Fault | undefined) {
    this.#res = res;
    this.record = record;
    this.#format = format;
    this.#fault = fault;
    res.socket?.setNoDelay(true);
    res.on('close', () => this.#finish('client-closed'));
    res.on('error', () => this.#finish('client-closed'));
  }

  /** Aborts when the channel is done, whatever ended it. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** True while blocks can still be written. */
  get open(): boolean {
    return this.record.state === 'open';
  }

  /** Writes one block. Returns false when the channel is (or has just become) closed. */
  send(entry: SSEFrame): boolean {
    if (!this.open) return false;
    const counted = isCounted(entry);
    const fault = this.#fault;
    if (counted && fault && this.record.events >= fault.afterEvents) {
      this.#drop(fault.midEvent ? entry : undefined);
      return false;
    }
    if (this.#res.writableLength > MAX_BUFFERED) {
      // A client that stopped reading (a never-ending bus) must not grow memory without bound.
      this.#finish('server-closed');
      this.#res.destroy();
      return false;
    }
    this.#res.write(stepBytes(entry, this.#format));
    // Node corks the socket on a chunked write until the next tick: uncork, so that the event
    // reaches the kernel now, before anything the caller writes next on another socket (the
    // stax runner broadcasts `run.started` before it answers the POST that started the run).
    this.#res.socket?.uncork();
    if (counted) this.record.events++;
    return true;
  }

  /** Destroys the socket now, between two events, as a `dropNext` fault would (state `'dropped'`). */
  drop(): void {
    if (this.open) this.#drop(undefined);
  }

  /** Ends the response normally: the script is over. */
  end(): void {
    if (!this.open) return;
    this.#finish('ended');
    this.#res.end();
  }

  /** Ends the response because the server is shutting down. */
  shutdown(): void {
    if (!this.open) return;
    this.#finish('server-closed');
    this.#res.end();
    this.#res.socket?.destroySoon();
  }

  /** Writes the first part of `partial` (when given) and destroys the socket once it is flushed. */
  #drop(partial: SSEFrame | undefined): void {
    this.#finish('dropped');
    const socket = this.#res.socket;
    if (partial) this.#res.write(cutBytes(partial, hardestCut(stepBytes(partial, this.#format), this.#format.eol), this.#format));
    // destroySoon: FIN once the partial chunk is flushed, with no terminating zero-length
    // chunk, so the client sees the body end mid-stream.
    if (socket) socket.destroySoon();
    else this.#res.destroy();
  }

  #finish(state: Exclude<StreamState, 'open'>): void {
    if (!this.open) return;
    this.record.state = state;
    this.#controller.abort();
  }
}
