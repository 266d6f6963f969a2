/// <reference types="node" />
/**
 * The SSE writer of the reference server's built-in platform routes: wire formatting, one
 * response channel with fault injection, and the cut points of a mid-event drop. Scripts given
 * to the server's `play()` go through the kit's player (src/testing/kit/play.ts) instead.
 *
 * @module
 */
import type { ServerResponse } from 'node:http';
import { encodeFrame } from '../core/encode.js';

/**
 * One block of an SSE stream as a script describes it.
 *
 * @internal
 */
export interface SseEntry {
  /** The `event:` field; left out for unnamed (`message`) events. */
  event?: string | undefined;
  /** The `id:` field; left out when the platform sends no ids. */
  id?: string | undefined;
  /** The `data:` field: a string is sent as is (one `data:` line per line), anything else as JSON. */
  data?: unknown | undefined;
  /** A comment line (`: text`), written before any field of the block. */
  comment?: string | undefined;
  /** A keepalive (`ping`, `heartbeat`): not counted by `dropNext`. */
  keepalive?: boolean | undefined;
}

/** Line ending of a platform's stream. @internal */
export type LineEnding = '\n' | '\r\n';

/** How a platform writes its blocks. @internal */
export interface WireFormat {
  /** Line ending. @defaultValue `'\n'` */
  eol?: LineEnding | undefined;
  /**
   * Write `id:` before `event:` and `data:` (sse-starlette's order) instead of after them (the
   * order Crewship documents).
   * @defaultValue false
   */
  idFirst?: boolean | undefined;
}

/** True when `entry` is an event a client dispatches (it has data), not a bare comment. @internal */
export function isEvent(entry: SseEntry): boolean {
  return entry.data !== undefined;
}

/**
 * Where a mid-event drop cuts `bytes` (one formatted event), as a byte offset.
 *
 * - CRLF: between the CR and the LF that end the event's last field line, so every field has
 *   been read but the blank line that dispatches the event never arrives.
 * - LF: inside the multi-byte UTF-8 character nearest the middle (after its first byte); with
 *   no such character, in the middle of the text (never right after a line break).
 *
 * @internal
 */
export function cutPoint(bytes: Uint8Array, eol: LineEnding): number {
  if (eol === '\r\n') {
    // The block ends "…<last field>\r\n\r\n": the CR of the last field line is 4 bytes from the end.
    return bytes.length - 3;
  }
  const middle = Math.floor(bytes.length / 2);
  let best = -1;
  for (let index = 0; index < bytes.length; index++) {
    if (bytes[index]! >= 0xc0 && (best === -1 || Math.abs(index - middle) < Math.abs(best - middle))) best = index;
  }
  if (best !== -1) return best + 1;
  let cut = Math.max(1, middle);
  while (cut > 1 && bytes[cut - 1] === 0x0a) cut--;
  return cut;
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
  send(entry: SseEntry): boolean {
    if (!this.open) return false;
    const counted = isEvent(entry) && !entry.keepalive;
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
    this.#res.write(encodeFrame(entry, this.#format));
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
  #drop(partial: SseEntry | undefined): void {
    this.#finish('dropped');
    const socket = this.#res.socket;
    if (partial) {
      const bytes = Buffer.from(encodeFrame(partial, this.#format), 'utf8');
      this.#res.write(bytes.subarray(0, cutPoint(bytes, this.#format.eol ?? '\n')));
    }
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
