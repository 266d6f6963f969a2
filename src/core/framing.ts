/**
 * Framing: decoded text → SSE messages, as the spec's "interpret an event stream" says: lines
 * end with CRLF, LF or CR; `data:` lines join with `\n`; `event:`, `id:` (without U+0000) and
 * `retry:` (ASCII digits) set their fields; a blank line dispatches; comments (`:`) are
 * keepalives; unknown fields are ignored. The BOM is the decoder's job (one per response,
 * stripped by `TextDecoder`), so framing never strips one. Every event stays within
 * `maxEventSize`: the partial line held across chunks plus the event's data so far.
 *
 * A parser holds only its state: no callbacks. Whoever feeds it passes a {@link Sink} shared
 * by every stream, and itself, with each chunk (see `EventStream`).
 *
 * @module
 */
import type { EventSourceMessage } from 'eventsource-parser';

/** Where a parser's results go: one object for every stream, called with the stream. @internal */
export interface Sink<Owner> {
  /** A blank line dispatched an event (with at least one `data:` line). */
  event(owner: Owner, message: EventSourceMessage): void;
  /** A blank line ended an event that had an `id:` field (before {@link Sink.event}). */
  id(owner: Owner, id: string): void;
  /** A `retry:` field of ASCII digits, in ms. */
  retry(owner: Owner, retry: number): void;
  /** A comment line: the text after the colon, one leading space removed. */
  comment(owner: Owner, comment: string): void;
  /** The buffered event passed `maxEventSize`: the parser stops until {@link Framing.reset}. */
  tooLarge(owner: Owner): void;
}

/** An SSE parser for one stream (see the module notes). @internal */
export class Framing {
  readonly #max: number;
  /** The partial line from earlier chunks. */
  #line = '';
  /** The event's data so far; `undefined` before its first `data:` line. */
  #data: string | undefined;
  #event: string | undefined;
  #id: string | undefined;
  /** The last chunk ended with CR: a leading LF of the next one ends nothing (CRLF split). */
  #cr = false;
  /** Set when an event grew past the limit: nothing more is parsed until `reset`. */
  #over = false;

  constructor(maxEventSize: number) {
    this.#max = maxEventSize;
  }

  /** Drops the state, for a new response. */
  reset(): void {
    this.#line = '';
    this.#data = this.#event = this.#id = undefined;
    this.#cr = this.#over = false;
  }

  /** Parses `chunk`, reporting what it completes to `sink` with `owner`. */
  feed<Owner>(chunk: string, sink: Sink<Owner>, owner: Owner): void {
    if (this.#over || !chunk) return;
    if (this.#cr) {
      this.#cr = false;
      if (chunk.charCodeAt(0) === 10) chunk = chunk.slice(1);
    }
    let cr = chunk.indexOf('\r');
    let lf = chunk.indexOf('\n');
    // No line ends here: keep the text (a rope; the line is scanned once, when it ends).
    if (cr < 0 && lf < 0) {
      this.#line += chunk;
      return this.#check(sink, owner);
    }
    const offset = this.#line.length;
    const text = offset ? this.#line + chunk : chunk;
    this.#line = '';
    if (offset) {
      cr = cr < 0 ? cr : cr + offset;
      lf = lf < 0 ? lf : lf + offset;
    }
    let start = 0;
    for (;;) {
      if (cr >= 0 && cr < start) cr = text.indexOf('\r', start);
      if (lf >= 0 && lf < start) lf = text.indexOf('\n', start);
      const end = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf);
      if (end < 0) break;
      this.#parse(text.slice(start, end), sink, owner);
      if (this.#over) return;
      start = end + 1;
      if (end === cr) {
        if (start === text.length) this.#cr = true;
        else if (text.charCodeAt(start) === 10) start++;
      }
    }
    this.#line = text.slice(start);
    this.#check(sink, owner);
  }

  #parse<Owner>(line: string, sink: Sink<Owner>, owner: Owner): void {
    if (!line) {
      const id = this.#id;
      const data = this.#data;
      if (id !== undefined) sink.id(owner, id);
      if (data !== undefined) sink.event(owner, { id, event: this.#event, data });
      this.#data = this.#event = this.#id = undefined;
      return;
    }
    const colon = line.indexOf(':');
    if (colon === 0) return sink.comment(owner, line.slice(line.charCodeAt(1) === 32 ? 2 : 1));
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(line.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1);
    if (field === 'data') {
      this.#data = this.#data === undefined ? value : `${this.#data}\n${value}`;
      this.#check(sink, owner);
    } else if (field === 'event') this.#event = value || undefined;
    else if (field === 'id') {
      if (!value.includes('\0')) this.#id = value;
    } else if (field === 'retry' && /^\d+$/.test(value)) sink.retry(owner, parseInt(value, 10));
  }

  /** Ends parsing when the partial line and the event's data pass the limit. */
  #check<Owner>(sink: Sink<Owner>, owner: Owner): void {
    if (this.#line.length + (this.#data?.length ?? 0) <= this.#max) return;
    this.reset();
    this.#over = true;
    sink.tooLarge(owner);
  }
}

/** `text` as a byte string of its UTF-8 encoding (one char per byte), for a header value. @internal */
export function utf8Bytes(text: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(text)) out += String.fromCharCode(byte);
  return out;
}
