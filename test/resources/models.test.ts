// OpenAI Responses and Anthropic Messages through msw: the request each sends (method, path,
// body with `stream: true`, auth headers), the accumulators as pure reducers, and the keys that
// must not leak into errors.
import { describe, expect, it } from 'vitest';
import {
  accumulateAnthropicMessage,
  accumulateOpenAIResponse,
  AnthropicMessages,
  initialAnthropicMessage,
  initialOpenAIResponse,
  OpenAIResponses,
  openaiOutputText,
  textOf,
  type AnthropicMessageEventMap,
  type EventOf,
  type OpenAIResponseEventMap,
} from '../../src/index.js';
import { BASE, useMsw } from '../helpers/msw.js';
import { ANTHROPIC_BASIC, ANTHROPIC_OVERLOADED, OPENAI_NESTED_ERROR, openaiTextEvents } from '../platforms/model-transcripts.js';
import { serveOnce } from './support.js';

useMsw();

/** The events of a transcript, parsed as the stream would name them. */
function eventsOf<Map extends object>(blocks: readonly string[]): EventOf<Map>[] {
  return blocks
    .map((text) => /^event: (.*)\ndata: (.*)\n\n$/.exec(text)!)
    .filter(([, type]) => type !== 'ping')
    .map(([raw, type, data]) => ({ type, data: JSON.parse(data!) as unknown, id: '', raw }) as unknown as EventOf<Map>);
}

describe('OpenAIResponses.responses.stream (msw)', () => {
  it('POSTs { ...params, stream: true } to /v1/responses with Bearer auth and reads the stream to response.completed', async () => {
    const log = serveOnce('post', `${BASE}/v1/responses`, openaiTextEvents());
    const client = new OpenAIResponses({ baseUrl: BASE, apiKey: 'sk-secret-openai' });
    const seen: string[] = [];
    const stream = client.responses.stream({ model: 'gpt-4.1', input: 'Say hello', background: false });
    for await (const event of stream) seen.push(event.type);
    const request = log.only();
    expect([request.method, request.url.pathname]).toEqual(['POST', '/v1/responses']);
    expect(JSON.parse(request.body)).toEqual({ model: 'gpt-4.1', input: 'Say hello', background: false, stream: true });
    expect(request.headers.get('authorization')).toBe('Bearer sk-secret-openai');
    expect(request.headers.get('accept')).toBe('text/event-stream');
    expect(seen.at(-1)).toBe('response.completed');
    expect(stream.outcome?.type).toBe('completed');
  });

  it('keeps the API key out of the in-stream error', async () => {
    serveOnce('post', `${BASE}/v1/responses`, OPENAI_NESTED_ERROR);
    const client = new OpenAIResponses({ baseUrl: BASE, apiKey: 'sk-secret-openai' });
    const error = await client.responses.stream({ model: 'gpt-4.1', input: 'x' }).finished.catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'StreamError', serverCode: 'unknown-error' });
    expect(JSON.stringify(error) + String(error)).not.toContain('sk-secret-openai');
  });

  it('OpenAIResponses.baseUrl is the API reference URL', () => {
    expect(OpenAIResponses.baseUrl).toBe('https://api.openai.com');
    expect(new OpenAIResponses().baseUrl).toBe('https://api.openai.com');
  });
});

describe('AnthropicMessages.messages.stream (msw)', () => {
  it('POSTs { ...params, stream: true } to /v1/messages with x-api-key and anthropic-version', async () => {
    const log = serveOnce('post', `${BASE}/v1/messages`, ANTHROPIC_BASIC);
    const client = new AnthropicMessages({ baseUrl: BASE, apiKey: 'sk-ant-secret' });
    const params = { model: 'claude-opus-4-1', max_tokens: 1024, messages: [{ role: 'user' as const, content: 'Hello' }] };
    const stream = client.messages.stream(params);
    await stream.finished;
    const request = log.only();
    expect([request.method, request.url.pathname]).toEqual(['POST', '/v1/messages']);
    expect(JSON.parse(request.body)).toEqual({ ...params, stream: true });
    expect(request.headers.get('x-api-key')).toBe('sk-ant-secret');
    expect(request.headers.get('anthropic-version')).toBe('2023-06-01');
    expect(stream.outcome).toMatchObject({ type: 'completed', serverStatus: 'end_turn' });
  });

  it('keeps the API key out of the in-stream error', async () => {
    serveOnce('post', `${BASE}/v1/messages`, ANTHROPIC_OVERLOADED);
    const client = new AnthropicMessages({ baseUrl: BASE, apiKey: 'sk-ant-secret' });
    const error = await client.messages.stream({ model: 'm', max_tokens: 1, messages: [] }).finished.catch((caught: unknown) => caught);
    expect(error).toMatchObject({ serverCode: 'overloaded_error' });
    expect(JSON.stringify(error) + String(error)).not.toContain('sk-ant-secret');
  });

  it('AnthropicMessages.baseUrl is the API reference URL', () => {
    expect(AnthropicMessages.baseUrl).toBe('https://api.anthropic.com');
  });
});

describe('accumulators', () => {
  it('OpenAI: pure — every earlier state keeps its text while later ones grow, also when an older state is folded again', () => {
    const events = eventsOf<OpenAIResponseEventMap>(openaiTextEvents());
    const states = [initialOpenAIResponse];
    for (const event of events) states.push(accumulateOpenAIResponse(states.at(-1)!, event));
    expect(states.map(openaiOutputText)).toEqual(['', '', '', '', '', 'Hello', 'Hello there', 'Hello there!', 'Hello there!', 'Hello there!', 'Hello there!', 'Hello there!']);
    // Fold a different delta onto the state after "Hello": the newer states do not change.
    const fork = accumulateOpenAIResponse(states[5]!, { ...events[5]!, data: { ...(events[5]!.data as object), delta: ' world' } } as EventOf<OpenAIResponseEventMap>);
    expect(openaiOutputText(fork)).toBe('Hello world');
    expect(openaiOutputText(states[6]!)).toBe('Hello there');
    expect(openaiOutputText(states[5]!)).toBe('Hello');
    expect(states.at(-1)!.response?.status).toBe('completed');
    expect(initialOpenAIResponse.items).toEqual([]);
  });

  it('OpenAI: records the error of an error event, in either shape', () => {
    const [created, , , ] = eventsOf<OpenAIResponseEventMap>(OPENAI_NESTED_ERROR);
    let state = accumulateOpenAIResponse(initialOpenAIResponse, created!);
    state = accumulateOpenAIResponse(state, { type: 'error', data: { type: 'error', sequence_number: 1, code: 'server_error', message: 'boom', param: null }, id: '', raw: '' });
    expect(state).toMatchObject({ status: 'failed', error: { code: 'server_error', message: 'boom' }, sequence: 1 });
  });

  it('Anthropic: text, a tool input that is not JSON reported (not thrown), thinking with its signature', () => {
    const events = eventsOf<AnthropicMessageEventMap>(ANTHROPIC_BASIC);
    let state = initialAnthropicMessage;
    for (const event of events) state = accumulateAnthropicMessage(state, event);
    expect(textOf(state.blocks[0]!.text)).toBe('Hello there!');
    const more: EventOf<AnthropicMessageEventMap>[] = [
      { type: 'content_block_start', data: { type: 'content_block_start', index: 1, content_block: { type: 'thinking', thinking: '' } }, id: '', raw: '' },
      { type: 'content_block_delta', data: { type: 'content_block_delta', index: 1, delta: { type: 'thinking_delta', thinking: 'Hmm.' } }, id: '', raw: '' },
      { type: 'content_block_delta', data: { type: 'content_block_delta', index: 1, delta: { type: 'signature_delta', signature: 'EqQB' } }, id: '', raw: '' },
      { type: 'content_block_stop', data: { type: 'content_block_stop', index: 1 }, id: '', raw: '' },
      { type: 'content_block_start', data: { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 't', name: 'f', input: {} } }, id: '', raw: '' },
      { type: 'content_block_delta', data: { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"a":' } }, id: '', raw: '' },
      { type: 'content_block_stop', data: { type: 'content_block_stop', index: 2 }, id: '', raw: '' },
    ];
    for (const event of more) state = accumulateAnthropicMessage(state, event);
    expect(state.blocks[1]).toMatchObject({ signature: 'EqQB', done: true });
    expect(textOf(state.blocks[1]!.text)).toBe('Hmm.');
    expect(state.blocks[2]).toMatchObject({ input: undefined, done: true });
    expect(state.blocks[2]!.inputError).toMatch(/JSON/);
  });

  it('Anthropic: a tool_use with no input deltas is its start input', () => {
    let state = accumulateAnthropicMessage(initialAnthropicMessage, {
      type: 'content_block_start',
      data: { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 't', name: 'f', input: {} } },
      id: '',
      raw: '',
    });
    state = accumulateAnthropicMessage(state, { type: 'content_block_stop', data: { type: 'content_block_stop', index: 0 }, id: '', raw: '' });
    expect(state.blocks[0]!.input).toEqual({});
  });
});
