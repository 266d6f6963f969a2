/**
 * Anthropic Messages streaming, described once: the events of `POST /v1/messages` with
 * `stream: true` (Anthropic API docs, "Streaming Messages": "Event types", "Ping events",
 * "Error events", "Other events"; the union `RawMessageStreamEvent` of `@anthropic-ai/sdk`
 * 1.17.0), the terminal events and their outcomes, and why nothing is resumed.
 *
 * @module
 */
import { field } from '../../core/adapter.js';
import { isRecord } from '../../core/errors.js';
import type { EventFailure, StreamEvent } from '../../core/types.js';
import { definePlatform } from '../define.js';

/** Why the model stopped (`StopReason` in `@anthropic-ai/sdk` 1.17.0; "Handling stop reasons"). */
export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'pause_turn' | 'refusal' | 'model_context_window_exceeded' | (string & {});

/** Token counts: `message_start`'s `message.usage`, and the cumulative counts of each `message_delta`. */
export interface AnthropicUsage {
  input_tokens?: number | null | undefined;
  output_tokens: number;
  cache_creation_input_tokens?: number | null | undefined;
  cache_read_input_tokens?: number | null | undefined;
}

/**
 * A content block as `content_block_start` opens it ("Streaming Messages" → "Content block
 * types"): `text`, `thinking`, `redacted_thinking`, `tool_use`, `server_tool_use`, tool results.
 */
export interface AnthropicContentBlock {
  type: 'text' | 'thinking' | 'redacted_thinking' | 'tool_use' | 'server_tool_use' | (string & {});
  /** For `text` (empty at start). */
  text?: string | undefined;
  /** For `thinking` (empty at start). */
  thinking?: string | undefined;
  /** For `tool_use` / `server_tool_use`. */
  id?: string | undefined;
  /** For `tool_use` / `server_tool_use`. */
  name?: string | undefined;
  /** For `tool_use` (`{}` at start: the input comes in `input_json_delta`s). */
  input?: unknown;
}

/** A delta of `content_block_delta` ("Content block delta types"; `RawContentBlockDelta`). */
export type AnthropicContentDelta =
  | { type: 'text_delta'; text: string }
  | { type: 'input_json_delta'; partial_json: string }
  | { type: 'thinking_delta'; thinking: string }
  | { type: 'signature_delta'; signature: string }
  | { type: 'citations_delta'; citation: unknown };

/** The Message of `message_start`: empty `content`, `stop_reason` `null`. */
export interface AnthropicMessage {
  /** e.g. `'msg_4QpJur2dWWDjF6C758FbBw5vm12BaVipnK'`. */
  id: string;
  type: 'message';
  role: 'assistant';
  content: AnthropicContentBlock[];
  model: string;
  stop_reason: AnthropicStopReason | null;
  stop_sequence: string | null;
  usage: AnthropicUsage;
}

/** The error an `error` event carries ("Error events"; error types in "Errors"). */
export interface AnthropicErrorObject {
  /** e.g. `'overloaded_error'`, `'api_error'`, `'rate_limit_error'`, `'invalid_request_error'`. */
  type: string;
  message: string;
}

/**
 * Payloads of an Anthropic Messages stream, by event name ("Streaming Messages"; each data
 * repeats its name in `type`). `ping` is a keepalive, never delivered. `unknown` is runstream's:
 * an event type this map does not know ("Other events": "we may add new event types"),
 * delivered rather than dropped.
 */
export interface AnthropicMessageEventMap {
  /** The message began: a Message with empty `content`. */
  message_start: { type: 'message_start'; message: AnthropicMessage };
  /** Content block `index` began. */
  content_block_start: { type: 'content_block_start'; index: number; content_block: AnthropicContentBlock };
  /** More of content block `index`: text, partial tool input JSON, thinking, a signature, a citation. */
  content_block_delta: { type: 'content_block_delta'; index: number; delta: AnthropicContentDelta };
  /** Content block `index` is done. */
  content_block_stop: { type: 'content_block_stop'; index: number };
  /** Top-level changes: `delta.stop_reason`, `delta.stop_sequence`, and the cumulative `usage`. */
  message_delta: {
    type: 'message_delta';
    delta: { stop_reason: AnthropicStopReason | null; stop_sequence: string | null };
    usage: AnthropicUsage;
  };
  /** The message is done. Terminal: outcome `'completed'`, `serverStatus` = the last `stop_reason`. */
  message_stop: { type: 'message_stop' };
  /**
   * An error inside the 200 stream (e.g. `overloaded_error`, which would be an HTTP 529).
   * Terminal: outcome `'failed'`, a `StreamError` `'server-error-event'` with `serverCode` =
   * `error.type`; see {@link isRetryableAnthropicError}.
   */
  error: { type: 'error'; error: AnthropicErrorObject; request_id?: string | undefined };
  /** An event type this map does not know: delivered under this name; `data.type` holds its name. */
  unknown: { type: string; [key: string]: unknown };
}

/** An Anthropic Messages event name. */
export type AnthropicMessageEventType = keyof AnthropicMessageEventMap;

/**
 * The body of `POST /v1/messages` ("Messages" → "Create a Message"): `model`, `max_tokens`,
 * `messages`, and anything else the API takes; `stream: true` is set by runstream.
 */
export interface AnthropicMessageCreateParams {
  /** e.g. `'claude-opus-4-1'`. */
  model: string;
  /** The most tokens to generate. */
  max_tokens: number;
  /** The conversation: `{ role: 'user' | 'assistant', content }` turns. */
  messages: { role: 'user' | 'assistant'; content: unknown }[];
  [key: string]: unknown;
}

/**
 * The `error.type`s worth sending the request again for, later: the stream equivalents of HTTP
 * 429 (`rate_limit_error`), 500 (`api_error`), 504 (`timeout_error`) and 529
 * (`overloaded_error`), which Anthropic's "Errors" page names as transient. The others
 * (`invalid_request_error`, `authentication_error`, `permission_error`, `not_found_error`,
 * `billing_error`, …) fail the same way again.
 */
const RETRYABLE: ReadonlySet<string> = /* @__PURE__ */ new Set(['overloaded_error', 'api_error', 'rate_limit_error', 'timeout_error']);

/**
 * Whether a failure of an Anthropic stream is worth a new request: an in-stream `error` whose
 * `error.type` is transient (`overloaded_error`, `api_error`, `rate_limit_error`,
 * `timeout_error`), which runstream reports as a `StreamError` `'server-error-event'` with that
 * type as `serverCode`. runstream never re-sends a Messages request itself (it generates, and
 * bills, again): this tells you whether to.
 *
 * @example
 * ```ts
 * import { AnthropicMessages, isRetryableAnthropicError } from 'runstream';
 *
 * const client = new AnthropicMessages({ apiKey: process.env.ANTHROPIC_API_KEY });
 * const stream = client.messages.stream({ model: 'claude-opus-4-1', max_tokens: 1024, messages: [{ role: 'user', content: 'Hello' }] });
 * try {
 *   for await (const event of stream) console.log(event.type);
 * } catch (error) {
 *   if (isRetryableAnthropicError(error)) console.log('try again later');
 *   else throw error;
 * }
 * ```
 *
 * @param error - what the stream threw (or `outcome.error`).
 * @returns true for a `StreamError` `'server-error-event'` whose `serverCode` is a transient error type.
 */
export function isRetryableAnthropicError(error: unknown): boolean {
  if (!isRecord(error) || error.name !== 'StreamError' || error.code !== 'server-error-event') return false;
  return typeof error.serverCode === 'string' && RETRYABLE.has(error.serverCode);
}

/** The failure of an `error` event. @internal */
export function anthropicFailure(event: StreamEvent): EventFailure | undefined {
  if (event.type !== 'error') return undefined;
  const error = isRecord(event.data) && isRecord(event.data.error) ? event.data.error : {};
  return {
    message: typeof error.message === 'string' ? error.message : 'error event',
    serverCode: typeof error.type === 'string' ? error.type : undefined,
    traceId: field(event.data, 'request_id'),
  };
}

/** Every event name the map has, in the definition's order. */
const KNOWN_NAMES = ['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop', 'error', 'unknown'] as const;

/**
 * Anthropic Messages, described once. Named events whose data repeats the name in `type`;
 * `ping` keepalives; no `id:`; a POST that generates, which nothing resumes. The stream's
 * `serverStatus` is the last `message_delta` `stop_reason`: the resource tracks it. @internal
 */
export const anthropic = /* @__PURE__ */ definePlatform<AnthropicMessageEventMap>()({
  name: 'anthropic',
  title: 'Anthropic Messages',
  baseUrl: 'https://api.anthropic.com',
  baseUrlSource: 'its API reference ("Create a Message": `POST https://api.anthropic.com/v1/messages`)',
  auth: 'x-api-key',
  idleTimeout: 'connect',
  known: KNOWN_NAMES,
  terminal: ['message_stop', 'error'],
  outcomes: { message_stop: 'completed', error: 'failed' },
  keepalive: ['ping'],
  keepaliveComments: [],
  lineEndings: ['\n'],
  ids: false,
  routes: { create: { method: 'POST', path: '/v1/messages' } },
  resume: 'never',
  resync: 'none',
  decode: (data, event) => {
    const name = event === 'message' ? (field(data, 'type') ?? event) : event;
    if (name === 'ping') return undefined;
    KNOWN ??= new Set<string>(KNOWN_NAMES);
    return { type: KNOWN.has(name) && name !== 'unknown' ? name : 'unknown', data };
  },
  errorOf: anthropicFailure,
  outcomeOf: (event) => (event.type === 'error' ? { type: 'failed' } : { type: 'completed' }),
});

// Made on first use: a property read at module level would keep the definition in every bundle.
let KNOWN: ReadonlySet<string> | undefined;

/** The version header every request sends ("Versions"). @internal */
export const ANTHROPIC_VERSION = '2023-06-01';

/** What a stream that ends before `message_stop` tells the user. @internal */
export const anthropicDropHint = 'the message was cut off (no message_stop): Anthropic cannot resume a message; send the request again to generate a new one';
