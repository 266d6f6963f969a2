/**
 * The OpenAI Responses accumulator: output items by `output_index`, text by `item_id` +
 * `content_index`, function-call arguments (parsed at `.done`), and the final Response, folded
 * from a stream's events by a pure reducer (usable in `for await` and as `useEventStream`'s
 * `reduce`).
 *
 * @module
 */
import { isRecord } from '../../core/errors.js';
import type { EventOf } from '../../core/types.js';
import { appendText, NO_TEXT, textOf, type TextChunks } from '../chunks.js';
import { openaiErrorOf, type OpenAIErrorDetails, type OpenAIOutputItem, type OpenAIResponseEventMap, type OpenAIResponseObject, type OpenAIResponseStatus } from './definition.js';

/** One content part of an output item, as accumulated (`content_index` is its place). */
export interface OpenAIPartState {
  /** `'output_text'`, `'refusal'`, `'reasoning_text'`. */
  readonly type: string;
  /** Its text so far (`output_text.delta`, `refusal.delta`, `reasoning_text.delta`); read with `textOf`. */
  readonly text: TextChunks;
  /** Annotations added (`output_text.annotation.added`), in order. */
  readonly annotations: readonly unknown[];
  /** Whether its `.done` event came (the text is then the server's whole text). */
  readonly done: boolean;
}

/** One output item, as accumulated (`output_index` is its place). */
export interface OpenAIItemState {
  /** The item: as `output_item.added` gave it, replaced by `output_item.done`'s complete one. */
  readonly item: OpenAIOutputItem;
  /** Its content parts, by `content_index`. */
  readonly parts: readonly OpenAIPartState[];
  /**
   * For a `function_call`, `mcp_call` or `custom_tool_call`: its arguments (or input) so far, a
   * JSON text for the first two; read with `textOf`.
   */
  readonly arguments: TextChunks;
  /**
   * The arguments parsed at `function_call_arguments.done` (or `mcp_call_arguments.done`);
   * `undefined` before, or when they are not JSON (then {@link OpenAIItemState.argumentsError}).
   */
  readonly parsedArguments?: unknown;
  /** Why the arguments did not parse, e.g. `'Unexpected end of JSON input'`. */
  readonly argumentsError?: string | undefined;
  /** Whether its `output_item.done` came. */
  readonly done: boolean;
}

/** A Responses stream folded: see {@link accumulateOpenAIResponse}. */
export interface OpenAIResponseState {
  /** The last Response object a lifecycle event carried: the final one after `response.completed` / `.failed` / `.incomplete`. */
  readonly response: OpenAIResponseObject | undefined;
  /** The response's status, from its lifecycle events (`'failed'` after an `error` event). */
  readonly status: OpenAIResponseStatus | undefined;
  /** Output items, by `output_index`. */
  readonly items: readonly OpenAIItemState[];
  /** The error of an `error` event or of `response.failed`. */
  readonly error: OpenAIErrorDetails | undefined;
  /** The last `sequence_number` folded. */
  readonly sequence: number | undefined;
}

/** The state before any event. */
export const initialOpenAIResponse: OpenAIResponseState = /* @__PURE__ */ Object.freeze({
  response: undefined,
  status: undefined,
  items: [],
  error: undefined,
  sequence: undefined,
});

const NO_PART: OpenAIPartState = { type: 'output_text', text: NO_TEXT, annotations: [], done: false };

/** `list` with `index` set to `value` (holes filled by `fill`). */
function setAt<T>(list: readonly T[], index: number, value: T, fill: T): T[] {
  const next = list.slice();
  while (next.length < index) next.push(fill);
  next[index] = value;
  return next;
}

/** The place of the item an event names: by `item_id`, else its `output_index`. */
function itemIndex(state: OpenAIResponseState, data: { item_id?: string; output_index?: number }): number {
  const byId = data.item_id === undefined ? -1 : state.items.findIndex((entry) => entry.item.id === data.item_id);
  return byId >= 0 ? byId : typeof data.output_index === 'number' ? data.output_index : state.items.length;
}

function updateItem(state: OpenAIResponseState, data: { item_id?: string; output_index?: number }, change: (item: OpenAIItemState) => OpenAIItemState): OpenAIResponseState {
  const index = itemIndex(state, data);
  const current = state.items[index] ?? { item: { type: 'unknown', id: data.item_id }, parts: [], arguments: NO_TEXT, done: false };
  const empty: OpenAIItemState = { item: { type: 'unknown' }, parts: [], arguments: NO_TEXT, done: false };
  return { ...state, items: setAt(state.items, index, change(current), empty) };
}

function updatePart(state: OpenAIResponseState, data: { item_id: string; output_index: number; content_index: number }, change: (part: OpenAIPartState) => OpenAIPartState): OpenAIResponseState {
  return updateItem(state, data, (item) => ({ ...item, parts: setAt(item.parts, data.content_index, change(item.parts[data.content_index] ?? NO_PART), NO_PART) }));
}

function parsed(text: string): { parsedArguments?: unknown; argumentsError?: string | undefined } {
  try {
    return { parsedArguments: JSON.parse(text) as unknown, argumentsError: undefined };
  } catch (error) {
    return { parsedArguments: undefined, argumentsError: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Folds one event of an OpenAI Responses stream into `state`; pure (returns a new state, never
 * changes `state`). Output items by `output_index` (`output_item.added`/`.done`), content
 * text by `item_id` + `content_index` (`output_text`, `refusal`, `reasoning_text` deltas; the
 * `.done` text replaces the deltas), function-call arguments (`function_call_arguments.delta`,
 * parsed at `.done`), the final Response from the terminal lifecycle event, the error of an
 * `error` event. Other events (tool progress, `resync`, `unknown`) leave it as it is.
 *
 * @example
 * ```ts
 * import { OpenAIResponses, accumulateOpenAIResponse, initialOpenAIResponse, openaiOutputText } from 'runstream';
 *
 * const client = new OpenAIResponses({ apiKey: process.env.OPENAI_API_KEY });
 * let state = initialOpenAIResponse;
 * for await (const event of client.responses.stream({ model: 'gpt-5', input: 'Say hello' })) {
 *   state = accumulateOpenAIResponse(state, event);
 * }
 * console.log(openaiOutputText(state), state.response?.usage);
 * ```
 *
 * @param state - the state so far ({@link initialOpenAIResponse} at first).
 * @param event - the next event.
 * @returns the new state.
 */
export function accumulateOpenAIResponse(state: OpenAIResponseState, event: EventOf<OpenAIResponseEventMap>): OpenAIResponseState {
  const data = event.data as Record<string, unknown>;
  if (!isRecord(data)) return state;
  const sequence = typeof data.sequence_number === 'number' ? data.sequence_number : state.sequence;
  const next = fold({ ...state, sequence }, event);
  return next;
}

function fold(state: OpenAIResponseState, event: EventOf<OpenAIResponseEventMap>): OpenAIResponseState {
  switch (event.type) {
    case 'response.created':
    case 'response.in_progress':
    case 'response.queued':
    case 'response.completed':
    case 'response.failed':
    case 'response.incomplete': {
      const response = event.data.response;
      if (!isRecord(response)) return state;
      const error = response.error ? { code: response.error.code, message: response.error.message } : state.error;
      return { ...state, response, status: response.status ?? state.status, error };
    }
    case 'error':
      return { ...state, status: 'failed', error: openaiErrorOf(event.data) };
    case 'response.output_item.added':
    case 'response.output_item.done': {
      const { item, output_index } = event.data;
      const done = event.type === 'response.output_item.done';
      const empty: OpenAIItemState = { item: { type: 'unknown' }, parts: [], arguments: NO_TEXT, done: false };
      const current = state.items[output_index] ?? { ...empty, item };
      return { ...state, items: setAt(state.items, output_index, { ...current, item, done }, empty) };
    }
    case 'response.content_part.added':
    case 'response.content_part.done': {
      const { part } = event.data;
      const done = event.type === 'response.content_part.done';
      const text = part.text ?? part.refusal;
      return updatePart(state, event.data, (current) => ({ ...current, type: part.type, done, text: done && typeof text === 'string' ? appendText(NO_TEXT, text) : current.text }));
    }
    case 'response.output_text.delta':
    case 'response.refusal.delta':
    case 'response.reasoning_text.delta': {
      const { delta } = event.data;
      return updatePart(state, event.data, (part) => ({ ...part, text: appendText(part.text, delta) }));
    }
    case 'response.output_text.done':
    case 'response.reasoning_text.done':
      return updatePart(state, event.data, (part) => ({ ...part, text: appendText(NO_TEXT, event.data.text) }));
    case 'response.refusal.done':
      return updatePart(state, event.data, (part) => ({ ...part, type: 'refusal', text: appendText(NO_TEXT, event.data.refusal) }));
    case 'response.output_text.annotation.added': {
      const { annotation } = event.data;
      return updatePart(state, event.data, (part) => ({ ...part, annotations: [...part.annotations, annotation] }));
    }
    case 'response.function_call_arguments.delta':
    case 'response.mcp_call_arguments.delta':
    case 'response.custom_tool_call_input.delta': {
      const { delta } = event.data;
      return updateItem(state, event.data, (item) => ({ ...item, arguments: appendText(item.arguments, delta) }));
    }
    case 'response.function_call_arguments.done':
    case 'response.mcp_call_arguments.done': {
      const text = event.data.arguments;
      return updateItem(state, event.data, (item) => ({ ...item, arguments: appendText(NO_TEXT, text), ...parsed(text) }));
    }
    case 'response.custom_tool_call_input.done': {
      const text = event.data.input;
      return updateItem(state, event.data, (item) => ({ ...item, arguments: appendText(NO_TEXT, text) }));
    }
    default:
      return state;
  }
}

/**
 * The text of the response so far: every `output_text` part of its `message` items, in order.
 *
 * @param state - a folded state.
 */
export function openaiOutputText(state: OpenAIResponseState): string {
  let text = '';
  for (const entry of state.items) {
    if (!entry || entry.item.type !== 'message') continue;
    for (const part of entry.parts) if (part && part.type === 'output_text') text += textOf(part.text);
  }
  return text;
}

/** A function call of the response, as {@link openaiFunctionCalls} lists it. */
export interface OpenAIFunctionCall {
  /** The output item's id. */
  itemId: string | undefined;
  /** The id to answer with a `function_call_output`. */
  callId: string | undefined;
  name: string | undefined;
  /** The arguments' JSON text so far. */
  arguments: string;
  /** Parsed once `function_call_arguments.done` came; see {@link OpenAIItemState.parsedArguments}. */
  parsedArguments: unknown;
  /** Whether `function_call_arguments.done` (or `output_item.done`) came. */
  done: boolean;
}

/**
 * The function calls of the response so far, in output order.
 *
 * @param state - a folded state.
 */
export function openaiFunctionCalls(state: OpenAIResponseState): OpenAIFunctionCall[] {
  return state.items
    .filter((entry) => entry && entry.item.type === 'function_call')
    .map((entry) => ({
      itemId: entry.item.id ?? undefined,
      callId: entry.item.call_id ?? undefined,
      name: entry.item.name ?? undefined,
      arguments: textOf(entry.arguments),
      parsedArguments: entry.parsedArguments,
      done: entry.done || 'parsedArguments' in entry,
    }));
}
