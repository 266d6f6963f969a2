// OpenAI Responses and Anthropic Messages against the reference server's stories over a real
// socket: what `runstream serve` and `startReferenceServer()` play for these protocols.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accumulateAnthropicMessage, accumulateOpenAIResponse, AnthropicMessages, anthropicText, initialAnthropicMessage, initialOpenAIResponse, OpenAIResponses, openaiOutputText } from '../../src/index.js';
import { instantReconnect, startReferenceServer, type ReferenceServer } from '../../src/testing/index.js';

let server: ReferenceServer;
beforeAll(async () => {
  server = await startReferenceServer({ host: '127.0.0.1', eventDelay: 0 });
});
afterAll(() => server.close());

const openai = () => new OpenAIResponses({ baseUrl: server.url, apiKey: 'test-key', reconnect: instantReconnect().reconnect });
const anthropic = () => new AnthropicMessages({ baseUrl: server.url, apiKey: 'test-key' });

describe('the reference server: OpenAI Responses', () => {
  it('streams a completed response', async () => {
    const stream = openai().responses.stream({ model: 'gpt-4.1', input: 'Say hello' });
    let state = initialOpenAIResponse;
    for await (const event of stream) state = accumulateOpenAIResponse(state, event);
    expect(openaiOutputText(state)).toBe('Hello there!');
    expect(stream.outcome).toMatchObject({ type: 'completed', serverStatus: 'completed' });
  });

  it('fails a response with an in-stream error', async () => {
    const stream = openai().responses.stream({ model: 'gpt-4.1', input: 'please failed' });
    await expect(stream.finished).rejects.toMatchObject({ name: 'StreamError', code: 'server-error-event', serverCode: 'server_error' });
  });

  it('reports a cut foreground response as generation stopped', async () => {
    const stream = openai().responses.stream({ model: 'gpt-4.1', input: 'cut' });
    const error = await stream.finished.catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'StreamError', code: 'unexpected-end' });
    expect((error as Error).message).toContain('generation stopped');
  });

  it('resumes a cut background response with starting_after and completes it', async () => {
    const stream = openai().responses.stream({ model: 'gpt-4.1', input: 'cut', background: true });
    let state = initialOpenAIResponse;
    for await (const event of stream) state = accumulateOpenAIResponse(state, event);
    expect(openaiOutputText(state)).toBe('Hello there!');
    expect(stream.outcome?.type).toBe('completed');
    const resume = server.requests.filter((request) => request.method === 'GET' && request.path.startsWith('/v1/responses/'));
    expect(resume.at(-1)?.path).toMatch(/^\/v1\/responses\/resp_\d{8}\?stream=true&starting_after=5$/);
  });

  it('refuses a wrong key with 401', async () => {
    const client = new OpenAIResponses({ baseUrl: server.url, apiKey: 'wrong' });
    await expect(client.responses.stream({ model: 'gpt-4.1', input: 'x' }).finished).rejects.toMatchObject({ name: 'HTTPError', status: 401 });
  });
});

describe('the reference server: Anthropic Messages', () => {
  const params = (content: string) => ({ model: 'claude-opus-4-1', max_tokens: 256, messages: [{ role: 'user' as const, content }] });

  it('streams the documented message', async () => {
    const stream = anthropic().messages.stream(params('Hello'));
    let state = initialAnthropicMessage;
    for await (const event of stream) state = accumulateAnthropicMessage(state, event);
    expect(anthropicText(state)).toBe('Hello there!');
    expect(stream.outcome).toMatchObject({ type: 'completed', serverStatus: 'end_turn' });
  });

  it('fails on an overloaded_error inside the stream', async () => {
    await expect(anthropic().messages.stream(params('overloaded')).finished).rejects.toMatchObject({ code: 'server-error-event', serverCode: 'overloaded_error' });
  });

  it('reports a message that ends before message_stop as cut off', async () => {
    await expect(anthropic().messages.stream(params('cut')).finished).rejects.toMatchObject({ code: 'unexpected-end' });
  });

  it('streams a tool use with its input parsed', async () => {
    let state = initialAnthropicMessage;
    const stream = anthropic().messages.stream(params('use a tool'));
    for await (const event of stream) state = accumulateAnthropicMessage(state, event);
    expect(state.blocks[1]?.input).toEqual({ location: 'San Francisco, CA' });
    expect(stream.outcome?.serverStatus).toBe('tool_use');
  });
});
