import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { AGUI, HTTPError, StreamError, type AGUIRunAgentInput, type ClientOptions } from '../../src/index.js';
import { instantReconnect } from '../../src/testing/index.js';
import { BASE, server, useMsw } from '../helpers/msw.js';
import { collect, frames, type Frame } from '../helpers/sse.js';
import { RequestLog, serveOnce, unexpected } from './support.js';

useMsw();

const AGENT = `${BASE}/agent`;
const input: AGUIRunAgentInput = { threadId: 't1', runId: 'r1', messages: [{ id: 'u1', role: 'user', content: 'hi' }] };

function agent(options: Partial<ClientOptions> = {}) {
  return new AGUI({ baseUrl: AGENT, reconnect: instantReconnect({ maxAttempts: 2 }).reconnect, ...options });
}

/** AG-UI's wire form: `data:` only, the name in `type`. */
const ev = (data: Record<string, unknown>): Frame => ({ data });
const started = ev({ type: 'RUN_STARTED', threadId: 't1', runId: 'r1' });
const finished = (outcome?: unknown): Frame => ev({ type: 'RUN_FINISHED', threadId: 't1', runId: 'r1', ...(outcome !== undefined && { outcome }) });

describe('AGUI runs.start', () => {
  it('POSTs the RunAgentInput to the base URL itself, filling in tools and context, with Bearer auth', async () => {
    const log = serveOnce('post', AGENT, [frames([started, finished()])]);
    await collect(agent({ baseUrl: `${AGENT}/`, apiKey: 'agent-key' }).runs.start({ ...input, forwardedProps: { x: 1 } }));
    const request = log.only();
    expect(request.url.href).toBe(AGENT);
    expect(request.method).toBe('POST');
    expect(request.headers.get('authorization')).toBe('Bearer agent-key');
    expect(request.headers.get('accept')).toBe('text/event-stream');
    expect(JSON.parse(request.body)).toEqual({ ...input, forwardedProps: { x: 1 }, tools: [], context: [] });
  });

  it('names each event by its type and delivers the whole object as data', async () => {
    serveOnce('post', AGENT, [frames([started, ev({ type: 'STEP_STARTED', stepName: 'plan', timestamp: 1 }), finished()])]);
    const events = await collect(agent().runs.start(input));
    expect(events.map(({ type, data, id }) => ({ type, data, id }))).toEqual([
      { type: 'RUN_STARTED', data: { type: 'RUN_STARTED', threadId: 't1', runId: 'r1' }, id: '' },
      { type: 'STEP_STARTED', data: { type: 'STEP_STARTED', stepName: 'plan', timestamp: 1 }, id: '' },
      { type: 'RUN_FINISHED', data: { type: 'RUN_FINISHED', threadId: 't1', runId: 'r1' }, id: '' },
    ]);
  });

  it('keeps an event type this version does not know out of the iterator, for its listeners', async () => {
    serveOnce('post', AGENT, [frames([started, ev({ type: 'FUTURE_EVENT', x: 1 }), finished()])]);
    const stream = agent().runs.start(input);
    const heard: unknown[] = [];
    stream.addEventListener('FUTURE_EVENT', (event) => heard.push(event.data));
    expect((await collect(stream)).map((event) => event.type)).toEqual(['RUN_STARTED', 'RUN_FINISHED']);
    expect(heard).toEqual([{ type: 'FUTURE_EVENT', x: 1 }]);
  });

  it.each([
    ['absent (the legacy form)', undefined, { type: 'completed', serverStatus: undefined }],
    ['success', { type: 'success' }, { type: 'completed', serverStatus: 'success' }],
    ['interrupt', { type: 'interrupt', interrupts: [{ id: 'i1', reason: 'approval' }] }, { type: 'interrupted', serverStatus: 'interrupt' }],
    ['cancelled', { type: 'cancelled' }, { type: 'cancelled', serverStatus: 'cancelled' }],
  ])('RUN_FINISHED with outcome %s ends the stream as its data says', async (_name, outcome, expected) => {
    const log = new RequestLog();
    server.use(
      http.post(AGENT, async ({ request }) => {
        await log.take(request);
        return log.count === 1 ? new Response(frames([started, finished(outcome)]), { headers: { 'content-type': 'text/event-stream' } }) : unexpected(log);
      }),
    );
    const stream = agent().runs.start(input);
    await collect(stream);
    expect(await stream.finished).toMatchObject({ ...expected, event: { type: 'RUN_FINISHED' } });
    expect(log.count).toBe(1);
  });

  it('fails on RUN_ERROR without a code: the message, no serverCode', async () => {
    serveOnce('post', AGENT, [frames([started, ev({ type: 'RUN_ERROR', message: 'boom' })])]);
    const stream = agent().runs.start(input);
    await expect(collect(stream)).rejects.toMatchObject({ name: 'StreamError', code: 'server-error-event', event: 'RUN_ERROR', serverCode: undefined, message: expect.stringContaining('boom') });
    expect(stream.outcome).toMatchObject({ type: 'failed', message: 'boom' });
  });

  it('fails a data line that is not JSON with StreamError invalid-data', async () => {
    serveOnce('post', AGENT, [frames([started, { data: '{"type":"TEXT_MESSAGE_CONTENT",' }])]);
    await expect(collect(agent().runs.start(input))).rejects.toMatchObject({ name: 'StreamError', code: 'invalid-data' });
  });

  it('fails a body that ends before RUN_FINISHED with unexpected-end, and does not POST again', async () => {
    const log = serveOnce('post', AGENT, [frames([started, ev({ type: 'TEXT_MESSAGE_START', messageId: 'm1' })])]);
    const error = await collect(agent().runs.start(input)).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'unexpected-end' });
    expect(log.count).toBe(1);
  });

  it('fails a 401 with HTTPError, without sending it again', async () => {
    const log = new RequestLog();
    server.use(
      http.post(AGENT, async ({ request }) => {
        await log.take(request);
        return HttpResponse.json({ detail: 'bad token' }, { status: 401 });
      }),
    );
    await expect(collect(agent({ apiKey: 'wrong' }).runs.start(input))).rejects.toBeInstanceOf(HTTPError);
    expect(log.count).toBe(1);
  });
});

describe('AGUI runs.run', () => {
  it('resolves with the folded run, and passes each event to onEvent first', async () => {
    serveOnce('post', AGENT, [
      frames([
        started,
        ev({ type: 'TEXT_MESSAGE_CHUNK', messageId: 'm1', delta: 'Hi' }),
        ev({ type: 'TEXT_MESSAGE_CHUNK', delta: ' there' }),
        ev({ type: 'STATE_SNAPSHOT', snapshot: { n: 1 } }),
        finished({ type: 'success' }),
      ]),
    ]);
    const seen: string[] = [];
    const run = await agent().runs.run(input, { onEvent: (event) => seen.push(event.type) });
    expect(seen).toEqual(['RUN_STARTED', 'TEXT_MESSAGE_CHUNK', 'TEXT_MESSAGE_CHUNK', 'STATE_SNAPSHOT', 'RUN_FINISHED']);
    expect(run).toMatchObject({ status: 'completed', messages: [{ id: 'm1', role: 'assistant', content: 'Hi there' }], state: { n: 1 } });
  });

  it('rejects with a JSONPatchError when a state delta does not apply, and closes the request', async () => {
    serveOnce('post', AGENT, [
      frames([started, ev({ type: 'STATE_SNAPSHOT', snapshot: { n: 1 } }), ev({ type: 'STATE_DELTA', delta: [{ op: 'test', path: '/n', value: 2 }] }), finished()]),
    ]);
    await expect(agent().runs.run(input)).rejects.toMatchObject({ name: 'JSONPatchError', code: 'test-failed', index: 0, path: '/n' });
  });
});
