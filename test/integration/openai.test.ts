// OpenAI Responses over a real socket on 127.0.0.1: the documented wire forms (no local OpenAI
// server exists), served byte for byte. A completed response, errors inside the 200 stream in
// both shapes, `response.failed`, `response.incomplete`, a foreground drop (never re-sent), a
// background drop resumed by `starting_after`, a gap in `sequence_number`, a resume past the
// window, an unknown event type, and a last event without its blank line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accumulateOpenAIResponse, HTTPError, initialOpenAIResponse, isStreamError, OpenAIResponses, openaiFunctionCalls, openaiOutputText, StreamError, type OpenAIResponseState } from '../../src/index.js';
import { instantReconnect } from '../../src/testing/index.js';
import { startLoopback, type Loopback } from '../helpers/loopback.js';
import { block, OPENAI_FAILED, OPENAI_FLAT_ERROR, OPENAI_INCOMPLETE, OPENAI_NESTED_ERROR, openaiTextEvents, openaiToolEvents, RESPONSE_ID } from '../platforms/model-transcripts.js';

let loopback: Loopback;
beforeAll(async () => {
  loopback = await startLoopback();
});
afterAll(() => loopback.close());

function client(): OpenAIResponses {
  return new OpenAIResponses({ baseUrl: loopback.url(), apiKey: 'sk-test', reconnect: instantReconnect().reconnect });
}

/** Reads a stream to its end: the events (type, data) and the error it failed with, if any. */
async function read(stream: AsyncIterable<{ type: string; data: unknown }>): Promise<{ events: { type: string; data: unknown }[]; error: unknown; state: OpenAIResponseState }> {
  const events: { type: string; data: unknown }[] = [];
  let state = initialOpenAIResponse;
  let error: unknown;
  try {
    for await (const event of stream) {
      events.push({ type: event.type, data: event.data });
      state = accumulateOpenAIResponse(state, event as Parameters<typeof accumulateOpenAIResponse>[1]);
    }
  } catch (caught) {
    error = caught;
  }
  return { events, error, state };
}

describe('OpenAI Responses over a real socket', () => {
  it('streams a completed response: every event in order, outcome completed, the text accumulated, one POST with Bearer auth', async () => {
    loopback.script({ steps: openaiTextEvents() });
    const stream = client().responses.stream({ model: 'gpt-4.1', input: 'Say hello' });
    const { events, error, state } = await read(stream);
    expect(error).toBeUndefined();
    expect(events.map((event) => event.type)).toEqual([
      'response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added',
      'response.output_text.delta', 'response.output_text.delta', 'response.output_text.delta', 'response.output_text.done',
      'response.content_part.done', 'response.output_item.done', 'response.completed',
    ]);
    expect(stream.outcome).toMatchObject({ type: 'completed', serverStatus: 'completed' });
    expect(openaiOutputText(state)).toBe('Hello there!');
    expect(state.response?.usage?.total_tokens).toBe(123);
    expect(loopback.requests.map((request) => [request.method, request.path, request.headers.authorization])).toEqual([['POST', '/v1/responses', 'Bearer sk-test']]);
  });

  it('accumulates a function call: arguments in pieces, parsed at .done', async () => {
    loopback.script({ steps: openaiToolEvents() });
    const { state, error } = await read(client().responses.stream({ model: 'gpt-4.1', input: 'Weather in Paris?', tools: [] }));
    expect(error).toBeUndefined();
    expect(openaiFunctionCalls(state)).toEqual([{ itemId: 'fc_1', callId: 'call_1', name: 'get_weather', arguments: '{"location":"Paris"}', parsedArguments: { location: 'Paris' }, done: true }]);
  });

  it('fails on a nested error event inside the 200 stream with its code, after delivering it', async () => {
    loopback.script({ steps: OPENAI_NESTED_ERROR });
    const stream = client().responses.stream({ model: 'gpt-4.1', input: 'x' });
    const { events, error } = await read(stream);
    expect(events.map((event) => event.type)).toEqual(['response.created', 'response.in_progress', 'error']);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'server-error-event', serverCode: 'unknown-error', event: 'error', outcome: 'failed' });
    expect((error as Error).message).toContain('Foobar');
    expect(stream.outcome).toMatchObject({ type: 'failed', serverCode: 'unknown-error', message: 'Foobar' });
  });

  it('fails on the documented flat error event with its code', async () => {
    loopback.script({ steps: OPENAI_FLAT_ERROR });
    const stream = client().responses.stream({ model: 'gpt-4.1', input: 'x' });
    const { error } = await read(stream);
    expect(error).toMatchObject({ name: 'StreamError', code: 'server-error-event', serverCode: 'server_error' });
    expect(stream.outcome?.message).toBe('The server had an error while processing your request.');
  });

  it('fails on response.failed with response.error.code and message', async () => {
    loopback.script({ steps: OPENAI_FAILED });
    const stream = client().responses.stream({ model: 'gpt-4.1', input: 'x' });
    const { error, state } = await read(stream);
    expect(error).toMatchObject({ code: 'server-error-event', serverCode: 'server_error', serverStatus: 'failed', event: 'response.failed' });
    expect(stream.outcome).toMatchObject({ type: 'failed', serverStatus: 'failed', serverCode: 'server_error', message: 'The model failed to generate a response.' });
    expect(state.status).toBe('failed');
  });

  it('ends response.incomplete as completed with serverStatus incomplete and the reason', async () => {
    loopback.script({ steps: OPENAI_INCOMPLETE });
    const stream = client().responses.stream({ model: 'gpt-4.1', input: 'x', max_output_tokens: 16 });
    const { error } = await read(stream);
    expect(error).toBeUndefined();
    expect(stream.outcome).toMatchObject({ type: 'completed', serverStatus: 'incomplete', message: 'max_output_tokens' });
  });

  it('delivers an event type it does not know as unknown, keeping its name in data.type', async () => {
    const events = openaiTextEvents();
    const added = block('response.shell_call_command.added', { type: 'response.shell_call_command.added', sequence_number: 4, item_id: 'sh_1', output_index: 1 });
    // Renumber: the new event takes sequence 4 and every later event moves up by one.
    const later = events.slice(4).map((text) => text.replace(/"sequence_number":(\d+)/, (_, n: string) => `"sequence_number":${Number(n) + 1}`));
    loopback.script({ steps: [...events.slice(0, 4), added, ...later] });
    const { events: seen, error } = await read(client().responses.stream({ model: 'gpt-4.1', input: 'x' }));
    expect(error).toBeUndefined();
    expect(seen[4]).toEqual({ type: 'unknown', data: { type: 'response.shell_call_command.added', sequence_number: 4, item_id: 'sh_1', output_index: 1 } });
    expect(seen.filter((event) => event.type === 'resync')).toEqual([]);
  });

  it('never re-sends a foreground response that drops: one POST, a StreamError unexpected-end saying generation stopped', async () => {
    loopback.script({ steps: [...openaiTextEvents().slice(0, 5), { destroy: true }] });
    const stream = client().responses.stream({ model: 'gpt-4.1', input: 'x' });
    const { events, error, state } = await read(stream);
    expect(events).toHaveLength(5);
    expect(isStreamError(error) && error.code).toBe('unexpected-end');
    expect((error as Error).message).toContain('generation stopped');
    expect((error as Error).message).toContain('last sequence_number 4');
    expect(openaiOutputText(state)).toBe('Hello');
    expect(loopback.requests).toHaveLength(1);
    expect(stream.outcome?.type).toBe('error');
  });

  it('reports a foreground stream the server closes before its final event the same way', async () => {
    loopback.script({ steps: openaiTextEvents().slice(0, 3) });
    const { error } = await read(client().responses.stream({ model: 'gpt-4.1', input: 'x' }));
    expect(error).toMatchObject({ name: 'StreamError', code: 'unexpected-end' });
    expect((error as Error).message).toContain('generation stopped');
    expect(loopback.requests).toHaveLength(1);
  });

  it("re-sends a dropped foreground response only with resume: 'resend': a new response, counted from 0 again", async () => {
    const first = openaiTextEvents('resp_first');
    const second = openaiTextEvents('resp_second');
    loopback.script({ steps: [...first.slice(0, 6), { destroy: true }] }, { steps: second });
    const stream = client().responses.stream({ model: 'gpt-4.1', input: 'x' }, { resume: 'resend' });
    const { events, error } = await read(stream);
    expect(error).toBeUndefined();
    // The second response's events all arrive (none skipped as already seen), after the first's six.
    expect(events.map((event) => (event.data as { sequence_number: number }).sequence_number)).toEqual([0, 1, 2, 3, 4, 5, ...second.map((_, index) => index)]);
    expect(events.filter((event) => event.type === 'resync')).toEqual([]);
    expect(loopback.requests.map((request) => [request.method, request.path])).toEqual([['POST', '/v1/responses'], ['POST', '/v1/responses']]);
  });

  it('discards a last event without its blank line (as the SSE spec says; openai-node #2725 flushes it)', async () => {
    const events = openaiTextEvents();
    const last = events.at(-1)!.replace(/\n\n$/, '\n');
    loopback.script({ steps: [...events.slice(0, -1), last] });
    const { events: seen, error } = await read(client().responses.stream({ model: 'gpt-4.1', input: 'x' }));
    expect(seen.map((event) => event.type)).not.toContain('response.completed');
    expect(seen).toHaveLength(events.length - 1);
    expect(error).toMatchObject({ name: 'StreamError', code: 'unexpected-end' });
  });

  it('resumes a background response after a drop with GET ?stream=true&starting_after=<last sequence_number>, losing nothing', async () => {
    const events = openaiTextEvents('resp_bg', true);
    loopback.script({ steps: [...events.slice(0, 6), { destroy: true }] }, { steps: events.slice(6) });
    const stream = client().responses.stream({ model: 'gpt-4.1', input: 'x', background: true });
    const { events: seen, error, state } = await read(stream);
    expect(error).toBeUndefined();
    expect(seen.map((event) => (event.data as { sequence_number: number }).sequence_number)).toEqual(events.map((_, index) => index));
    expect(openaiOutputText(state)).toBe('Hello there!');
    expect(stream.outcome).toMatchObject({ type: 'completed', serverStatus: 'completed' });
    expect(loopback.requests.map((request) => [request.method, request.path])).toEqual([
      ['POST', '/v1/responses'],
      ['GET', '/v1/responses/resp_bg?stream=true&starting_after=5'],
    ]);
    expect(loopback.requests[1]!.headers.authorization).toBe('Bearer sk-test');
  });

  it('marks a gap in sequence_number after a resume with a resync event (recovered: false), right after the first event past it', async () => {
    const events = openaiTextEvents('resp_gap', true);
    // The resumed stream starts at 8 instead of 6: events 6 and 7 are lost.
    loopback.script({ steps: [...events.slice(0, 6), { destroy: true }] }, { steps: events.slice(8) });
    const stream = client().responses.stream({ model: 'gpt-4.1', input: 'x', background: true });
    const { events: seen, error } = await read(stream);
    expect(error).toBeUndefined();
    const types = seen.map((event) => event.type);
    expect(types.slice(6, 8)).toEqual(['response.content_part.done', 'resync']);
    expect(seen[7]!.data).toEqual({ reason: 'reconnected', recovered: false, after: 5, next: 8 });
    expect(stream.outcome?.type).toBe('completed');
  });

  it('skips events a resumed stream sends again (a sequence_number already delivered)', async () => {
    const events = openaiTextEvents('resp_dup', true);
    loopback.script({ steps: [...events.slice(0, 6), { destroy: true }] }, { steps: events.slice(4) });
    const { events: seen, error, state } = await read(client().responses.stream({ model: 'gpt-4.1', input: 'x', background: true }));
    expect(error).toBeUndefined();
    expect(seen.map((event) => (event.data as { sequence_number: number }).sequence_number)).toEqual(events.map((_, index) => index));
    expect(openaiOutputText(state)).toBe('Hello there!');
  });

  it('says so in a typed error when the resume comes past the window (400 "more than 5 minutes old")', async () => {
    const events = openaiTextEvents('resp_old', true);
    const body = JSON.stringify({ error: { message: 'This response can no longer be streamed because it is more than 5 minutes old.', type: 'invalid_request_error', param: null, code: null } });
    loopback.script({ steps: [...events.slice(0, 3), { destroy: true }] }, { status: 400, headers: { 'content-type': 'application/json' }, steps: [body] });
    const stream = client().responses.stream({ model: 'gpt-4.1', input: 'x', background: true });
    const { events: seen, error } = await read(stream);
    expect(seen).toHaveLength(3);
    expect(error).toMatchObject({ name: 'StreamError', code: 'unexpected-end', status: 400 });
    expect((error as Error).message).toContain('more than 5 minutes old');
    expect((error as Error).message).toContain("responses.retrieve('resp_old')");
    expect((error as Error).cause).toBeInstanceOf(HTTPError);
    expect(loopback.requests.map((request) => request.method)).toEqual(['POST', 'GET']);
  });

  it('streams a background response again from resume(id, { startingAfter })', async () => {
    const events = openaiTextEvents('resp_again', true);
    loopback.script({ steps: events.slice(9) });
    const stream = client().responses.resume('resp_again', { startingAfter: 8 });
    const { events: seen, error } = await read(stream);
    expect(error).toBeUndefined();
    expect(seen.map((event) => event.type)).toEqual(['response.output_item.done', 'response.completed']);
    expect(loopback.requests.map((request) => [request.method, request.path])).toEqual([['GET', '/v1/responses/resp_again?stream=true&starting_after=8']]);
  });

  it('reads a response with retrieve()', async () => {
    loopback.script({ headers: { 'content-type': 'application/json' }, steps: [JSON.stringify({ id: RESPONSE_ID, object: 'response', status: 'completed', output: [] })] });
    await expect(client().responses.retrieve(RESPONSE_ID)).resolves.toMatchObject({ id: RESPONSE_ID, status: 'completed' });
    expect(loopback.requests.map((request) => [request.method, request.path])).toEqual([['GET', `/v1/responses/${RESPONSE_ID}`]]);
  });
});
