/**
 * Framing: decoded text → SSE messages, by eventsource-parser (line endings CRLF, LF or CR;
 * `data:` lines joined with `\n`; `event:`, `id:`, `retry:`; comments; unknown fields
 * ignored), plus the rules the parser leaves to its caller: one BOM per response (the decoder's),
 * and every event within `maxEventSize`, whether it arrives across chunks (the parser's
 * `maxBufferSize`) or whole in one chunk.
 *
 * Each stream has its own parser, but the parser's callbacks are one set shared by every
 * stream: `feed()` names the stream (and its {@link Sink}) for the duration of the call, since
 * the parser reports synchronously inside it. A process holding thousands of streams pays for
 * no callback closures per stream.
 *
 * @module
 */
import { createParser, type EventSourceMessage, type EventSourceParser, type ParseError } from 'eventsource-parser';

/** Where a parser's results go: the stream being fed (its methods, not closures of its own). @internal */
export interface Sink {
  /** A blank line dispatched an event (with at least one `data:` line). */
  onEvent(message: EventSourceMessage): void;
  /** A blank line ended a block with an `id:` field (eventsource-parser's `onId`, also without `data:`), before {@link Sink.onEvent}. */
  onId(id: string): void;
  /** A `retry:` field of ASCII digits, in ms. */
  onRetry(retry: number): void;
  /** A comment line: the text after the colon, one leading space removed. */
  onComment(comment: string): void;
  /** The event passed `maxEventSize`: the parser stops until {@link Framing.reset}. */
  onTooLarge(): void;
}

// The stream being fed, for the duration of one `Framing.feed()` call.
let active: Framing | undefined;
let sink: Sink | undefined;

/** The one set of parser callbacks: each reports to the stream being fed. */
const CALLBACKS = {
  onEvent(message: EventSourceMessage): void {
    if (active!.over) return;
    // The parser bounds only what it buffers across chunks: an event that arrives whole in one
    // chunk must meet the same limit, or the outcome would depend on where chunks split.
    if (message.data.length > active!.max) active!.overflow();
    else sink!.onEvent(message);
  },
  onId(id: string): void {
    if (!active!.over) sink!.onId(id);
  },
  onRetry(retry: number): void {
    if (!active!.over) sink!.onRetry(retry);
  },
  onComment(comment: string): void {
    if (!active!.over) sink!.onComment(comment);
  },
  onError(error: ParseError): void {
    // Unknown fields and non-digit `retry` values are ignored by the spec; only the size limit
    // ends the stream.
    if (error.type === 'max-buffer-size-exceeded') active!.overflow();
  },
};

/** The parser of one stream (see the module notes). @internal */
export class Framing {
  /** `maxEventSize`, in characters. */
  readonly max: number;
  readonly #parser: EventSourceParser;
  /** Set when an event passed the limit: nothing more is reported until `reset`. @internal */
  over = false;

  constructor(maxEventSize: number) {
    this.max = maxEventSize;
    this.#parser = createParser({ ...CALLBACKS, maxBufferSize: maxEventSize });
  }

  /**
   * Drops the state, for a new response. The decoder already stripped the one BOM the spec
   * allows; the parser would strip another, and also the decoded text U+00EF U+00BB U+00BF (its
   * check for an undecoded BOM): a blank line fed right after `reset()` ends that check and
   * dispatches nothing.
   */
  reset(): void {
    this.over = false;
    this.#parser.reset();
    this.#parser.feed('\n');
  }

  /** Parses `chunk`, reporting what it completes to `to`. */
  feed(chunk: string, to: Sink): void {
    if (this.over) return;
    // Saved and restored, not cleared: a feed inside a callback (none today) would not lose its caller's.
    const before = active;
    const beforeSink = sink;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the shared callbacks reach this parser through it, for this call only
    active = this;
    sink = to;
    try {
      this.#parser.feed(chunk);
    } finally {
      active = before;
      sink = beforeSink;
    }
  }

  /** The event passed the limit: stop parsing, and tell the stream. @internal */
  overflow(): void {
    if (this.over) return;
    this.over = true;
    sink!.onTooLarge();
  }
}

/** `text` as a byte string of its UTF-8 encoding (one char per byte), for a header value. @internal */
export function utf8Bytes(text: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(text)) out += String.fromCharCode(byte);
  return out;
}
