/**
 * The documented wire forms of OpenAI Responses and Anthropic Messages streams, as text: what
 * the tests serve from a real socket on 127.0.0.1 and from msw. Sources: OpenAI API reference
 * "Streaming events" as the openai-node tests write it (openai 6.49.0 types), a recorded
 * in-stream failure (prism-php `stream-unknown-error-responses-1.json`), and the fixtures of
 * anthropic-sdk-typescript (`tests/lib/fixtures/basic_response.txt`, `tool_use_response.txt`,
 * the `overloaded_error` of `tests/streaming.test.ts`) = Anthropic's "Streaming Messages" page.
 */

/** One named event block, as both APIs write it: `event:` then `data:`, a blank line. */
export function block(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

export const RESPONSE_ID = 'resp_67c9fdcecf488190bdd9a0409de3a1ec07b8b0ad4e5eb654';
const MESSAGE_ID = 'msg_67c9fdcf37fc8190ba82116e33fb28c507b8b0ad4e5eb654';

/** A Response object in `status`, with `output`. */
export function response(status: string, output: unknown[] = [], extra: Record<string, unknown> = {}, id = RESPONSE_ID, background = false): Record<string, unknown> {
  return { id, object: 'response', created_at: 1741290958, status, background, model: 'gpt-4.1-2025-04-14', output, error: null, incomplete_details: null, usage: null, ...extra };
}

const message = (text: string, status = 'completed') => ({
  id: MESSAGE_ID,
  type: 'message',
  status,
  role: 'assistant',
  content: status === 'in_progress' ? [] : [{ type: 'output_text', text, annotations: [] }],
});

/** The events of a text response saying `Hello there!`, from `sequence_number` 0, each a block. */
export function openaiTextEvents(id = RESPONSE_ID, background = false): string[] {
  let n = 0;
  const e = (type: string, data: Record<string, unknown>) => block(type, { type, sequence_number: n++, ...data });
  const part = { item_id: MESSAGE_ID, output_index: 0, content_index: 0 };
  return [
    e('response.created', { response: response(background ? 'queued' : 'in_progress', [], {}, id, background) }),
    e('response.in_progress', { response: response('in_progress', [], {}, id, background) }),
    e('response.output_item.added', { output_index: 0, item: message('', 'in_progress') }),
    e('response.content_part.added', { ...part, part: { type: 'output_text', text: '', annotations: [] } }),
    e('response.output_text.delta', { ...part, delta: 'Hello', logprobs: [] }),
    e('response.output_text.delta', { ...part, delta: ' there', logprobs: [] }),
    e('response.output_text.delta', { ...part, delta: '!', logprobs: [] }),
    e('response.output_text.done', { ...part, text: 'Hello there!', logprobs: [] }),
    e('response.content_part.done', { ...part, part: { type: 'output_text', text: 'Hello there!', annotations: [] } }),
    e('response.output_item.done', { output_index: 0, item: message('Hello there!') }),
    e('response.completed', {
      response: response('completed', [message('Hello there!')], { usage: { input_tokens: 36, output_tokens: 87, total_tokens: 123 } }, id, background),
    }),
  ];
}

/** A function call: `get_weather` with `{"location":"Paris"}` in two deltas, then completed. */
export function openaiToolEvents(): string[] {
  let n = 0;
  const e = (type: string, data: Record<string, unknown>) => block(type, { type, sequence_number: n++, ...data });
  const call = { id: 'fc_1', type: 'function_call', status: 'in_progress', name: 'get_weather', call_id: 'call_1', arguments: '' };
  return [
    e('response.created', { response: response('in_progress') }),
    e('response.output_item.added', { output_index: 0, item: call }),
    e('response.function_call_arguments.delta', { item_id: 'fc_1', output_index: 0, delta: '{"location":' }),
    e('response.function_call_arguments.delta', { item_id: 'fc_1', output_index: 0, delta: '"Paris"}' }),
    e('response.function_call_arguments.done', { item_id: 'fc_1', output_index: 0, name: 'get_weather', arguments: '{"location":"Paris"}' }),
    e('response.output_item.done', { output_index: 0, item: { ...call, status: 'completed', arguments: '{"location":"Paris"}' } }),
    e('response.completed', { response: response('completed', [{ ...call, status: 'completed', arguments: '{"location":"Paris"}' }]) }),
  ];
}

/** The recorded in-stream failure: a nested `error`, then `response.failed`. */
export const OPENAI_NESTED_ERROR = [
  block('response.created', { type: 'response.created', sequence_number: 0, response: response('in_progress') }),
  block('response.in_progress', { type: 'response.in_progress', sequence_number: 1, response: response('in_progress') }),
  block('error', { type: 'error', sequence_number: 2, error: { type: 'invalid_request_error', code: 'unknown-error', message: 'Foobar', param: null } }),
  block('response.failed', {
    type: 'response.failed',
    sequence_number: 3,
    response: response('failed', [], { error: { code: 'rate_limit_exceeded', message: 'Rate limit reached' } }),
  }),
];

/** The documented flat `error` event (`ResponseErrorEvent`). */
export const OPENAI_FLAT_ERROR = [
  block('response.created', { type: 'response.created', sequence_number: 0, response: response('in_progress') }),
  block('error', { type: 'error', sequence_number: 1, code: 'server_error', message: 'The server had an error while processing your request.', param: null }),
];

/** `response.failed` alone. */
export const OPENAI_FAILED = [
  block('response.created', { type: 'response.created', sequence_number: 0, response: response('in_progress') }),
  block('response.failed', {
    type: 'response.failed',
    sequence_number: 1,
    response: response('failed', [], { error: { code: 'server_error', message: 'The model failed to generate a response.' } }),
  }),
];

/** `response.incomplete` for `max_output_tokens`. */
export const OPENAI_INCOMPLETE = [
  block('response.created', { type: 'response.created', sequence_number: 0, response: response('in_progress') }),
  block('response.incomplete', {
    type: 'response.incomplete',
    sequence_number: 1,
    response: response('incomplete', [], { incomplete_details: { reason: 'max_output_tokens' } }),
  }),
];

/** The "Basic streaming request" of Anthropic's "Streaming Messages" page, byte for byte. */
export const ANTHROPIC_BASIC = [
  'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_4QpJur2dWWDjF6C758FbBw5vm12BaVipnK","type":"message","role":"assistant","content":[],"model":"claude-opus-4-8","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":11,"output_tokens":1}}}\n\n',
  'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
  'event: ping\ndata: {"type": "ping"}\n\n',
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}\n\n',
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" there"}}\n\n',
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"!"}}\n\n',
  'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n',
  'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":6}}\n\n',
  'event: message_stop\ndata: {"type":"message_stop"}\n\n',
];

/** A tool use (the SDK's `tool_use_response.txt`, shortened): text, then `get_weather` with input in pieces. */
export const ANTHROPIC_TOOL_USE = [
  ANTHROPIC_BASIC[0]!,
  'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Let me check."}}\n\n',
  'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n',
  'event: content_block_start\ndata: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"get_weather","input":{}}}\n\n',
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}\n\n',
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"locati"}}\n\n',
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"on\\": \\"San Francisco, CA\\"}"}}\n\n',
  'event: content_block_stop\ndata: {"type":"content_block_stop","index":1}\n\n',
  'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":89}}\n\n',
  'event: message_stop\ndata: {"type":"message_stop"}\n\n',
];

/** An `overloaded_error` inside the 200 stream ("Error events"). */
export const ANTHROPIC_OVERLOADED = [
  ANTHROPIC_BASIC[0]!,
  ANTHROPIC_BASIC[1]!,
  'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
];
