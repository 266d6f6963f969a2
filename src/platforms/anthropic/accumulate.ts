/**
 * The Anthropic Messages accumulator: content blocks by `index` (text, tool input JSON parsed
 * at `content_block_stop`, thinking, signature, citations), `stop_reason` and usage, folded
 * from a stream's events by a pure reducer (usable in `for await` and as `useEventStream`'s
 * `reduce`).
 *
 * @module
 */
import { isRecord } from '../../core/errors.js';
import type { EventOf } from '../../core/types.js';
import { appendText, NO_TEXT, textOf, type TextChunks } from '../chunks.js';
import type { AnthropicContentBlock, AnthropicErrorObject, AnthropicMessage, AnthropicMessageEventMap, AnthropicStopReason, AnthropicUsage } from './definition.js';

/** One content block, as accumulated (`index` is its place). */
export interface AnthropicBlockState {
  /** The block as `content_block_start` opened it. */
  readonly block: AnthropicContentBlock;
  /** Its text (`text_delta`) or thinking (`thinking_delta`) so far; read with `textOf`. */
  readonly text: TextChunks;
  /** Its tool input JSON text so far (`input_json_delta`; the first piece may be `""`). */
  readonly json: TextChunks;
  /**
   * The tool input parsed at `content_block_stop` (`{}` for an empty text); `undefined` before,
   * or when it is not JSON (then {@link AnthropicBlockState.inputError}).
   */
  readonly input?: unknown;
  /** Why the tool input did not parse. */
  readonly inputError?: string | undefined;
  /** A thinking block's signature (`signature_delta`). */
  readonly signature: string | undefined;
  /** Citations (`citations_delta`), in order. */
  readonly citations: readonly unknown[];
  /** Whether its `content_block_stop` came. */
  readonly done: boolean;
}

/** A Messages stream folded: see {@link accumulateAnthropicMessage}. */
export interface AnthropicMessageState {
  /** The Message of `message_start` (its `content` stays empty: the blocks are {@link AnthropicMessageState.blocks}). */
  readonly message: AnthropicMessage | undefined;
  /** Content blocks, by `index`. */
  readonly blocks: readonly AnthropicBlockState[];
  /** The last `message_delta` `stop_reason`. */
  readonly stopReason: AnthropicStopReason | null | undefined;
  readonly stopSequence: string | null | undefined;
  /** Usage: `message_start`'s, then each `message_delta`'s cumulative counts merged over it. */
  readonly usage: AnthropicUsage | undefined;
  /** The error of an `error` event. */
  readonly error: AnthropicErrorObject | undefined;
  /** Whether `message_stop` came. */
  readonly done: boolean;
}

/** The state before any event. */
export const initialAnthropicMessage: AnthropicMessageState = /* @__PURE__ */ Object.freeze({
  message: undefined,
  blocks: [],
  stopReason: undefined,
  stopSequence: undefined,
  usage: undefined,
  error: undefined,
  done: false,
});

const EMPTY: AnthropicBlockState = { block: { type: 'unknown' }, text: NO_TEXT, json: NO_TEXT, signature: undefined, citations: [], done: false };

function updateBlock(state: AnthropicMessageState, index: number, change: (block: AnthropicBlockState) => AnthropicBlockState): AnthropicMessageState {
  const blocks = state.blocks.slice();
  while (blocks.length < index) blocks.push(EMPTY);
  blocks[index] = change(state.blocks[index] ?? EMPTY);
  return { ...state, blocks };
}

/**
 * Folds one event of an Anthropic Messages stream into `state`; pure (returns a new state,
 * never changes `state`). Blocks by `index`: `text_delta` and `thinking_delta` into `text`,
 * `input_json_delta` into `json` (parsed into `input` at `content_block_stop`),
 * `signature_delta`, `citations_delta`; `stop_reason`, `stop_sequence` and usage from
 * `message_delta`; `error`; `message_stop` sets `done`.
 *
 * @example
 * ```ts
 * import { AnthropicMessages, accumulateAnthropicMessage, anthropicText, initialAnthropicMessage } from 'runstream';
 *
 * const client = new AnthropicMessages({ apiKey: process.env.ANTHROPIC_API_KEY });
 * let state = initialAnthropicMessage;
 * for await (const event of client.messages.stream({ model: 'claude-opus-4-1', max_tokens: 1024, messages: [{ role: 'user', content: 'Hello' }] })) {
 *   state = accumulateAnthropicMessage(state, event);
 * }
 * console.log(anthropicText(state), state.stopReason, state.usage?.output_tokens);
 * ```
 *
 * @param state - the state so far ({@link initialAnthropicMessage} at first).
 * @param event - the next event.
 * @returns the new state.
 */
export function accumulateAnthropicMessage(state: AnthropicMessageState, event: EventOf<AnthropicMessageEventMap>): AnthropicMessageState {
  if (!isRecord(event.data)) return state;
  switch (event.type) {
    case 'message_start': {
      const message = event.data.message;
      return { ...state, message, usage: message.usage, stopReason: message.stop_reason, stopSequence: message.stop_sequence };
    }
    case 'content_block_start': {
      const block = event.data.content_block;
      const text = typeof block.text === 'string' ? block.text : typeof block.thinking === 'string' ? block.thinking : '';
      return updateBlock(state, event.data.index, () => ({ ...EMPTY, block, text: appendText(NO_TEXT, text) }));
    }
    case 'content_block_delta': {
      const delta = event.data.delta;
      return updateBlock(state, event.data.index, (block) => {
        switch (delta.type) {
          case 'text_delta':
            return { ...block, text: appendText(block.text, delta.text) };
          case 'thinking_delta':
            return { ...block, text: appendText(block.text, delta.thinking) };
          case 'input_json_delta':
            return { ...block, json: appendText(block.json, delta.partial_json) };
          case 'signature_delta':
            return { ...block, signature: (block.signature ?? '') + delta.signature };
          case 'citations_delta':
            return { ...block, citations: [...block.citations, delta.citation] };
          default:
            return block;
        }
      });
    }
    case 'content_block_stop':
      return updateBlock(state, event.data.index, (block) => {
        if (block.block.type !== 'tool_use' && block.block.type !== 'server_tool_use' && !block.json.count) return { ...block, done: true };
        const text = textOf(block.json);
        try {
          return { ...block, done: true, input: text ? (JSON.parse(text) as unknown) : (block.block.input ?? {}), inputError: undefined };
        } catch (error) {
          return { ...block, done: true, input: undefined, inputError: error instanceof Error ? error.message : String(error) };
        }
      });
    case 'message_delta': {
      const { delta, usage } = event.data;
      return { ...state, stopReason: delta.stop_reason, stopSequence: delta.stop_sequence, usage: { ...state.usage, ...usage } };
    }
    case 'message_stop':
      return { ...state, done: true };
    case 'error':
      return { ...state, error: event.data.error };
    default:
      return state;
  }
}

/**
 * The message's text so far: its `text` blocks, in order (thinking left out).
 *
 * @param state - a folded state.
 */
export function anthropicText(state: AnthropicMessageState): string {
  let text = '';
  for (const block of state.blocks) if (block && block.block.type === 'text') text += textOf(block.text);
  return text;
}
