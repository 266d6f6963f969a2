/**
 * A POST stream test with msw: your msw setup gains a streaming POST endpoint (and, in one
 * line, every platform runstream supports).
 */
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { connect, Runstream } from 'runstream';
import { collectEvents } from 'runstream/testing';
import { platformHandlers, sseHandler } from 'runstream/testing/msw';

const chat = sseHandler('post', 'https://api.test/chat', [
  { event: 'token', data: { text: 'Hel' } },
  { wait: 10 },
  { event: 'token', data: { text: 'lo' } },
  { data: '[DONE]' },
]);
const server = setupServer(chat, ...platformHandlers('https://platforms.test'));
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** The code under test: posts a prompt and returns the streamed answer. */
export async function ask(prompt: string): Promise<string> {
  let answer = '';
  const stream = connect<{ token: { text: string } }>('https://api.test/chat', { method: 'POST', body: { prompt }, json: true, endMarker: '[DONE]' });
  for await (const event of stream) if (event.type === 'token') answer += event.data.text;
  return answer;
}

it('streams the answer to a POST and sends the prompt', async () => {
  expect(await ask('Say hello')).toBe('Hello');
  expect(JSON.parse(chat.requests[0]!.body)).toEqual({ prompt: 'Say hello' });
});

it('streams the skills engine by POST from the platform handlers', async () => {
  const client = new Runstream({ baseUrl: 'https://platforms.test', apiKey: 'test' });
  const { events, outcome } = await collectEvents(client.skills.start('my.skill', { inputs: { text: 'Hello world' } }));
  expect(events.at(-1)?.type).toBe('done');
  expect(outcome?.type).toBe('completed');
});
