/**
 * Anthropic Messages: `POST /v1/messages` with `stream: true`.
 *
 * @module
 */
import { platformAdapter } from '../../core/adapter.js';
import { isRecord } from '../../core/errors.js';
import type { Transport } from '../../core/request.js';
import type { EventStream } from '../../core/stream.js';
import type { StreamOptions } from '../../core/sse.js';
import type { StreamAdapter } from '../../core/types.js';
import { streamOf } from '../define.js';
import { ANTHROPIC_VERSION, anthropic, anthropicDropHint, type AnthropicMessageCreateParams, type AnthropicMessageEventMap } from './definition.js';

const base = /* @__PURE__ */ platformAdapter(anthropic);

/** The adapter of one message: it remembers the last `stop_reason` for the outcome. */
function messageAdapter(): StreamAdapter {
  let stopReason: string | undefined;
  return {
    ...base,
    toEvent(message, lastEventId) {
      const event = base.toEvent(message, lastEventId);
      if (event && event.type === 'message_delta' && isRecord(event.data) && isRecord(event.data.delta) && typeof event.data.delta.stop_reason === 'string') {
        stopReason = event.data.delta.stop_reason;
      }
      return event;
    },
    outcomeOf: (event) => (event.type === 'message_stop' ? { type: 'completed', serverStatus: stopReason } : { type: 'failed' }),
  };
}

/** Anthropic Messages streams. Reach it as `client.messages`. Auth: `x-api-key` and `anthropic-version`. */
export class AnthropicMessageStreams {
  readonly #transport: Transport;

  /** @internal */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Creates a message and streams its events: `POST /v1/messages` with the JSON body
   * `{ ...params, stream: true }` and the headers `x-api-key` and `anthropic-version:
   * 2023-06-01` (unless `options.headers` sets another version) (Anthropic "Streaming Messages").
   *
   * Ends after `message_stop`: outcome `'completed'`, `serverStatus` = the last `message_delta`
   * `stop_reason` (`'end_turn'`, `'max_tokens'`, `'tool_use'`, …). An `error` event inside the
   * 200 stream (`overloaded_error`, …) fails it with `StreamError` `'server-error-event'`,
   * `serverCode` = `error.type` (see `isRetryableAnthropicError`). `ping` is a keepalive; an
   * unknown event type arrives as `unknown`.
   *
   * What a drop costs: the message. Nothing resumes a message and runstream never re-sends
   * the POST (that would generate, and bill, a new one): a stream that ends before
   * `message_stop` fails with `StreamError` `'unexpected-end'` (a clean close) or
   * `ConnectionError` (a reset), never as a normal end.
   *
   * @example
   * ```ts
   * import { AnthropicMessages } from 'runstream';
   *
   * const client = new AnthropicMessages({ apiKey: process.env.ANTHROPIC_API_KEY });
   * const stream = client.messages.stream({ model: 'claude-opus-4-1', max_tokens: 1024, messages: [{ role: 'user', content: 'Hello' }] });
   * for await (const event of stream) {
   *   if (event.type === 'content_block_delta' && event.data.delta.type === 'text_delta') process.stdout.write(event.data.delta.text);
   * }
   * console.log(stream.outcome?.serverStatus); // 'end_turn'
   * ```
   *
   * @param params - the request body (`model`, `max_tokens`, `messages`, …); `stream: true` is added.
   * @param options - stream options; `headers` may set another `anthropic-version` or add `anthropic-beta`.
   * @throws RangeError synchronously when a numeric option is out of its range. The stream
   *   fails with `HTTPError` (401, 429, 529, …), `StreamError`, or `ConnectionError`.
   */
  stream(params: AnthropicMessageCreateParams, options: StreamOptions = {}): EventStream<AnthropicMessageEventMap> {
    const headers = new Headers(options.headers);
    if (!headers.has('anthropic-version')) headers.set('anthropic-version', ANTHROPIC_VERSION);
    return this.#transport.stream<AnthropicMessageEventMap>(
      { ...streamOf(anthropic, anthropic.routes.create), body: { ...params, stream: true } },
      messageAdapter(),
      { ...options, headers },
      { resumeHint: anthropicDropHint },
    );
  }
}
