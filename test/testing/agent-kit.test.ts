// The agent protocols in platformScripts(): the documented kit routes, and a story replayed
// through the public client at its own base URL (the agreement test holds each to the server).
import { describe, expect, it } from 'vitest';
import { A2A, AnthropicMessages, MCP, OpenAIResponses } from '../../src/index.js';
import { collectEvents, instantReconnect, platformScripts, scriptedFetch } from '../../src/testing/index.js';

describe('platformScripts(): the agent protocols', () => {
  it('gives each story of a body-picked server route a path of its own', () => {
    expect(Object.keys(platformScripts({ platforms: ['a2a', 'mcp', 'openai', 'anthropic'] })).sort()).toEqual(
      [
        'POST /a2a/task_completed', 'POST /a2a/task_failed', 'POST /a2a/task_input', 'POST /a2a/task_error',
        'POST /mcp/report', 'POST /mcp/report-2026', 'POST /mcp/boom', 'POST /mcp/missing', 'POST /mcp/confirm-2026', 'POST /mcp/cut',
        'GET /mcp/report', 'GET /mcp/boom', 'GET /mcp/missing', 'GET /mcp/cut',
        'POST /openai/completed/v1/responses', 'POST /openai/failed/v1/responses', 'POST /openai/error/v1/responses', 'POST /openai/incomplete/v1/responses', 'POST /openai/cut/v1/responses',
        'POST /anthropic/completed/v1/messages', 'POST /anthropic/tool/v1/messages', 'POST /anthropic/overloaded/v1/messages', 'POST /anthropic/cut/v1/messages',
      ].sort(),
    );
  });

  it('replays under a baseUrl prefix, whatever the request body says', async () => {
    const fetch = scriptedFetch(platformScripts({ platforms: ['a2a', 'openai'], baseUrl: 'https://api.test/v9' }));
    const task = new A2A({ baseUrl: 'https://api.test/v9/a2a/task_input', fetch }).tasks.stream('please fail');
    const tasked = await collectEvents(task);
    expect(tasked.outcome?.type).toBe('interrupted');
    const response = new OpenAIResponses({ baseUrl: 'https://api.test/v9/openai/incomplete', apiKey: 'test', fetch }).responses.stream({ model: 'gpt-4.1', input: 'completed' });
    const answered = await collectEvents(response);
    expect(answered.events.at(-1)?.type).toBe('response.incomplete');
    expect(answered.outcome).toMatchObject({ type: 'completed', serverStatus: 'incomplete', message: 'max_output_tokens' });
  });

  it('resumes the MCP cut story with Last-Event-ID on its GET route', async () => {
    const fetch = scriptedFetch(platformScripts({ platforms: ['mcp'] }));
    const collected = await collectEvents(new MCP({ baseUrl: 'https://api.test/mcp/cut', fetch, reconnect: instantReconnect().reconnect }).tools.call('report', { days: 7 }));
    expect(collected.events.map((event) => event.type)).toEqual(['notifications/progress', 'notifications/message', 'notifications/progress', 'notifications/progress', 'result']);
    expect(collected.events[0]!.data).toMatchObject({ progressToken: 'runstream-1' });
    expect(fetch.requests.map((request) => [request.method, request.headers['last-event-id']])).toEqual([['POST', undefined], ['GET', 'cut_002']]);
  });

  it('fails a cut Anthropic message as the server does', async () => {
    const fetch = scriptedFetch(platformScripts({ platforms: ['anthropic'] }));
    const stream = new AnthropicMessages({ baseUrl: 'https://api.test/anthropic/cut', apiKey: 'test', fetch }).messages.stream({ model: 'claude-opus-4-1', max_tokens: 256, messages: [{ role: 'user', content: 'hi' }] });
    const collected = await collectEvents(stream);
    expect(collected.events.at(-1)?.type).toBe('content_block_stop');
    expect(collected.error).toMatchObject({ name: 'StreamError' });
  });
});
