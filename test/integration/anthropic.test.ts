// Anthropic Messages over a real socket on 127.0.0.1: the documented wire forms (no local server
// exists), served byte for byte. A completed message (with a `ping`), a tool use, an
// `overloaded_error` inside the 200 stream, a stream cut before `message_stop` (never a normal
// end, anthropic-sdk-typescript #893 / PR #920), a reset, and an unknown event type.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accumulateAnthropicMessage,
  AnthropicMessages,
  anthropicText,
  ConnectionError,
  initialAnthropicMessage,
  isRetryableAnthropicError,
  StreamError,
  textOf,
  type AnthropicMessageState,
} from '../../src/index.js';
import { instantReconnect } from '../../src/testing/index.js';
import { startLoopback, type Loopback } from '../helpers/loopback.js';
import { ANTHROPIC_BASIC, ANTHROPIC_OVERLOADED, ANTHROPIC_TOOL_USE } from '../platforms/model-transcripts.js';

let loopback: Loopback;
beforeAll(async () => {
  loopback = await startLoopback();
});
afterAll(() => loopback.close());

function client(): AnthropicMessages {
  return new AnthropicMessages({ baseUrl: loopback.url(), apiKey: 'sk-ant-test', reconnect: instantReconnect().reconnect });
}

const PARAMS = { model: 'claude-opus-4-1', max_tokens: 1024, messages: [{ role: 'user' as const, content: 'Hello' }] };

async function read(stream: AsyncIterable<{ type: string; data: unknown }>): Promise<{ types: string[]; error: unknown; state: AnthropicMessageState }> {
  const types: string[] = [];
  let state = initialAnthropicMessage;
  let error: unknown;
  try {
    for await (const event of stream) {
      types.push(event.type);
      state = accumulateAnthropicMessage(state, event as Parameters<typeof accumulateAnthropicMessage>[1]);
    }
  } catch (caught) {
    error = caught;
  }
  return { types, error, state };
}

describe('Anthropic Messages over a real socket', () => {
  it('streams the documented basic message: ping kept out, outcome completed with the stop_reason, text and usage accumulated', async () => {
    loopback.script({ steps: ANTHROPIC_BASIC });
    const stream = client().messages.stream(PARAMS);
    const { types, error, state } = await read(stream);
    expect(error).toBeUndefined();
    expect(types).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    expect(stream.outcome).toMatchObject({ type: 'completed', serverStatus: 'end_turn' });
    expect(anthropicText(state)).toBe('Hello there!');
    expect(state).toMatchObject({ stopReason: 'end_turn', done: true, usage: { input_tokens: 11, output_tokens: 6 } });
    const [request] = loopback.requests;
    expect([request!.method, request!.path, request!.headers['x-api-key'], request!.headers['anthropic-version']]).toEqual(['POST', '/v1/messages', 'sk-ant-test', '2023-06-01']);
    expect(request!.headers.authorization).toBeUndefined();
  });

  it('accumulates a tool use: input_json_delta pieces (the first empty) parsed at content_block_stop', async () => {
    loopback.script({ steps: ANTHROPIC_TOOL_USE });
    const stream = client().messages.stream(PARAMS);
    const { error, state } = await read(stream);
    expect(error).toBeUndefined();
    expect(stream.outcome).toMatchObject({ type: 'completed', serverStatus: 'tool_use' });
    expect(textOf(state.blocks[0]!.text)).toBe('Let me check.');
    expect(state.blocks[1]).toMatchObject({ block: { type: 'tool_use', name: 'get_weather' }, input: { location: 'San Francisco, CA' }, done: true });
  });

  it('fails on an overloaded_error inside the 200 stream, typed with error.type as serverCode and retryable', async () => {
    loopback.script({ steps: ANTHROPIC_OVERLOADED });
    const stream = client().messages.stream(PARAMS);
    const { types, error, state } = await read(stream);
    expect(types).toEqual(['message_start', 'content_block_start', 'error']);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'server-error-event', serverCode: 'overloaded_error', event: 'error', outcome: 'failed' });
    expect(isRetryableAnthropicError(error)).toBe(true);
    expect(stream.outcome).toMatchObject({ type: 'failed', serverCode: 'overloaded_error', message: 'Overloaded' });
    expect(state.error).toEqual({ type: 'overloaded_error', message: 'Overloaded' });
    expect(loopback.requests).toHaveLength(1);
  });

  it('does not call an invalid_request_error retryable', async () => {
    loopback.script({ steps: [ANTHROPIC_BASIC[0]!, 'event: error\ndata: {"type":"error","error":{"type":"invalid_request_error","message":"bad"},"request_id":"req_1"}\n\n'] });
    const stream = client().messages.stream(PARAMS);
    const { error } = await read(stream);
    expect(error).toMatchObject({ serverCode: 'invalid_request_error', traceId: 'req_1' });
    expect(isRetryableAnthropicError(error)).toBe(false);
  });

  it('reports a stream closed before message_stop as cut off (unexpected-end), never a normal end, and never re-sends', async () => {
    loopback.script({ steps: ANTHROPIC_BASIC.slice(0, 7) });
    const stream = client().messages.stream(PARAMS);
    const { types, error, state } = await read(stream);
    expect(types.at(-1)).toBe('content_block_stop');
    expect(error).toMatchObject({ name: 'StreamError', code: 'unexpected-end' });
    expect((error as Error).message).toContain('no message_stop');
    expect(stream.outcome?.type).toBe('error');
    expect(state.done).toBe(false);
    expect(loopback.requests).toHaveLength(1);
  });

  it('reports a reset mid-message as a ConnectionError and never re-sends', async () => {
    loopback.script({ steps: [...ANTHROPIC_BASIC.slice(0, 4), { destroy: true }] });
    const { error } = await read(client().messages.stream(PARAMS));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(loopback.requests).toHaveLength(1);
  });

  it('delivers an event type it does not know as unknown, and sends another anthropic-version when asked', async () => {
    const steps = [...ANTHROPIC_BASIC];
    steps.splice(2, 0, 'event: content_block_magic\ndata: {"type":"content_block_magic","index":0}\n\n');
    loopback.script({ steps });
    const stream = client().messages.stream(PARAMS, { headers: { 'anthropic-version': '2024-01-01', 'anthropic-beta': 'x' } });
    const events: { type: string; data: unknown }[] = [];
    for await (const event of stream) events.push({ type: event.type, data: event.data });
    expect(events[2]).toEqual({ type: 'unknown', data: { type: 'content_block_magic', index: 0 } });
    expect(loopback.requests[0]!.headers['anthropic-version']).toBe('2024-01-01');
    expect(loopback.requests[0]!.headers['anthropic-beta']).toBe('x');
  });
});
