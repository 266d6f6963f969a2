import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { HTTPError, Runstream, type ClientOptions, StreamError } from '../../src/index.js';
import { BASE, server, useMsw } from '../helpers/msw.js';
import { collect, frames, sseResponse, type Frame } from '../helpers/sse.js';
import { RequestLog, serveOnce, testClient } from './support.js';

useMsw();

const EVENTS = `${BASE}/v1/runs/:runId/events`;

function client(options: Partial<ClientOptions> = {}): Runstream {
  return testClient({ apiKey: 'sk-test-secret', ...options });
}

function serve(list: readonly Frame[]): RequestLog {
  return serveOnce('get', EVENTS, [frames(list)]);
}

const completed = { event: 'run.completed', id: 'evt_9', data: { run_id: 'run_abc123', duration_ms: 45200, result: 'ok' } };

describe('runs.stream request', () => {
  it('sends GET /v1/runs/{id}/events with Bearer auth and Accept: text/event-stream', async () => {
    const log = serve([completed]);
    await collect(client().runs.stream('run_abc123'));
    const request = log.only();
    expect(request.method).toBe('GET');
    expect(request.url.pathname).toBe('/v1/runs/run_abc123/events');
    expect(request.url.search).toBe('');
    expect(request.headers.get('authorization')).toBe('Bearer sk-test-secret');
    expect(request.headers.get('x-api-key')).toBeNull();
    expect(request.headers.get('accept')).toBe('text/event-stream');
    expect(request.headers.get('last-event-id')).toBeNull();
  });

  it('URL-encodes the run id', async () => {
    const log = new RequestLog();
    server.use(
      http.get(`${BASE}/v1/runs/*`, async ({ request }) => {
        await log.take(request);
        return sseResponse([frames([completed])]);
      }),
    );
    await collect(client().runs.stream('run/a b?c'));
    expect(log.only().url.pathname).toBe('/v1/runs/run%2Fa%20b%3Fc/events');
  });

  it('throws TypeError synchronously for an empty run id', () => {
    expect(() => client().runs.stream('')).toThrow(TypeError);
  });

  it('builds ?types= from the types option', async () => {
    const log = serve([completed]);
    await collect(client().runs.stream('run_abc123', { types: ['agent.started', 'agent.completed', 'artifact', 'run.completed'] }));
    expect(log.only().url.searchParams.get('types')).toBe('agent.started,agent.completed,artifact,run.completed,run.failed,run.canceled');
  });

  it('adds the terminal run events to a ?types= filter that leaves them out, so the stream still ends', async () => {
    const log = serve([completed]);
    await collect(client().runs.stream('run_abc123', { types: ['log'] }));
    expect(log.only().url.searchParams.get('types')).toBe('log,run.completed,run.failed,run.canceled');
  });

  it('leaves ?types= out when types is empty', async () => {
    const log = serve([completed]);
    await collect(client().runs.stream('run_abc123', { types: [] }));
    expect(log.only().url.searchParams.has('types')).toBe(false);
  });

  it('sends the lastEventId option as Last-Event-ID on the first request', async () => {
    const log = serve([completed]);
    await collect(client().runs.stream('run_abc123', { lastEventId: 'evt_002' }));
    expect(log.only().headers.get('last-event-id')).toBe('evt_002');
  });

  it('sends no credentials without an apiKey', async () => {
    const log = serve([completed]);
    await collect(new Runstream({ baseUrl: BASE }).runs.stream('run_abc123'));
    expect(log.only().headers.get('authorization')).toBeNull();
  });

  it.each([
    ['x-api-key', { auth: 'x-api-key' as const }, { 'x-api-key': 'sk-test-secret', authorization: null }],
    ['none', { auth: 'none' as const }, { 'x-api-key': null, authorization: null }],
    ['a custom header', { auth: { header: 'X-Token', prefix: 'Token ' } }, { 'x-token': 'Token sk-test-secret', authorization: null }],
  ])('lets the client auth option (%s) override Bearer', async (_name, options, expected) => {
    const log = serve([completed]);
    await collect(client(options).runs.stream('run_abc123'));
    const headers = log.only().headers;
    for (const [name, value] of Object.entries(expected)) expect(headers.get(name)).toBe(value);
  });

  it('sends client headers and per-call headers', async () => {
    const log = serve([completed]);
    await collect(client({ headers: { 'x-client': 'a' } }).runs.stream('run_abc123', { headers: { 'x-call': 'b' } }));
    const headers = log.only().headers;
    expect(headers.get('x-client')).toBe('a');
    expect(headers.get('x-call')).toBe('b');
    expect(headers.get('authorization')).toBe('Bearer sk-test-secret');
  });
});

describe('runs.stream events', () => {
  const toolCalled = { tool: 'web_search', input: 'AI agents 2024', timestamp: '2024-01-15T10:30:05Z' };

  it.each([
    ['a named event', { event: 'tool.called', id: 'evt_002', data: toolCalled }],
    ['a {"type","data"} envelope', { id: 'evt_002', data: { type: 'tool.called', data: toolCalled } }],
    ['a {"type","payload"} envelope', { id: 'evt_002', data: { type: 'tool.called', payload: toolCalled } }],
  ])('decodes %s into the same {type, data}', async (_name, input) => {
    serve([input, completed]);
    const events = await collect(client().runs.stream('run_abc123'));
    expect(events[0]).toMatchObject({ type: 'tool.called', data: toolCalled, id: 'evt_002' });
    expect(events.map((event) => event.type)).toEqual(['tool.called', 'run.completed']);
  });

  it('delivers the documented sample stream in order with ids', async () => {
    serve([
      { event: 'agent.started', id: 'evt_001', data: { agent: 'Researcher', task: 'Research AI trends', timestamp: '2024-01-15T10:30:02Z' } },
      { event: 'tool.called', id: 'evt_002', data: toolCalled },
      { event: 'log', id: 'evt_003', data: { level: 'info', message: 'Found 15 relevant results', timestamp: '2024-01-15T10:30:06Z' } },
      completed,
    ]);
    const events = await collect(client().runs.stream('run_abc123'));
    expect(events.map(({ type, id }) => [type, id])).toEqual([
      ['agent.started', 'evt_001'],
      ['tool.called', 'evt_002'],
      ['log', 'evt_003'],
      ['run.completed', 'evt_9'],
    ]);
    expect(events[2]!.data).toEqual({ level: 'info', message: 'Found 15 relevant results', timestamp: '2024-01-15T10:30:06Z' });
  });

  it('never delivers heartbeat, named or enveloped', async () => {
    serve([
      { event: 'heartbeat', data: {} },
      { event: 'run.started', data: { run_id: 'run_abc123', started_at: '2024-01-15T10:30:00Z' } },
      { data: { type: 'heartbeat', data: {} } },
      completed,
    ]);
    const stream = client().runs.stream('run_abc123');
    const heard: unknown[] = [];
    stream.addEventListener('heartbeat', (event) => heard.push(event));
    const events = await collect(stream);
    expect(events.map((event) => event.type)).toEqual(['run.started', 'run.completed']);
    expect(heard).toEqual([]);
  });

  it.each(['run.completed', 'run.failed', 'run.canceled', 'complete', 'timeout'])(
    'ends after the terminal event %s without reconnecting',
    async (type) => {
      const log = serve([
        { event: 'run.started', id: '1', data: { run_id: 'run_abc123', started_at: 't' } },
        { event: type, id: '2', data: { run_id: 'run_abc123' } },
        { event: 'log', id: '3', data: { level: 'info', message: 'after the end', timestamp: 't' } },
      ]);
      const stream = client().runs.stream('run_abc123');
      const events = await collect(stream);
      expect(events.map((event) => event.type)).toEqual(['run.started', type]);
      expect(log.count).toBe(1);
      expect(stream.readyState).toBe('closed');
      const outcome = { 'run.completed': 'completed', 'run.failed': 'failed', 'run.canceled': 'cancelled', complete: 'completed', timeout: 'ended' }[type as string];
      await expect(stream.finished).resolves.toMatchObject({ type: outcome, event: { type } });
      expect(stream.outcome).toMatchObject({ type: outcome });
    },
  );

  it('ends after a terminal event sent as an envelope', async () => {
    const log = serve([
      { data: { type: 'run.failed', payload: { run_id: 'run_abc123', error: 'boom' } } },
      { data: { type: 'log', payload: { level: 'info', message: 'after', timestamp: 't' } } },
    ]);
    const events = await collect(client().runs.stream('run_abc123'));
    expect(events).toMatchObject([{ type: 'run.failed', data: { run_id: 'run_abc123', error: 'boom' } }]);
    expect(log.count).toBe(1);
  });

  it('delivers an error event, then fails with StreamError server-error-event', async () => {
    const log = serve([
      { event: 'run.started', id: '1', data: { run_id: 'run_abc123', started_at: 't' } },
      { event: 'error', id: '2', data: { error: 'worker crashed' } },
      { event: 'log', id: '3', data: { level: 'info', message: 'after the error', timestamp: 't' } },
    ]);
    const seen: string[] = [];
    const failure = await (async () => {
      for await (const event of client().runs.stream('run_abc123')) seen.push(event.type);
    })().catch((error: unknown) => error);
    expect(seen).toEqual(['run.started', 'error']);
    expect(failure).toBeInstanceOf(StreamError);
    const error = failure as StreamError;
    expect(error.code).toBe('server-error-event');
    expect(error.message).toContain('worker crashed');
    expect(error.event).toBe('error');
    expect(error.data).toBe('{"error":"worker crashed"}');
    expect(error.lastEventId).toBe('2');
    expect(log.count).toBe(1);
  });

  it('gives listeners the typed payload and resolves finished at the terminal event', async () => {
    serve([{ event: 'tool.called', data: toolCalled }, completed]);
    const stream = client().runs.stream('run_abc123');
    const tools: string[] = [];
    const results: unknown[] = [];
    stream.addEventListener('tool.called', (event) => tools.push(event.data.tool));
    stream.addEventListener('run.completed', (event) => results.push(event.data.result));
    await stream.finished;
    expect(tools).toEqual(['web_search']);
    expect(results).toEqual(['ok']);
  });

  it('fails with StreamError invalid-data carrying the raw text', async () => {
    serve([{ event: 'log', id: '1', data: '{"level":"info",' }, completed]);
    const error = await collect(client().runs.stream('run_abc123')).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'invalid-data', event: 'log', data: '{"level":"info",', lastEventId: '1' });
  });

  it('goes on after invalid data when onInvalidData is given', async () => {
    serve([{ event: 'log', data: 'not json' }, completed]);
    const skipped: StreamError[] = [];
    const events = await collect(client().runs.stream('run_abc123', { onInvalidData: (error) => skipped.push(error) }));
    expect(events.map((event) => event.type)).toEqual(['run.completed']);
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ code: 'invalid-data', data: 'not json' });
  });

  it('fails with HTTPError on 401 without retrying', async () => {
    const log = new RequestLog();
    server.use(
      http.get(EVENTS, async ({ request }) => {
        await log.take(request);
        return HttpResponse.json({ error: 'invalid api key' }, { status: 401 });
      }),
    );
    const error = await collect(client().runs.stream('run_abc123')).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ status: 401, body: { error: 'invalid api key' } });
    expect((error as Error).message).not.toContain('sk-test-secret');
    expect(log.count).toBe(1);
  });

  it("keeps the platform's explanation of a 401 in the message, as the other platforms' do", async () => {
    // Crewship's explanation holds a placeholder in angle brackets: it is text, not markup.
    const explanation = 'Missing or invalid API key; send Authorization: Bearer <key>';
    server.use(
      http.get(EVENTS, () =>
        HttpResponse.json({ error: { code: 'unauthorized', message: explanation } }, { status: 401, headers: { 'www-authenticate': 'Bearer', 'x-request-id': 'req_1' } }),
      ),
    );
    const error = await collect(client().runs.stream('run_abc123')).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as Error).message).toBe(`runstream: GET ${BASE}/v1/runs/run_abc123/events failed with HTTP 401 Unauthorized: ${explanation} (request id req_1)`);
  });

  it('leaves an HTML error page out of the message (it stays in body)', async () => {
    const page = '<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>';
    server.use(http.get(EVENTS, () => new HttpResponse(page, { status: 502, headers: { 'content-type': 'text/html' } })));
    const error = await collect(client({ reconnect: false }).runs.stream('run_abc123')).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ status: 502, body: page });
    expect((error as Error).message).toBe(`runstream: GET ${BASE}/v1/runs/run_abc123/events failed with HTTP 502 Bad Gateway`);
  });
});
