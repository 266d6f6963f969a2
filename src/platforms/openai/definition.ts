/**
 * OpenAI Responses streaming, described once: the events of `POST /v1/responses` with
 * `stream: true` (OpenAI API reference, "Responses" → "Streaming events"; the event union
 * `ResponseStreamEvent` of the official `openai` package 6.49.0, generated from the OpenAPI
 * spec), the terminal events and their outcomes, and the resume rule of background responses
 * (OpenAI guide "Background mode" → "Streaming a background response").
 *
 * @module
 */
import { field } from '../../core/adapter.js';
import { isRecord } from '../../core/errors.js';
import type { EventFailure, GapMarker, OutcomeInfo, StreamEvent } from '../../core/types.js';
import { definePlatform } from '../define.js';

/**
 * One OpenAI Responses stream event: its `type` (the SSE `event:` name, repeated in the data)
 * and `sequence_number`, which counts the events of one response from 0 (API reference,
 * "Streaming events"; every member of `ResponseStreamEvent` in `openai` 6.49.0 carries it).
 *
 * @typeParam Type - the event name.
 * @typeParam Fields - the event's own fields.
 */
export type OpenAIResponseEvent<Type extends string, Fields extends object = object> = {
  type: Type;
  /** The event's place in its response's stream: 0, 1, 2, … (a resume asks for those after one). */
  sequence_number: number;
} & Fields;

/** A status of a Response (`ResponseStatus` in `openai` 6.49.0). */
export type OpenAIResponseStatus = 'completed' | 'failed' | 'in_progress' | 'cancelled' | 'queued' | 'incomplete';

/**
 * One part of an output message's content (`output_text`, `refusal`, `reasoning_text`):
 * API reference, "The response object" → `output[].content[]`.
 */
export interface OpenAIContentPart {
  type: 'output_text' | 'refusal' | 'reasoning_text' | (string & {});
  /** For `output_text` and `reasoning_text`. */
  text?: string | undefined;
  /** For `refusal`. */
  refusal?: string | undefined;
  /** For `output_text`: citations and file paths. */
  annotations?: unknown[] | undefined;
}

/**
 * One output item of a Response (API reference, "The response object" → `output[]`): a
 * `message`, a `function_call`, a `reasoning` item, a tool call (`web_search_call`, …).
 * Only the fields runstream reads are named; the rest are kept as sent.
 */
export interface OpenAIOutputItem {
  /** e.g. `'message'`, `'function_call'`, `'reasoning'`, `'web_search_call'`. */
  type: string;
  id?: string | null | undefined;
  status?: string | null | undefined;
  /** For `message`: `'assistant'`. */
  role?: string | null | undefined;
  /** For `message` (and `reasoning`): its parts. */
  content?: OpenAIContentPart[] | null | undefined;
  /** For `function_call`: the function's name. */
  name?: string | null | undefined;
  /** For `function_call` and `mcp_call`: the arguments, a JSON text (a `tool_search_call` sends an object). */
  arguments?: unknown;
  /** For `function_call`: the id to answer with a `function_call_output`. */
  call_id?: string | null | undefined;
}

/**
 * The Response object a lifecycle event carries (API reference, "The response object"): the
 * fields runstream reads, the rest kept as sent.
 */
export interface OpenAIResponseObject {
  /** e.g. `'resp_67c9fdcecf488190bdd9a0409de3a1ec07b8b0ad4e5eb654'`. */
  id: string;
  object?: 'response' | undefined;
  status?: OpenAIResponseStatus | undefined;
  /** Whether it runs in the background (only such a response can be resumed). */
  background?: boolean | null | undefined;
  output: OpenAIOutputItem[];
  /** For a failed response. */
  error?: { code: string; message: string } | null | undefined;
  /** For an incomplete response: why it stopped. */
  incomplete_details?: { reason?: 'max_output_tokens' | 'content_filter' | (string & {}) | undefined } | null | undefined;
  /** Token counts, on the final response. */
  usage?: { input_tokens: number; output_tokens: number; total_tokens: number } | null | undefined;
}

/** The error an `error` event reports, in either shape the API sends (see {@link OpenAIResponseEventMap.error}). */
export interface OpenAIErrorDetails {
  /** e.g. `'server_error'`, `'rate_limit_exceeded'`. */
  code?: string | null | undefined;
  message?: string | undefined;
  param?: string | null | undefined;
  /** In the nested shape, e.g. `'server_error'`. */
  type?: string | undefined;
}

/** A lifecycle event (`response.created`, `.completed`, …): the Response object as it stands. */
export type OpenAILifecycleEvent<Type extends string> = OpenAIResponseEvent<Type, { response: OpenAIResponseObject }>;
/** An event of one output item: its `item_id` and `output_index`, and `Fields`. */
export type OpenAIItemEvent<Type extends string, Fields extends object = object> = OpenAIResponseEvent<Type, { item_id: string; output_index: number } & Fields>;
/** An event of one content part of an output item: its `content_index` too. */
export type OpenAIPartEvent<Type extends string, Fields extends object = object> = OpenAIItemEvent<Type, { content_index: number } & Fields>;
/** An event of one reasoning summary part: its `summary_index` too. */
export type OpenAISummaryEvent<Type extends string, Fields extends object = object> = OpenAIItemEvent<Type, { summary_index: number } & Fields>;

/**
 * Payloads of an OpenAI Responses stream, by event name: every `ResponseStreamEvent` type of
 * `openai` 6.49.0 (53; API reference "Responses" → "Streaming events"), `error` in both its
 * shapes, and two of runstream's own: `resync` (a gap in `sequence_number`) and `unknown` (an
 * event type this map does not know, delivered rather than dropped: the API adds types).
 */
export interface OpenAIResponseEventMap {
  /** The response was created (`response.status` `'in_progress'` or `'queued'`). */
  'response.created': OpenAILifecycleEvent<'response.created'>;
  /** The response is in progress. */
  'response.in_progress': OpenAILifecycleEvent<'response.in_progress'>;
  /** A background response is queued. */
  'response.queued': OpenAILifecycleEvent<'response.queued'>;
  /** The response finished. Terminal: outcome `'completed'`, `serverStatus` `'completed'`. */
  'response.completed': OpenAILifecycleEvent<'response.completed'>;
  /**
   * The response failed. Terminal: outcome `'failed'`, a `StreamError` `'server-error-event'`
   * with `serverCode` = `response.error.code` and the message `response.error.message`.
   */
  'response.failed': OpenAILifecycleEvent<'response.failed'>;
  /**
   * The response stopped before it was done (`response.incomplete_details.reason`:
   * `'max_output_tokens'` or `'content_filter'`). Terminal: outcome `'completed'` with
   * `serverStatus` `'incomplete'` and `message` = the reason: the stream worked, the answer is cut.
   */
  'response.incomplete': OpenAILifecycleEvent<'response.incomplete'>;
  /**
   * An error inside the 200 stream. Terminal: outcome `'failed'`, a `StreamError`
   * `'server-error-event'` with `serverCode` = the code. Two shapes are sent: the documented
   * flat `{ code, message, param }` (`ResponseErrorEvent`) and a nested `{ error: { type, code,
   * message, param } }` (seen in recorded streams; openai-node accepts both).
   */
  error: OpenAIResponseEvent<'error', OpenAIErrorDetails & { error?: OpenAIErrorDetails | undefined }>;
  /** An output item (a message, a function call, a reasoning item, a tool call) began. */
  'response.output_item.added': OpenAIResponseEvent<'response.output_item.added', { output_index: number; item: OpenAIOutputItem }>;
  /** An output item is done: `item` is complete. */
  'response.output_item.done': OpenAIResponseEvent<'response.output_item.done', { output_index: number; item: OpenAIOutputItem }>;
  /** A content part of a message began. */
  'response.content_part.added': OpenAIPartEvent<'response.content_part.added', { part: OpenAIContentPart }>;
  /** A content part is done. */
  'response.content_part.done': OpenAIPartEvent<'response.content_part.done', { part: OpenAIContentPart }>;
  /** More text of an `output_text` part. */
  'response.output_text.delta': OpenAIPartEvent<'response.output_text.delta', { delta: string; logprobs?: unknown[] | undefined; obfuscation?: string | undefined }>;
  /** An `output_text` part is done: its whole `text`. */
  'response.output_text.done': OpenAIPartEvent<'response.output_text.done', { text: string; logprobs?: unknown[] | undefined }>;
  /** An annotation (a citation) was added to an `output_text` part. */
  'response.output_text.annotation.added': OpenAIPartEvent<'response.output_text.annotation.added', { annotation: unknown; annotation_index: number }>;
  /** More text of a refusal. */
  'response.refusal.delta': OpenAIPartEvent<'response.refusal.delta', { delta: string }>;
  /** A refusal is done. */
  'response.refusal.done': OpenAIPartEvent<'response.refusal.done', { refusal: string }>;
  /** More of a function call's arguments (JSON text). */
  'response.function_call_arguments.delta': OpenAIItemEvent<'response.function_call_arguments.delta', { delta: string }>;
  /** A function call's arguments are done: the whole JSON text and the function's name. */
  'response.function_call_arguments.done': OpenAIItemEvent<'response.function_call_arguments.done', { arguments: string; name?: string | undefined }>;
  /** More of a custom tool call's input. */
  'response.custom_tool_call_input.delta': OpenAIItemEvent<'response.custom_tool_call_input.delta', { delta: string }>;
  /** A custom tool call's input is done. */
  'response.custom_tool_call_input.done': OpenAIItemEvent<'response.custom_tool_call_input.done', { input: string }>;
  /** More reasoning text. */
  'response.reasoning_text.delta': OpenAIPartEvent<'response.reasoning_text.delta', { delta: string }>;
  /** Reasoning text is done. */
  'response.reasoning_text.done': OpenAIPartEvent<'response.reasoning_text.done', { text: string }>;
  /** A reasoning summary part began. */
  'response.reasoning_summary_part.added': OpenAISummaryEvent<'response.reasoning_summary_part.added', { part: { type: string; text: string } }>;
  /** A reasoning summary part is done. */
  'response.reasoning_summary_part.done': OpenAISummaryEvent<'response.reasoning_summary_part.done', { part: { type: string; text: string }; status?: 'incomplete' | undefined }>;
  /** More reasoning summary text. */
  'response.reasoning_summary_text.delta': OpenAISummaryEvent<'response.reasoning_summary_text.delta', { delta: string }>;
  /** A reasoning summary text is done. */
  'response.reasoning_summary_text.done': OpenAISummaryEvent<'response.reasoning_summary_text.done', { text: string }>;
  /** More audio (base64). */
  'response.audio.delta': OpenAIResponseEvent<'response.audio.delta', { delta: string }>;
  /** The audio is done. */
  'response.audio.done': OpenAIResponseEvent<'response.audio.done'>;
  /** More of the audio's transcript. */
  'response.audio.transcript.delta': OpenAIResponseEvent<'response.audio.transcript.delta', { delta: string }>;
  /** The audio's transcript is done. */
  'response.audio.transcript.done': OpenAIResponseEvent<'response.audio.transcript.done'>;
  /** A code interpreter call is in progress. */
  'response.code_interpreter_call.in_progress': OpenAIItemEvent<'response.code_interpreter_call.in_progress'>;
  /** A code interpreter call is running its code. */
  'response.code_interpreter_call.interpreting': OpenAIItemEvent<'response.code_interpreter_call.interpreting'>;
  /** A code interpreter call is done. */
  'response.code_interpreter_call.completed': OpenAIItemEvent<'response.code_interpreter_call.completed'>;
  /** More of a code interpreter call's code. */
  'response.code_interpreter_call_code.delta': OpenAIItemEvent<'response.code_interpreter_call_code.delta', { delta: string }>;
  /** A code interpreter call's code is done. */
  'response.code_interpreter_call_code.done': OpenAIItemEvent<'response.code_interpreter_call_code.done', { code: string }>;
  /** A file search call is in progress. */
  'response.file_search_call.in_progress': OpenAIItemEvent<'response.file_search_call.in_progress'>;
  /** A file search call is searching. */
  'response.file_search_call.searching': OpenAIItemEvent<'response.file_search_call.searching'>;
  /** A file search call is done. */
  'response.file_search_call.completed': OpenAIItemEvent<'response.file_search_call.completed'>;
  /** A web search call is in progress. */
  'response.web_search_call.in_progress': OpenAIItemEvent<'response.web_search_call.in_progress'>;
  /** A web search call is searching. */
  'response.web_search_call.searching': OpenAIItemEvent<'response.web_search_call.searching'>;
  /** A web search call is done. */
  'response.web_search_call.completed': OpenAIItemEvent<'response.web_search_call.completed'>;
  /** An image generation call is in progress. */
  'response.image_generation_call.in_progress': OpenAIItemEvent<'response.image_generation_call.in_progress'>;
  /** An image generation call is generating. */
  'response.image_generation_call.generating': OpenAIItemEvent<'response.image_generation_call.generating'>;
  /** A partial image (base64), `partial_image_index` from 0. */
  'response.image_generation_call.partial_image': OpenAIItemEvent<'response.image_generation_call.partial_image', { partial_image_b64: string; partial_image_index: number }>;
  /** An image generation call is done. */
  'response.image_generation_call.completed': OpenAIItemEvent<'response.image_generation_call.completed'>;
  /** More of an MCP call's arguments (JSON text). */
  'response.mcp_call_arguments.delta': OpenAIItemEvent<'response.mcp_call_arguments.delta', { delta: string }>;
  /** An MCP call's arguments are done. */
  'response.mcp_call_arguments.done': OpenAIItemEvent<'response.mcp_call_arguments.done', { arguments: string }>;
  /** An MCP call is in progress. */
  'response.mcp_call.in_progress': OpenAIItemEvent<'response.mcp_call.in_progress'>;
  /** An MCP call is done. */
  'response.mcp_call.completed': OpenAIItemEvent<'response.mcp_call.completed'>;
  /** An MCP call failed (the response goes on). */
  'response.mcp_call.failed': OpenAIItemEvent<'response.mcp_call.failed'>;
  /** Listing an MCP server's tools is in progress. */
  'response.mcp_list_tools.in_progress': OpenAIItemEvent<'response.mcp_list_tools.in_progress'>;
  /** An MCP server's tools were listed. */
  'response.mcp_list_tools.completed': OpenAIItemEvent<'response.mcp_list_tools.completed'>;
  /** Listing an MCP server's tools failed (the response goes on). */
  'response.mcp_list_tools.failed': OpenAIItemEvent<'response.mcp_list_tools.failed'>;
  /**
   * runstream's marker of a gap: an event's `sequence_number` was not the last one + 1 (events
   * were lost, e.g. across a resume). Delivered right after the first event past the gap; see
   * {@link OpenAIGapMarker}.
   */
  resync: OpenAIGapMarker;
  /**
   * An event whose type this map does not know (one the API added later, e.g. openai 7.x's
   * `response.shell_call_command.delta`): delivered under this name, never dropped; `data.type`
   * holds its name.
   */
  unknown: OpenAIResponseEvent<string, Record<string, unknown>>;
}

/**
 * The `resync` event of an OpenAI stream: a gap in `sequence_number`. `missing` is how many
 * events were not received (from `after` + 1 to `next` − 1); they are not recovered.
 */
export interface OpenAIGapMarker extends GapMarker {
  /** The last sequence number received before the gap. */
  after: number;
  /** The sequence number received after it. */
  next: number;
}

/** An OpenAI Responses event name. */
export type OpenAIResponseEventType = keyof OpenAIResponseEventMap;

/**
 * The body of `POST /v1/responses` (API reference, "Create a model response"): `model` and
 * `input` and anything else the API takes; `stream: true` is set by runstream.
 */
export interface OpenAIResponseCreateParams {
  /** e.g. `'gpt-5'`. */
  model: string;
  /** Text, or a list of input items. */
  input?: string | unknown[] | undefined;
  /** Run in the background: the stream can then be resumed after a drop (within about 5 minutes). */
  background?: boolean | undefined;
  /** A background response must be stored. */
  store?: boolean | undefined;
  [key: string]: unknown;
}

const outcomes = {
  'response.completed': 'completed',
  'response.incomplete': 'completed',
  'response.failed': 'failed',
  error: 'failed',
} as const;

/** The error fields of an `error` event, flat or nested. @internal */
export function openaiErrorOf(data: unknown): OpenAIErrorDetails {
  const nested = isRecord(data) && isRecord(data.error) ? data.error : undefined;
  const source = nested ?? (isRecord(data) ? data : {});
  return {
    code: typeof source.code === 'string' ? source.code : undefined,
    message: typeof source.message === 'string' ? source.message : undefined,
    type: typeof source.type === 'string' && nested ? source.type : undefined,
  };
}

/** The Response object of a lifecycle event, when it has one. @internal */
export function responseOf(data: unknown): OpenAIResponseObject | undefined {
  return isRecord(data) && isRecord(data.response) ? (data.response as unknown as OpenAIResponseObject) : undefined;
}

/** An in-stream failure: an `error` event or `response.failed`. @internal */
export function openaiFailure(event: StreamEvent): EventFailure | undefined {
  if (event.type === 'error') {
    const { code, message, type } = openaiErrorOf(event.data);
    return { message: message ?? 'error event', serverCode: code ?? type };
  }
  if (event.type === 'response.failed') {
    const response = responseOf(event.data);
    const error = response?.error ?? undefined;
    return { message: error?.message ?? 'the response failed', serverCode: error?.code, status: response?.status ?? 'failed' };
  }
  return undefined;
}

/** The outcome of `response.completed` or `response.incomplete`. @internal */
export function openaiOutcome(event: StreamEvent): Omit<OutcomeInfo, 'type'> & { type: (typeof outcomes)[keyof typeof outcomes] } {
  const type = outcomes[event.type as keyof typeof outcomes] ?? 'completed';
  const response = responseOf(event.data);
  if (event.type === 'response.incomplete') {
    return { type, serverStatus: response?.status ?? 'incomplete', message: response?.incomplete_details?.reason ?? undefined };
  }
  return { type, serverStatus: response?.status };
}

/** Every event name the map has, in the definition's order. */
const KNOWN_NAMES = [
    'response.created', 'response.in_progress', 'response.queued', 'response.completed', 'response.failed', 'response.incomplete', 'error',
    'response.output_item.added', 'response.output_item.done', 'response.content_part.added', 'response.content_part.done',
    'response.output_text.delta', 'response.output_text.done', 'response.output_text.annotation.added', 'response.refusal.delta', 'response.refusal.done',
    'response.function_call_arguments.delta', 'response.function_call_arguments.done', 'response.custom_tool_call_input.delta', 'response.custom_tool_call_input.done',
    'response.reasoning_text.delta', 'response.reasoning_text.done', 'response.reasoning_summary_part.added', 'response.reasoning_summary_part.done',
    'response.reasoning_summary_text.delta', 'response.reasoning_summary_text.done',
    'response.audio.delta', 'response.audio.done', 'response.audio.transcript.delta', 'response.audio.transcript.done',
    'response.code_interpreter_call.in_progress', 'response.code_interpreter_call.interpreting', 'response.code_interpreter_call.completed',
    'response.code_interpreter_call_code.delta', 'response.code_interpreter_call_code.done',
    'response.file_search_call.in_progress', 'response.file_search_call.searching', 'response.file_search_call.completed',
    'response.web_search_call.in_progress', 'response.web_search_call.searching', 'response.web_search_call.completed',
    'response.image_generation_call.in_progress', 'response.image_generation_call.generating', 'response.image_generation_call.partial_image',
    'response.image_generation_call.completed',
    'response.mcp_call_arguments.delta', 'response.mcp_call_arguments.done', 'response.mcp_call.in_progress', 'response.mcp_call.completed', 'response.mcp_call.failed',
    'response.mcp_list_tools.in_progress', 'response.mcp_list_tools.completed', 'response.mcp_list_tools.failed',
    'resync', 'unknown',
  ] as const;

/**
 * OpenAI Responses, described once. Named events (`event: response.output_text.delta`) whose data
 * repeats the name in `type`; no `id:` (`sequence_number` in the data instead); a POST that
 * generates, which a drop stops unless the response runs in the background. @internal
 */
export const openai = /* @__PURE__ */ definePlatform<OpenAIResponseEventMap>()({
  name: 'openai',
  title: 'OpenAI Responses',
  baseUrl: 'https://api.openai.com',
  baseUrlSource: 'its API reference ("Create a model response": `POST https://api.openai.com/v1/responses`)',
  auth: 'bearer',
  idleTimeout: 'connect',
  known: KNOWN_NAMES,
  terminal: ['response.completed', 'response.incomplete', 'response.failed', 'error'],
  outcomes,
  keepalive: [],
  keepaliveComments: [],
  lineEndings: ['\n'],
  ids: false,
  routes: {
    create: { method: 'POST', path: '/v1/responses' },
    retrieve: { method: 'GET', path: '/v1/responses/{responseId}' },
  },
  resume: 'resubscribe',
  resync: 'gap-marker',
  // An event this map does not know keeps flowing, under `unknown` (its data keeps its `type`).
  decode: (data, event) => {
    const name = event === 'message' ? (field(data, 'type') ?? event) : event;
    KNOWN ??= new Set<string>(KNOWN_NAMES);
    return { type: KNOWN.has(name) && name !== 'resync' && name !== 'unknown' ? name : 'unknown', data };
  },
  errorOf: openaiFailure,
  outcomeOf: openaiOutcome,
});

// Made on first use: a property read at module level would keep the definition in every bundle.
let KNOWN: ReadonlySet<string> | undefined;

/** What a foreground stream that drops tells the user. @internal */
export const openaiDropHint =
  'generation stopped: OpenAI stops a foreground response when its stream closes, and it cannot be streamed again; create a new response (or pass background: true to make a stream resumable)';
