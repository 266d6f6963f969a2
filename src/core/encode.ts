/**
 * The one SSE frame encoder: the reference server, the testing kit and the relay build every
 * block of an event stream here. Web APIs only.
 *
 * @module
 */

/**
 * One block of an event stream, before encoding.
 *
 * - `event`: the `event:` field; left out for unnamed (`message`) events.
 * - `id`: the `id:` field; left out when there is none. `''` writes `id: ` (resets the last
 *   event ID).
 * - `data`: the `data:` field. A string is sent as is, one `data:` line per line (CR, LF or CRLF
 *   split it); anything else is sent as JSON (`JSON.stringify`). Left out: no `data:` line.
 * - `retry`: the `retry:` field, the reconnection time in milliseconds (a non-negative integer).
 * - `comment`: comment lines (`: text`), one per line of the text, written before the fields.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export interface SSEFrame {
  /** The `event:` field; `undefined`: none (a `message` event). */
  event?: string | undefined;
  /** The `id:` field; `undefined`: none. */
  id?: string | undefined;
  /** The `data:` field: a string as is, anything else as JSON; `undefined`: no `data:` line. */
  data?: unknown;
  /** The `retry:` field, in milliseconds; `undefined`: none. */
  retry?: number | undefined;
  /** Comment text (`: text` lines, before the fields); `undefined`: none. */
  comment?: string | undefined;
}

/** How {@link encodeFrame} writes a block. */
export interface EncodeFrameOptions {
  /** Line ending of every line, the blank line included. @defaultValue `'\n'` */
  eol?: '\n' | '\r\n' | undefined;
  /**
   * Write `id:` before `event:` and `data:` (sse-starlette's order) instead of after them (the
   * order Crewship documents).
   * @defaultValue false
   */
  idFirst?: boolean | undefined;
}

const LINE_BREAK = /\r\n|\r|\n/;

/**
 * Encodes one SSE block: comment lines, then `retry:`, then `event:`, `data:` (one line per
 * line of the text) and `id:` (first with `idFirst`), then the blank line that dispatches it.
 * A comment-only block gets no blank line.
 *
 * @example
 * ```ts
 * encodeFrame({ event: 'run.started', id: 'evt_1', data: { run_id: 'run_1' } });
 * // 'event: run.started\ndata: {"run_id":"run_1"}\nid: evt_1\n\n'
 * ```
 *
 * @param frame - the fields; see {@link SSEFrame}.
 * @param options - line ending and field order; see {@link EncodeFrameOptions}.
 * @returns the block's text.
 * @throws TypeError when `event` or `id` contains CR or LF (a field value cannot carry one),
 *   when `retry` is not a non-negative integer, or when `data` cannot be encoded as JSON
 *   (`JSON.stringify` returns `undefined`, e.g. for a function).
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export function encodeFrame(frame: SSEFrame, options: EncodeFrameOptions = {}): string {
  const eol = options.eol ?? '\n';
  for (const key of ['event', 'id'] as const) {
    const value = frame[key];
    if (value !== undefined && /[\r\n]/.test(value)) throw new TypeError(`SSE ${key} must not contain CR or LF`);
  }
  if (frame.retry !== undefined && (!Number.isInteger(frame.retry) || frame.retry < 0)) {
    throw new TypeError(`SSE retry must be an integer ≥ 0 (ms), got ${frame.retry}`);
  }
  let out = '';
  if (frame.comment !== undefined) {
    for (const line of frame.comment.split(LINE_BREAK)) out += `: ${line}${eol}`;
  }
  if (frame.retry !== undefined) out += `retry: ${frame.retry}${eol}`;
  const id = frame.id === undefined ? '' : `id: ${frame.id}${eol}`;
  if (options.idFirst) out += id;
  if (frame.event !== undefined) out += `event: ${frame.event}${eol}`;
  if (frame.data !== undefined) {
    const text = typeof frame.data === 'string' ? frame.data : (JSON.stringify(frame.data) as string | undefined);
    if (text === undefined) throw new TypeError('SSE data must be a string or a JSON-encodable value');
    for (const line of text.split(LINE_BREAK)) out += `data: ${line}${eol}`;
  }
  if (!options.idFirst) out += id;
  // A comment-only block needs no blank line; anything with a field gets one to end the block.
  return frame.data !== undefined || frame.event !== undefined || frame.id !== undefined || frame.retry !== undefined ? out + eol : out;
}

/**
 * A `text/event-stream` response of `frames`, encoded by {@link encodeFrame}: how a feature
 * answers a request whose server sent something else in its place (a JSON answer or error the
 * stream reads as events). Status, status text and headers come from `from` (its content type
 * replaced); a 200 without it.
 * @internal
 */
export function frameResponse(frames: readonly SSEFrame[], from?: Response): Response {
  const headers = new Headers(from?.headers);
  headers.set('content-type', 'text/event-stream');
  return new Response(frames.map((frame) => encodeFrame(frame)).join(''), { status: from?.status ?? 200, statusText: from?.statusText ?? '', headers });
}
