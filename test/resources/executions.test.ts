import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { HTTPError, Runstream, type ClientOptions, StreamError } from '../../src/index.js';
import { BASE, server, useMsw } from '../helpers/msw.js';
import { collect, frames, sseResponse, type Frame } from '../helpers/sse.js';
import { RequestLog, serveOnce, testClient } from './support.js';

useMsw();

/** FlowMaestro's route lives under `/api`, so the prefix goes in baseUrl. */
const API = `${BASE}/api`;
const EVENTS = `${API}/v1/executions/:executionId/events`;

function client(options: Partial<ClientOptions> = {}): Runstream {
  return testClient({ baseUrl: API, apiKey: 'sk-test-secret', ...options });
}

function serve(list: readonly Frame[]): RequestLog {
  return serveOnce('get', EVENTS, [frames(list)]);
}

const completed: Frame = {
  event: 'execution:completed',
  data: { executionId: 'exec_xyz789', status: 'completed', outputs: { answer: 42 } },
};

describe('executions.stream request', () => {
  it('keeps the baseUrl path prefix: GET /api/v1/executions/{id}/events', async () => {
    const log = serve([completed]);
    await collect(client().executions.stream('exec_xyz789'));
    const request = log.only();
    expect(request.method).toBe('GET');
    expect(request.url.pathname).toBe('/api/v1/executions/exec_xyz789/events');
  });

  it('accepts a baseUrl with a trailing slash', async () => {
    const log = serve([completed]);
    await collect(client({ baseUrl: `${API}/` }).executions.stream('exec_xyz789'));
    expect(log.only().url.pathname).toBe('/api/v1/executions/exec_xyz789/events');
  });

  it('sends the key as X-API-Key, not Bearer, and Accept: text/event-stream', async () => {
    const log = serve([completed]);
    await collect(client().executions.stream('exec_xyz789'));
    const headers = log.only().headers;
    expect(headers.get('x-api-key')).toBe('sk-test-secret');
    expect(headers.get('authorization')).toBeNull();
    expect(headers.get('accept')).toBe('text/event-stream');
  });

  it('sends Bearer instead when the client says auth: bearer', async () => {
    const log = serve([completed]);
    await collect(client({ auth: 'bearer' }).executions.stream('exec_xyz789'));
    const headers = log.only().headers;
    expect(headers.get('authorization')).toBe('Bearer sk-test-secret');
    expect(headers.get('x-api-key')).toBeNull();
  });

  it('URL-encodes the execution id', async () => {
    const log = new RequestLog();
    server.use(
      http.get(`${API}/v1/executions/*`, async ({ request }) => {
        await log.take(request);
        return sseResponse([frames([completed])]);
      }),
    );
    await collect(client().executions.stream('exec/1 2#3'));
    expect(log.only().url.pathname).toBe('/api/v1/executions/exec%2F1%202%233/events');
  });
});

describe('executions.stream events', () => {
  it('ignores `: keepalive` comments and passes camelCase payloads through', async () => {
    serve([
      { event: 'connected', data: { executionId: 'exec_xyz789' } },
      { comment: ' keepalive' },
      { event: 'execution:started', data: { executionId: 'exec_xyz789', startedAt: '2024-01-15T10:30:00.000Z' } },
      { event: 'node:started', data: { nodeId: 'node_1', nodeType: 'ai_chat' } },
      { comment: ' keepalive' },
      { event: 'execution:progress', data: { progress: 25, currentNode: 'node_1' } },
      { event: 'node:completed', data: { nodeId: 'node_1', outputs: { text: 'hi' }, durationMs: 1200 } },
      completed,
    ]);
    const events = await collect(client().executions.stream('exec_xyz789'));
    expect(events.map(({ type, data }) => ({ type, data }))).toEqual([
      { type: 'connected', data: { executionId: 'exec_xyz789' } },
      { type: 'execution:started', data: { executionId: 'exec_xyz789', startedAt: '2024-01-15T10:30:00.000Z' } },
      { type: 'node:started', data: { nodeId: 'node_1', nodeType: 'ai_chat' } },
      { type: 'execution:progress', data: { progress: 25, currentNode: 'node_1' } },
      { type: 'node:completed', data: { nodeId: 'node_1', outputs: { text: 'hi' }, durationMs: 1200 } },
      { type: 'execution:completed', data: { executionId: 'exec_xyz789', status: 'completed', outputs: { answer: 42 } } },
    ]);
  });

  it('passes the documented snake_case payloads through too', async () => {
    serve([
      { event: 'connected', data: { execution_id: 'exec_xyz789' } },
      { event: 'node:completed', data: { node_id: 'node_1', outputs: {}, duration_ms: 1200 } },
      { event: 'execution:completed', data: { execution_id: 'exec_xyz789', status: 'completed', outputs: {} } },
    ]);
    const events = await collect(client().executions.stream('exec_xyz789'));
    expect(events[0]!.data).toEqual({ execution_id: 'exec_xyz789' });
    expect(events[1]!.data).toEqual({ node_id: 'node_1', outputs: {}, duration_ms: 1200 });
  });

  it('streamIterator works with for await and exposes event.data.outputs', async () => {
    const log = serve([
      { event: 'connected', data: { executionId: 'exec_xyz789' } },
      { event: 'execution:progress', data: { progress: 100 } },
      completed,
    ]);
    let outputs: Record<string, unknown> | undefined;
    const types: string[] = [];
    for await (const event of client().executions.streamIterator('exec_xyz789')) {
      types.push(event.type);
      if (event.type === 'execution:completed') {
        outputs = event.data.outputs;
        break;
      }
    }
    expect(types).toEqual(['connected', 'execution:progress', 'execution:completed']);
    expect(outputs).toEqual({ answer: 42 });
    expect(log.only().url.pathname).toBe('/api/v1/executions/exec_xyz789/events');
  });

  it('closes the request when the loop breaks early', async () => {
    serve([{ event: 'connected', data: {} }, completed]);
    const stream = client().executions.stream('exec_xyz789');
    for await (const event of stream) {
      expect(event.type).toBe('connected');
      break;
    }
    expect(stream.readyState).toBe('closed');
  });

  it.each([
    ['execution:completed', { status: 'completed', outputs: {} }],
    ['execution:failed', { status: 'failed', error: 'node_1 failed' }],
    ['execution:cancelled', { status: 'cancelled' }],
  ])('ends after %s without reconnecting', async (type, data) => {
    const log = serve([
      { event: 'execution:started', data: { executionId: 'exec_xyz789' } },
      { event: type, data: { executionId: 'exec_xyz789', ...data } },
      { event: 'node:started', data: { nodeId: 'late' } },
    ]);
    const stream = client().executions.stream('exec_xyz789');
    const events = await collect(stream);
    expect(events.map((event) => event.type)).toEqual(['execution:started', type]);
    expect(log.count).toBe(1);
    await expect(stream.finished).resolves.toMatchObject({
      type: { 'execution:completed': 'completed', 'execution:failed': 'failed', 'execution:cancelled': 'cancelled' }[type],
      serverStatus: data.status,
      event: { type },
    });
  });

  it('delivers execution:failed to its listener (not as an error)', async () => {
    serve([{ event: 'execution:failed', data: { executionId: 'exec_xyz789', error: 'boom' } }]);
    const stream = client().executions.stream('exec_xyz789');
    const errors: (string | undefined)[] = [];
    stream.addEventListener('execution:failed', (event) => errors.push(event.data.error));
    await stream.finished;
    expect(errors).toEqual(['boom']);
  });

  it('fails with StreamError invalid-data carrying the raw text', async () => {
    serve([{ event: 'execution:progress', id: '7', data: '{progress: 25}' }, completed]);
    const error = await collect(client().executions.stream('exec_xyz789')).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'invalid-data', event: 'execution:progress', data: '{progress: 25}', lastEventId: '7' });
  });

  it('goes on after invalid data when onInvalidData is given', async () => {
    serve([{ event: 'execution:progress', data: '{progress: 25}' }, completed]);
    const skipped: StreamError[] = [];
    const events = await collect(client().executions.stream('exec_xyz789', { onInvalidData: (error) => skipped.push(error) }));
    expect(events.map((event) => event.type)).toEqual(['execution:completed']);
    expect(skipped.map((error) => error.data)).toEqual(['{progress: 25}']);
  });

  it('fails with HTTPError 404 carrying the parsed body', async () => {
    server.use(http.get(EVENTS, () => HttpResponse.json({ error: { code: 'not_found', message: 'no such execution' } }, { status: 404 })));
    const error = await collect(client().executions.stream('exec_missing')).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ status: 404, body: { error: { code: 'not_found', message: 'no such execution' } } });
  });
});

describe('executions.stream after a drop (FlowMaestro sends no ids)', () => {
  it('marks the gap with a resync event before the next event, never silently', async () => {
    const log = new RequestLog();
    let requests = 0;
    server.use(
      http.get(EVENTS, async ({ request }) => {
        await log.take(request);
        // The first connection ends before the terminal event, the second goes on from there.
        return requests++ === 0
          ? sseResponse([frames([{ event: 'execution:started', data: { executionId: 'exec_xyz789' } }])])
          : sseResponse([frames([{ event: 'node:started', data: { nodeId: 'node_2' } }, completed])]);
      }),
    );
    const stream = client({ reconnect: { sleep: () => Promise.resolve() } }).executions.stream('exec_xyz789');
    const events = await collect(stream);
    expect(events.map((event) => event.type)).toEqual(['execution:started', 'resync', 'node:started', 'execution:completed']);
    expect(events[1]!.data).toEqual({ reason: 'reconnected', recovered: false });
    // Nothing to resume from: the reconnect sends no Last-Event-ID.
    expect(log.requests.map((request) => request.headers.get('last-event-id'))).toEqual([null, null]);
    expect(stream.outcome).toMatchObject({ type: 'completed', serverStatus: 'completed' });
  });

  it('marks no gap when the first connection delivered nothing (a replay from the start loses nothing)', async () => {
    let requests = 0;
    server.use(http.get(EVENTS, () => (requests++ === 0 ? sseResponse([': keepalive\n\n']) : sseResponse([frames([completed])]))));
    const events = await collect(client({ reconnect: { sleep: () => Promise.resolve() } }).executions.stream('exec_xyz789'));
    expect(events.map((event) => event.type)).toEqual(['execution:completed']);
  });
});
