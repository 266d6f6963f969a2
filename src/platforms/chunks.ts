/**
 * Text that grows by deltas, for the accumulators: appending is O(1) (amortized) and leaves
 * every earlier state as it was, so a reducer stays pure without copying the text so far.
 *
 * @module
 */

/**
 * Text received in pieces: `parts` holds the pieces, of which the first `count` belong to this
 * value (a later state may have appended more to the same array). Read it with {@link textOf}.
 */
export interface TextChunks {
  /** The pieces, shared by the states that grew from one another; only the first `count` are this value's. */
  readonly parts: readonly string[];
  /** How many of `parts` this value holds. */
  readonly count: number;
}

/** No text yet. @internal */
export const NO_TEXT: TextChunks = /* @__PURE__ */ Object.freeze({ parts: [], count: 0 });

/**
 * `chunks` with `text` appended: pushed onto the shared array when this value is its newest
 * state, else onto a copy (an older state grows apart without changing the newer one). @internal
 */
export function appendText(chunks: TextChunks, text: string): TextChunks {
  if (!text) return chunks;
  const parts = chunks.count === chunks.parts.length && !Object.isFrozen(chunks.parts) ? (chunks.parts as string[]) : chunks.parts.slice(0, chunks.count);
  parts.push(text);
  return { parts, count: chunks.count + 1 };
}

/**
 * The text of `chunks`, joined.
 *
 * @example
 * ```ts
 * import { accumulateAnthropicMessage, initialAnthropicMessage, textOf } from 'runstream';
 *
 * const state = accumulateAnthropicMessage(initialAnthropicMessage, {
 *   type: 'content_block_delta',
 *   data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } },
 *   id: '',
 *   raw: '',
 * });
 * console.log(textOf(state.blocks[0]!.text)); // 'Hi'
 * ```
 */
export function textOf(chunks: TextChunks): string {
  return chunks.count === chunks.parts.length ? chunks.parts.join('') : chunks.parts.slice(0, chunks.count).join('');
}
