/**
 * OpenAI Responses stories: the responses the reference server streams on `POST /v1/responses`,
 * as data, in the documented wire form (API reference "Streaming events"; shapes as the
 * openai-node tests and a recorded failure write them). The `input` text picks the story: it
 * names one of {@link OPENAI_STORY_NAMES}, else `completed`. Web APIs only.
 *
 * @module
 */
import type { SSEFrame } from '../../core/encode.js';

/** The stories, by the word in `input` that picks them. @internal */
export const OPENAI_STORY_NAMES = ['completed', 'failed', 'error', 'incomplete', 'cut'] as const;

/** A story's name. @internal */
export type OpenAIStoryName = (typeof OPENAI_STORY_NAMES)[number];

/** The story an `input` picks: the first story name it contains, else `completed`. @internal */
export function openaiStoryOf(input: unknown): OpenAIStoryName {
  const text = typeof input === 'string' ? input : JSON.stringify(input ?? '');
  return OPENAI_STORY_NAMES.find((name) => name !== 'completed' && text.includes(name)) ?? 'completed';
}

/** A Response object. @internal */
export function openaiResponse(id: string, status: string, background: boolean, output: unknown[] = [], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, object: 'response', created_at: 1741290958, status, background, model: 'gpt-4.1-2025-04-14', output, error: null, incomplete_details: null, usage: null, ...extra };
}

/**
 * The events of story `name` for response `id`, numbered from `sequence_number` 0; `cut` is the
 * completed story's first six events (the server then drops the connection). @internal
 */
export function openaiStoryFrames(name: OpenAIStoryName, id: string, background: boolean): SSEFrame[] {
  let n = 0;
  const frame = (type: string, data: Record<string, unknown>): SSEFrame => ({ event: type, data: { type, sequence_number: n++, ...data } });
  const itemId = `msg_${id.slice(5)}`;
  const message = (text: string, status: string) => ({ id: itemId, type: 'message', status, role: 'assistant', content: status === 'in_progress' ? [] : [{ type: 'output_text', text, annotations: [] }] });
  const part = { item_id: itemId, output_index: 0, content_index: 0 };
  const start = [
    frame('response.created', { response: openaiResponse(id, background ? 'queued' : 'in_progress', background) }),
    frame('response.in_progress', { response: openaiResponse(id, 'in_progress', background) }),
  ];
  if (name === 'failed') {
    return [
      ...start,
      frame('error', { error: { type: 'server_error', code: 'server_error', message: 'The model failed to generate a response.', param: null } }),
      frame('response.failed', { response: openaiResponse(id, 'failed', background, [], { error: { code: 'server_error', message: 'The model failed to generate a response.' } }) }),
    ];
  }
  if (name === 'error') return [...start, frame('error', { code: 'rate_limit_exceeded', message: 'Rate limit reached for requests.', param: null })];
  const text = [
    frame('response.output_item.added', { output_index: 0, item: message('', 'in_progress') }),
    frame('response.content_part.added', { ...part, part: { type: 'output_text', text: '', annotations: [] } }),
    frame('response.output_text.delta', { ...part, delta: 'Hello', logprobs: [] }),
    frame('response.output_text.delta', { ...part, delta: ' there', logprobs: [] }),
    frame('response.output_text.delta', { ...part, delta: '!', logprobs: [] }),
    frame('response.output_text.done', { ...part, text: 'Hello there!', logprobs: [] }),
    frame('response.content_part.done', { ...part, part: { type: 'output_text', text: 'Hello there!', annotations: [] } }),
  ];
  if (name === 'cut') return [...start, ...text].slice(0, 6);
  if (name === 'incomplete') {
    return [
      ...start,
      ...text,
      frame('response.output_item.done', { output_index: 0, item: message('Hello there!', 'incomplete') }),
      frame('response.incomplete', { response: openaiResponse(id, 'incomplete', background, [message('Hello there!', 'incomplete')], { incomplete_details: { reason: 'max_output_tokens' } }) }),
    ];
  }
  return [
    ...start,
    ...text,
    frame('response.output_item.done', { output_index: 0, item: message('Hello there!', 'completed') }),
    frame('response.completed', {
      response: openaiResponse(id, 'completed', background, [message('Hello there!', 'completed')], { usage: { input_tokens: 36, output_tokens: 87, total_tokens: 123 } }),
    }),
  ];
}
