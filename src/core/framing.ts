/**
 * Framing: decoded text → SSE messages (eventsource-parser), with the spec's rules the parser
 * leaves to its caller: one BOM per response, every event within `maxEventSize`, and the
 * `Last-Event-ID` header as the id's UTF-8 bytes.
 *
 * @module
 */
import { createParser, type EventSourceMessage, type EventSourceParser, type ParserCallbacks } from 'eventsource-parser';

/**
 * A parser for one stream: `handlers` are eventsource-parser's callbacks; `maxEventSize` bounds
 * what it buffers across chunks, and {@link tooLarge} what arrives whole in one chunk. @internal
 */
export function framing(handlers: ParserCallbacks, maxEventSize: number): EventSourceParser {
  return createParser({ ...handlers, maxBufferSize: maxEventSize });
}

/**
 * Whether a message passes `maxEventSize`. The parser bounds only what it buffers across
 * chunks: an event that arrives whole in one chunk must meet the same limit, or the outcome
 * would depend on where chunks split. @internal
 */
export function tooLarge(message: EventSourceMessage, maxEventSize: number): boolean {
  return message.data.length > maxEventSize;
}

/**
 * Readies the parser for a new response: its state is dropped, and so is its BOM check. The
 * decoder already stripped the one BOM the spec allows; the parser would strip another, and
 * also the decoded text U+00EF U+00BB U+00BF (its check for an undecoded BOM). A blank line fed
 * right after `reset()` ends that check and dispatches nothing. @internal
 */
export function restart(parser: EventSourceParser): void {
  parser.reset();
  parser.feed('\n');
}

/** `text` as a byte string of its UTF-8 encoding (one char per byte), for a header value. @internal */
export function utf8Bytes(text: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(text)) out += String.fromCharCode(byte);
  return out;
}
