/**
 * Anthropic Messages stories: the messages the reference server streams on `POST /v1/messages`,
 * as data, in the documented wire form ("Streaming Messages": the basic request, a tool use, an
 * `overloaded_error`). The text of the last user message picks the story: it names one of
 * {@link ANTHROPIC_STORY_NAMES}, else `completed`. Web APIs only.
 *
 * @module
 */
import type { SSEFrame } from '../../core/encode.js';

/** The stories, by the word that picks them. @internal */
export const ANTHROPIC_STORY_NAMES = ['completed', 'tool', 'overloaded', 'cut'] as const;

/** A story's name. @internal */
export type AnthropicStoryName = (typeof ANTHROPIC_STORY_NAMES)[number];

/** The story a request body picks, from its last message's content. @internal */
export function anthropicStoryOf(body: unknown): AnthropicStoryName {
  const messages = (body as { messages?: unknown } | undefined)?.messages;
  const last = Array.isArray(messages) ? (messages.at(-1) as { content?: unknown } | undefined) : undefined;
  const text = typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content ?? '');
  return ANTHROPIC_STORY_NAMES.find((name) => name !== 'completed' && text.includes(name)) ?? 'completed';
}

const e = (type: string, data: Record<string, unknown> = {}): SSEFrame => ({ event: type, data: { type, ...data } });

/** The events of story `name` for message `id`; `cut` ends before `message_delta` and `message_stop`. @internal */
export function anthropicStoryFrames(name: AnthropicStoryName, id: string, model: string): SSEFrame[] {
  const start = e('message_start', {
    message: { id, type: 'message', role: 'assistant', content: [], model, stop_reason: null, stop_sequence: null, usage: { input_tokens: 11, output_tokens: 1 } },
  });
  const text = (index: number, pieces: readonly string[]) => [
    e('content_block_start', { index, content_block: { type: 'text', text: '' } }),
    ...pieces.map((piece) => e('content_block_delta', { index, delta: { type: 'text_delta', text: piece } })),
    e('content_block_stop', { index }),
  ];
  const end = (reason: string, tokens: number) => [e('message_delta', { delta: { stop_reason: reason, stop_sequence: null }, usage: { output_tokens: tokens } }), e('message_stop')];
  switch (name) {
    case 'overloaded':
      return [start, e('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }), e('error', { error: { type: 'overloaded_error', message: 'Overloaded' } })];
    case 'cut':
      return [start, ...text(0, ['Hello', ' there'])];
    case 'tool':
      return [
        start,
        ...text(0, ['Let me check.']),
        e('content_block_start', { index: 1, content_block: { type: 'tool_use', id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', input: {} } }),
        e('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '' } }),
        e('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '{"locati' } }),
        e('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: 'on": "San Francisco, CA"}' } }),
        e('content_block_stop', { index: 1 }),
        ...end('tool_use', 89),
      ];
    default:
      return [start, e('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }), e('ping'), ...text(0, ['Hello', ' there', '!']).slice(1), ...end('end_turn', 6)];
  }
}
