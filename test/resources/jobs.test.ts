import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { HTTPError, Runstream, type ClientOptions, StreamError, type PraisonAIEventType } from '../../src/index.js';
import { BASE, server, useMsw } from '../helpers/msw.js';
import { collect, frames, sseResponse, type Frame } from '../helpers/sse.js';
import { RequestLog, serveOnce, testClient } from './support.js';

useMsw();

const RUNS = `${BASE}/api/v1/runs`;
const STREAM = `${RUNS}/:jobId/stream`;

function client(options: Partial<ClientOptions> = {}): Runstream {
  return testClient(options);
}

function serve(list: readonly Frame[], eol: '\n' | '\r\n' = '\n'): RequestLog {
  return serveOnce('get', STREAM, [frames(list, eol)]);
}

/** The documented envelope stream ("Stream Run API", Response example), ending in `[DONE]`. */
/** The requests of a jobs.run() that had to ask for the job's status before reading its result. */
const ASKED_STATUS_THEN_RESULT = [
  'POST /api/v1/runs',
  'GET /api/v1/runs/run_abc123/stream',
  'GET /api/v1/runs/run_abc123',
  'GET /api/v1/runs/run_abc123/result',
];

const documented: Frame[] = [
  { data: { event: 'progress', data: { percentage: 0, current_step: 'Initializing' } } },
  { data: { event: 'log', data: { message: 'Agent started processing' } } },
  { data: { event: 'progress', data: { percentage: 100, current_step: 'Complete' } } },
  { data: { event: 'complete', data: { status: 'succeeded', job_id: 'run_abc123' } } },
  { data: '[DONE]' },
];

/** What the PraisonAI server sends: named events, heartbeats, `: ping` comments. */
function serverForm(end: Frame): Frame[] {
  return [
    { comment: ' ping' },
    { event: 'status', data: { status: 'running', job_id: 'run_abc123' } },
    { event: 'heartbeat', data: { timestamp: '2024-01-15T10:30:00Z' } },
    { event: 'progress', data: { percentage: 50, step: 'Processing' } },
    { comment: ' ping' },
    end,
  ];
}

describe('jobs.stream', () => {
  it('sends GET /api/v1/runs/{id}/stream with no auth by default', async () => {
    const log = serve(documented);
    await collect(client().jobs.stream('run_abc123'));
    const request = log.only();
    expect(request.method).toBe('GET');
    expect(request.url.pathname).toBe('/api/v1/runs/run_abc123/stream');
    expect(request.headers.get('authorization')).toBeNull();
    expect(request.headers.get('x-api-key')).toBeNull();
    expect(request.headers.get('accept')).toBe('text/event-stream');
  });

  it("does not send the client's apiKey by default (PraisonAI documents no auth), and sends it as the auth option says", async () => {
    const none = serve(documented);
    await collect(client({ apiKey: 'sk-test-secret' }).jobs.stream('run_abc123'));
    expect(none.only().headers.get('authorization')).toBeNull();
    expect(none.only().headers.get('x-api-key')).toBeNull();
    const custom = serve(documented);
    await collect(client({ apiKey: 'sk-test-secret', auth: 'x-api-key' }).jobs.stream('run_abc123'));
    expect(custom.only().headers.get('authorization')).toBeNull();
    expect(custom.only().headers.get('x-api-key')).toBe('sk-test-secret');
  });

  it('URL-encodes the job id', async () => {
    const log = new RequestLog();
    server.use(
      http.get(`${RUNS}/*`, async ({ request }) => {
        await log.take(request);
        return sseResponse([frames(documented)]);
      }),
    );
    await collect(client().jobs.stream('run 1/2'));
    expect(log.only().url.pathname).toBe('/api/v1/runs/run%201%2F2/stream');
  });

  it('unwraps the documented {"event","data"} envelopes and ends at data: [DONE]', async () => {
    const log = serve([...documented, { data: { event: 'log', data: { message: 'after DONE' } } }]);
    const events = await collect(client().jobs.stream('run_abc123'));
    expect(events.map(({ type, data }) => ({ type, data }))).toEqual([
      { type: 'progress', data: { percentage: 0, current_step: 'Initializing' } },
      { type: 'log', data: { message: 'Agent started processing' } },
      { type: 'progress', data: { percentage: 100, current_step: 'Complete' } },
      { type: 'complete', data: { status: 'succeeded', job_id: 'run_abc123' } },
    ]);
    expect(log.count).toBe(1);
  });

  it('ends at data: [DONE] even without a complete event, without reconnecting', async () => {
    const log = serve([{ data: { event: 'log', data: { message: 'hi' } } }, { data: '[DONE]' }, { data: { event: 'log', data: { message: 'late' } } }]);
    const events = await collect(client().jobs.stream('run_abc123'));
    expect(events.map((event) => event.type)).toEqual(['log']);
    expect(log.count).toBe(1);
  });

  it('reads the server form: named events, CRLF line endings, `: ping` comments, heartbeats skipped', async () => {
    const log = serve(serverForm({ event: 'result', data: { result: 'the answer' } }), '\r\n');
    const stream = client().jobs.stream('run_abc123');
    const heartbeats: unknown[] = [];
    stream.addEventListener('heartbeat', (event) => heartbeats.push(event));
    const events = await collect(stream);
    expect(events.map(({ type, data }) => ({ type, data }))).toEqual([
      { type: 'status', data: { status: 'running', job_id: 'run_abc123' } },
      { type: 'progress', data: { percentage: 50, step: 'Processing' } },
      { type: 'result', data: { result: 'the answer' } },
    ]);
    expect(heartbeats).toEqual([]);
    expect(log.count).toBe(1);
  });

  it('skips heartbeat envelopes too', async () => {
    serve([{ data: { event: 'heartbeat', data: {} } }, ...documented]);
    const events = await collect(client().jobs.stream('run_abc123'));
    expect(events.map((event) => event.type)).not.toContain('heartbeat');
    expect(events).toHaveLength(4);
  });

  it.each([
    ['complete', { status: 'failed', job_id: 'run_abc123' }],
    ['result', { result: 'x' }],
    ['cancelled', { message: 'Job was cancelled' }],
  ])('ends after %s without reconnecting', async (type, data) => {
    const log = serve([{ event: type, data }, { event: 'log', data: { message: 'late' } }]);
    const events = await collect(client().jobs.stream('run_abc123'));
    expect(events.map((event) => event.type)).toEqual([type]);
    expect(log.count).toBe(1);
  });

  it('delivers an error event, then fails with StreamError server-error-event', async () => {
    const log = serve(serverForm({ event: 'error', id: 'e9', data: { error: 'Agent crashed' } }), '\r\n');
    const seen: PraisonAIEventType[] = [];
    const error = await (async () => {
      for await (const event of client().jobs.stream('run_abc123')) seen.push(event.type);
    })().catch((thrown: unknown) => thrown);
    expect(seen).toEqual(['status', 'progress', 'error']);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'server-error-event', event: 'error', lastEventId: 'e9' });
    expect((error as Error).message).toContain('Agent crashed');
    expect(log.count).toBe(1);
  });

  it('treats an error envelope the same way', async () => {
    serve([{ data: { event: 'error', data: { message: 'bad prompt' } } }]);
    const error = await collect(client().jobs.stream('run_abc123')).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ name: 'StreamError', code: 'server-error-event' });
    expect((error as Error).message).toContain('bad prompt');
  });

  it.each([
    [404, { detail: 'Job not found: run_missing' }],
    [400, { detail: 'Job already completed' }],
  ])('fails with HTTPError %i and the parsed body, without retrying (a 400 for a job that has not finished)', async (status, body) => {
    const log = new RequestLog();
    server.use(
      http.get(STREAM, async ({ request }) => {
        await log.take(request);
        return HttpResponse.json(body, { status });
      }),
      // Asked after the 400: the job has not finished, so the 400 stands.
      http.get(`${RUNS}/:jobId`, () => HttpResponse.json({ job_id: 'run_missing', status: 'running' })),
    );
    const error = await collect(client().jobs.stream('run_missing')).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ status, body, method: 'GET' });
    expect((error as HTTPError).url).toBe(`${BASE}/api/v1/runs/run_missing/stream`);
    expect(log.count).toBe(1);
  });

  it('fails with StreamError invalid-data carrying the raw text', async () => {
    serve([{ data: '{"event": "progress", "data": {' }, ...documented]);
    const error = await collect(client().jobs.stream('run_abc123')).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'invalid-data', data: '{"event": "progress", "data": {' });
  });

  it('goes on after invalid data when onInvalidData is given', async () => {
    serve([{ event: 'progress', data: 'oops' }, ...documented]);
    const skipped: string[] = [];
    const events = await collect(client().jobs.stream('run_abc123', { onInvalidData: (error) => skipped.push(error.data ?? '') }));
    expect(skipped).toEqual(['oops']);
    expect(events).toHaveLength(4);
  });
});

describe('jobs JSON calls', () => {
  it('create: POST /api/v1/runs with the JSON body and Idempotency-Key', async () => {
    const log = new RequestLog();
    server.use(
      http.post(RUNS, async ({ request }) => {
        await log.take(request);
        return HttpResponse.json({ job_id: 'run_abc123', status: 'queued' }, { status: 202 });
      }),
    );
    const job = await client().jobs.create({ prompt: 'Analyze quarterly sales data', timeout: 60 }, { idempotencyKey: 'order-123' });
    expect(job).toEqual({ job_id: 'run_abc123', status: 'queued' });
    const request = log.only();
    expect(request.method).toBe('POST');
    expect(request.url.pathname).toBe('/api/v1/runs');
    expect(JSON.parse(request.body)).toEqual({ prompt: 'Analyze quarterly sales data', timeout: 60 });
    expect(request.headers.get('content-type')).toBe('application/json');
    expect(request.headers.get('accept')).toBe('application/json');
    expect(request.headers.get('idempotency-key')).toBe('order-123');
    expect(request.headers.get('authorization')).toBeNull();
  });

  it('create: leaves Idempotency-Key out when not given, and keeps per-call headers', async () => {
    const log = new RequestLog();
    server.use(
      http.post(RUNS, async ({ request }) => {
        await log.take(request);
        return HttpResponse.json({ job_id: 'run_1', status: 'queued' }, { status: 202 });
      }),
    );
    await client({ apiKey: 'sk-test-secret' }).jobs.create({ prompt: 'x' }, { headers: { 'x-trace': 't1' } });
    const headers = log.only().headers;
    expect(headers.has('idempotency-key')).toBe(false);
    expect(headers.get('x-trace')).toBe('t1');
    expect(headers.get('authorization')).toBeNull();
  });

  it('create: a 400 becomes HTTPError with the parsed body', async () => {
    server.use(http.post(RUNS, () => HttpResponse.json({ detail: 'prompt is required' }, { status: 400 })));
    const error = await client().jobs.create({ prompt: '' }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ status: 400, body: { detail: 'prompt is required' }, method: 'POST' });
    expect((error as Error).message).toContain('prompt is required');
  });

  it('retrieve, result and cancel hit their routes with encoded ids', async () => {
    const log = new RequestLog();
    server.use(
      http.get(`${RUNS}/*`, async ({ request }) => {
        await log.take(request);
        return HttpResponse.json(
          request.url.endsWith('/result')
            ? { job_id: 'a/b', status: 'succeeded', result: 'done' }
            : { job_id: 'a/b', status: 'running', retry_after: 2 },
        );
      }),
      http.post(`${RUNS}/*`, async ({ request }) => {
        await log.take(request);
        return HttpResponse.json({ job_id: 'a/b', status: 'cancelled' });
      }),
    );
    const jobs = client().jobs;
    expect(await jobs.retrieve('a/b')).toEqual({ job_id: 'a/b', status: 'running', retry_after: 2 });
    expect(await jobs.result('a/b')).toEqual({ job_id: 'a/b', status: 'succeeded', result: 'done' });
    expect(await jobs.cancel('a/b')).toEqual({ job_id: 'a/b', status: 'cancelled' });
    expect(log.requests.map(({ method, url, body }) => [method, url.pathname, body])).toEqual([
      ['GET', '/api/v1/runs/a%2Fb', ''],
      ['GET', '/api/v1/runs/a%2Fb/result', ''],
      ['POST', '/api/v1/runs/a%2Fb/cancel', ''],
    ]);
  });

  it('retrieve: a 404 becomes HTTPError with status and parsed body', async () => {
    server.use(http.get(`${RUNS}/:jobId`, () => HttpResponse.json({ detail: 'Job not found: nope' }, { status: 404 })));
    const error = await client().jobs.retrieve('nope').catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ status: 404, body: { detail: 'Job not found: nope' } });
  });
});

/** The create call's answer (202) in these tests. */
const CREATED = { job_id: 'run_abc123', status: 'queued', poll_url: '/api/v1/runs/run_abc123', stream_url: '/api/v1/runs/run_abc123/stream' };

/**
 * Serves one job end to end: create (202 with CREATED), its stream (`streams` in order, a 410
 * past the last; or one function for every stream request), its state (`state`), its result,
 * and cancel.
 */
function serveJob(streams: (() => Response)[] | (() => Response), state: { status: string; error?: string } = { status: 'running' }): RequestLog {
  const log = new RequestLog();
  let opened = 0;
  const next = typeof streams === 'function' ? streams : () => (streams[opened++] ?? (() => HttpResponse.text('unexpected stream request', { status: 410 })))();
  server.use(
    http.post(RUNS, async ({ request }) => {
      await log.take(request);
      return HttpResponse.json(CREATED, { status: 202 });
    }),
    http.get(STREAM, async ({ request }) => {
      await log.take(request);
      return next();
    }),
    http.get(`${RUNS}/:jobId/result`, async ({ request }) => {
      await log.take(request);
      return HttpResponse.json({ job_id: 'run_abc123', status: 'succeeded', result: { summary: 'sales up' } });
    }),
    http.get(`${RUNS}/:jobId`, async ({ request }) => {
      await log.take(request);
      return HttpResponse.json({ job_id: 'run_abc123', ...state });
    }),
    http.post(`${RUNS}/:jobId/cancel`, async ({ request }) => {
      await log.take(request);
      return HttpResponse.json({ job_id: 'run_abc123', status: 'cancelled' });
    }),
  );
  return log;
}

describe('jobs.start', () => {
  const route = (log: RequestLog) => log.requests.map(({ method, url }) => `${method} ${url.pathname}`);

  it('returns the stream at once and sends nothing until it has a consumer', async () => {
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls++;
      return fetch(input, init);
    };
    serveJob([() => sseResponse([frames(documented)])]);
    const stream = client({ fetch: counting }).jobs.start({ prompt: 'x' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(calls).toBe(0);
    await collect(stream);
    expect(calls).toBe(2);
  });

  it('creates the job, delivers created with its id, then streams that job with GET', async () => {
    const log = serveJob([() => sseResponse([frames(documented)])]);
    const stream = client().jobs.start({ prompt: 'Analyze quarterly sales data', timeout: 60 }, { idempotencyKey: 'order-123', headers: { 'x-tenant': 't1' } });
    const events = await collect(stream);

    expect(events.map((event) => event.type)).toEqual(['created', 'progress', 'log', 'progress', 'complete']);
    expect(events[0]).toEqual({ type: 'created', data: CREATED, id: '', raw: JSON.stringify(CREATED) });
    expect(route(log)).toEqual(['POST /api/v1/runs', 'GET /api/v1/runs/run_abc123/stream']);
    const [create, watch] = log.requests;
    expect(JSON.parse(create!.body)).toEqual({ prompt: 'Analyze quarterly sales data', timeout: 60 });
    expect(create!.headers.get('idempotency-key')).toBe('order-123');
    expect(watch!.headers.get('idempotency-key')).toBeNull();
    expect(watch!.headers.get('accept')).toBe('text/event-stream');
    expect(watch!.headers.get('content-type')).toBeNull();
    expect(watch!.body).toBe('');
    expect([create!.headers.get('x-tenant'), watch!.headers.get('x-tenant')]).toEqual(['t1', 't1']);
    expect(stream.outcome).toMatchObject({ type: 'completed', serverStatus: 'succeeded', event: { type: 'complete' } });
  });

  it.each([
    ['HTTPError 409', () => HttpResponse.json({ detail: 'Idempotency-Key reused with another body' }, { status: 409 }), { name: 'HTTPError', status: 409, method: 'POST', url: RUNS }],
    ['HTTPError 422', () => HttpResponse.json({ detail: [{ msg: 'field required' }] }, { status: 422 }), { name: 'HTTPError', status: 422 }],
    ['ConnectionError', () => HttpResponse.error(), { name: 'ConnectionError', method: 'POST' }],
  ])('ends the stream with the create call\'s %s, before any stream request', async (_name, answer, expected) => {
    const log = new RequestLog();
    server.use(
      http.post(RUNS, async ({ request }) => {
        await log.take(request);
        return answer();
      }),
    );
    const stream = client().jobs.start({ prompt: 'x' });
    const error = await collect(stream).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject(expected);
    expect(stream.outcome).toEqual({ type: 'error', error });
    expect(route(log)).toEqual(['POST /api/v1/runs']);
  });

  it('ends the stream with TimeoutError when the create call outlasts `timeout`', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    server.use(
      http.post(RUNS, async () => {
        await held;
        return HttpResponse.json(CREATED, { status: 202 });
      }),
    );
    const error = await collect(client().jobs.start({ prompt: 'x' }, { timeout: 20 })).catch((thrown: unknown) => thrown);
    release();
    expect(error).toMatchObject({ name: 'TimeoutError', method: 'POST', url: RUNS });
  });

  it('throws RangeError at the call for an option out of range, sending nothing', () => {
    expect(() => client().jobs.start({ prompt: 'x' }, { timeout: -1 })).toThrow(RangeError);
    expect(() => client().jobs.start({ prompt: 'x' }, { idleTimeout: Number.NaN })).toThrow(RangeError);
  });

  it('sends the create once: a dropped stream reconnects by GET and resyncs the job it created', async () => {
    const log = serveJob([() => sseResponse([frames(documented.slice(0, 2))]), () => sseResponse([frames(documented.slice(2))])]);
    const events = await collect(client().jobs.start({ prompt: 'x' }));
    expect(events.map((event) => event.type)).toEqual(['created', 'progress', 'log', 'resync', 'progress', 'complete']);
    expect(events[3]!.data).toMatchObject({ reason: 'reconnected', state: { job_id: 'run_abc123', status: 'running' }, recovered: true });
    expect(route(log)).toEqual([
      'POST /api/v1/runs',
      'GET /api/v1/runs/run_abc123/stream',
      'GET /api/v1/runs/run_abc123/stream',
      'GET /api/v1/runs/run_abc123',
    ]);
  });

  it('resumes the server form with Last-Event-ID, without a second create', async () => {
    const log = serveJob([
      () => sseResponse([frames([{ event: 'status', id: '1', data: { status: 'running' } }, { comment: ' ping' }, { event: 'progress', id: '2', data: { percentage: 50 } }], '\r\n')]),
      () => sseResponse([frames([{ event: 'result', id: '3', data: { result: 'done' } }], '\r\n')]),
    ]);
    const events = await collect(client().jobs.start({ prompt: 'a named job' }));
    expect(events.map((event) => event.type)).toEqual(['created', 'status', 'progress', 'result']);
    expect(route(log)).toEqual(['POST /api/v1/runs', 'GET /api/v1/runs/run_abc123/stream', 'GET /api/v1/runs/run_abc123/stream']);
    expect(log.requests.map((request) => request.headers.get('last-event-id'))).toEqual([null, null, '2']);
  });

  it('settles a job that finished before its stream opened (400) by the job it created', async () => {
    const log = serveJob([() => HttpResponse.json({ detail: 'Job already completed (no stream available)' }, { status: 400 })], { status: 'succeeded' });
    const stream = client().jobs.start({ prompt: 'x' });
    const events = await collect(stream);
    expect(events.map((event) => event.type)).toEqual(['created', 'resync']);
    expect(stream.outcome).toMatchObject({ type: 'completed', serverStatus: 'succeeded', event: { type: 'resync' } });
    expect(route(log)).toEqual(['POST /api/v1/runs', 'GET /api/v1/runs/run_abc123/stream', 'GET /api/v1/runs/run_abc123', 'GET /api/v1/runs/run_abc123/result']);
  });

  it('gives the id to cancel with: a job cancelled at its created event ends cancelled', async () => {
    const log = serveJob([() => HttpResponse.json({ detail: 'Job already completed (no stream available)' }, { status: 400 })], { status: 'cancelled' });
    const jobs = client().jobs;
    const stream = jobs.start({ prompt: 'x' });
    let cancelled: Promise<unknown> | undefined;
    stream.addEventListener('created', (event) => (cancelled = jobs.cancel(event.data.job_id)));
    await collect(stream);
    expect(await cancelled).toEqual({ job_id: 'run_abc123', status: 'cancelled' });
    expect(stream.outcome).toMatchObject({ type: 'cancelled', serverStatus: 'cancelled' });
    expect(route(log)).toContain('POST /api/v1/runs/run_abc123/cancel');
  });

  it('reports POST /api/v1/runs to onStream, and the stream requests as its connecting steps', async () => {
    serveJob([() => sseResponse([frames(documented)])]);
    const made: { method: string; url: string }[] = [];
    const connecting: string[] = [];
    const c = client({
      onStream: (stream, info) => {
        made.push(info);
        stream.observe((step) => step.type === 'connecting' && connecting.push(`${step.method} ${step.url}`));
      },
    });
    await collect(c.jobs.start({ prompt: 'x' }));
    // The job's id joins `ids` once the create call answered.
    expect(made).toEqual([{ method: 'POST', url: RUNS, platform: 'praisonai', ids: { jobId: 'run_abc123' } }]);
    expect(connecting).toEqual([`GET ${RUNS}/run_abc123/stream`]);
  });

  it('sends nothing when closed before it has a consumer', async () => {
    const log = serveJob([]);
    const stream = client().jobs.start({ prompt: 'x' });
    stream.close();
    expect(await collect(stream)).toEqual([]);
    expect(log.count).toBe(0);
  });
});

describe('jobs.run', () => {
  /** Serves one job end to end: create, its stream (every request), its status and its result. */
  const job = (stream: () => Response, state: { status: string; error?: string } = { status: 'succeeded' }): RequestLog => serveJob(stream, state);

  const route = (log: RequestLog) => log.requests.map(({ method, url }) => `${method} ${url.pathname}`);

  it('creates the job, streams it to onEvent and returns result.result', async () => {
    const log = job(() => sseResponse([frames(documented)]));
    const seen: string[] = [];
    const output = await client().jobs.run(
      { prompt: 'Analyze quarterly sales data' },
      { idempotencyKey: 'k1', onEvent: (event) => seen.push(event.type) },
    );
    expect(output).toEqual({ summary: 'sales up' });
    // `created` first: the job's id, before its stream is asked for.
    expect(seen).toEqual(['created', 'progress', 'log', 'progress', 'complete']);
    expect(route(log)).toEqual(['POST /api/v1/runs', 'GET /api/v1/runs/run_abc123/stream', 'GET /api/v1/runs/run_abc123/result']);
    expect(JSON.parse(log.requests[0]!.body)).toEqual({ prompt: 'Analyze quarterly sales data' });
    expect(log.requests[0]!.headers.get('idempotency-key')).toBe('k1');
  });

  it('works with the server form (status, progress, result)', async () => {
    const log = job(() => sseResponse([frames(serverForm({ event: 'result', data: { result: 'sales up' } }), '\r\n')]));
    const seen: string[] = [];
    const output = await client().jobs.run({ prompt: 'x' }, { onEvent: (event) => seen.push(event.type) });
    expect(output).toEqual({ summary: 'sales up' });
    expect(seen).toEqual(['created', 'status', 'progress', 'result']);
    expect(route(log)).toContain('GET /api/v1/runs/run_abc123/result');
  });

  it.each([
    ['complete with status failed', [{ data: { event: 'complete', data: { status: 'failed', job_id: 'run_abc123' } } }, { data: '[DONE]' }], 'failed'],
    ['complete with status cancelled', [{ data: { event: 'complete', data: { status: 'cancelled', job_id: 'run_abc123' } } }, { data: '[DONE]' }], 'cancelled'],
    ['the server form cancelled event', serverForm({ event: 'cancelled', data: { message: 'Job was cancelled' } }), 'cancelled'],
  ])('throws StreamError when the job ends with %s, without fetching a result', async (_name, list, status) => {
    const log = job(() => sseResponse([frames(list as Frame[])]));
    const error = await client().jobs.run({ prompt: 'x' }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(StreamError);
    // Told apart by fields, not by the message.
    expect(error).toMatchObject({ code: 'server-error-event', outcome: status, serverStatus: status });
    expect(route(log)).not.toContain('GET /api/v1/runs/run_abc123/result');
  });

  it("gives the job's reason and data in both wire forms of a failure", async () => {
    const reason = 'Agent execution failed: LLM provider returned 503';
    job(() => sseResponse([frames([{ data: { event: 'complete', data: { status: 'failed', job_id: 'run_abc123', error: reason } } }, { data: '[DONE]' }])]));
    const documented = (await client().jobs.run({ prompt: 'x' }).catch((thrown: unknown) => thrown)) as StreamError;
    job(() => sseResponse([frames(serverForm({ event: 'error', data: { job_id: 'run_abc123', error: reason } }))]));
    const named = (await client().jobs.run({ prompt: 'x' }).catch((thrown: unknown) => thrown)) as StreamError;
    for (const error of [documented, named]) {
      expect(error).toBeInstanceOf(StreamError);
      expect(error).toMatchObject({ code: 'server-error-event', outcome: 'failed', serverStatus: 'failed' });
      expect(error.message).toContain(reason);
      expect(JSON.stringify(JSON.parse(error.data!))).toContain(reason);
    }
  });

  it("gives the reason the REST API reports when the stream ends at [DONE] without a status", async () => {
    job(() => sseResponse([frames([{ data: '[DONE]' }])]), { status: 'failed', error: 'Out of credits' });
    const error = (await client().jobs.run({ prompt: 'x' }).catch((thrown: unknown) => thrown)) as StreamError;
    expect(error).toMatchObject({ code: 'server-error-event', outcome: 'failed', serverStatus: 'failed' });
    expect(error.message).toBe('runstream: job run_abc123 finished with status "failed": Out of credits');
    expect(JSON.parse(error.data!)).toMatchObject({ status: 'failed', error: 'Out of credits' });
  });

  it("reports a documented-form failure's reason on the stream's outcome", async () => {
    server.use(http.get(STREAM, () => sseResponse([frames([{ data: { event: 'complete', data: { status: 'failed', job_id: 'run_abc123', error: 'Agent crashed' } } }])])));
    const stream = client().jobs.stream('run_abc123');
    await collect(stream);
    expect(stream.outcome).toMatchObject({ type: 'failed', serverStatus: 'failed', message: 'Agent crashed' });
  });

  it('throws StreamError server-error-event when the server form sends error', async () => {
    const log = job(() => sseResponse([frames(serverForm({ event: 'error', data: { error: 'Agent crashed' } }))]));
    const error = await client().jobs.run({ prompt: 'x' }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'server-error-event', outcome: 'failed', serverStatus: 'failed' });
    expect((error as Error).message).toContain('Agent crashed');
    expect(route(log)).not.toContain('GET /api/v1/runs/run_abc123/result');
  });

  it('asks for the status when the stream ends at [DONE] without one', async () => {
    const log = job(() => sseResponse([frames([{ data: { event: 'log', data: { message: 'hi' } } }, { data: '[DONE]' }])]));
    const output = await client().jobs.run({ prompt: 'x' });
    expect(output).toEqual({ summary: 'sales up' });
    expect(route(log)).toEqual(ASKED_STATUS_THEN_RESULT);
  });

  it('returns the result of a job that finished before its stream opened (stream answers 400)', async () => {
    const log = job(() => HttpResponse.json({ detail: 'Job already completed' }, { status: 400 }));
    const output = await client().jobs.run({ prompt: 'x' });
    expect(output).toEqual({ summary: 'sales up' });
    expect(route(log)).toEqual(ASKED_STATUS_THEN_RESULT);
  });

  it('throws StreamError for a job that failed before its stream opened', async () => {
    job(() => HttpResponse.json({ detail: 'Job already completed' }, { status: 400 }), { status: 'failed' });
    const error = await client().jobs.run({ prompt: 'x' }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(StreamError);
    expect((error as Error).message).toContain('"failed"');
  });

  it('rethrows a stream 400 when the job is not finished', async () => {
    job(() => HttpResponse.json({ detail: 'bad request' }, { status: 400 }), { status: 'running' });
    const error = await client().jobs.run({ prompt: 'x' }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ status: 400, body: { detail: 'bad request' } });
  });

  it('sends per-call headers on every request of the run, and the Idempotency-Key on create only', async () => {
    const log = job(() => sseResponse([frames([{ data: '[DONE]' }])]));
    await client().jobs.run({ prompt: 'x' }, { headers: { 'x-tenant': 't1' }, idempotencyKey: 'k1' });
    expect(route(log)).toHaveLength(4);
    expect(log.requests.map((request) => request.headers.get('x-tenant'))).toEqual(['t1', 't1', 't1', 't1']);
    expect(log.requests.map((request) => request.headers.get('idempotency-key'))).toEqual(['k1', null, null, null]);
  });

  it('rejects with the abort reason when the signal aborts mid-stream, without fetching a result', async () => {
    const log = job(() => sseResponse([frames(documented)]));
    const controller = new AbortController();
    const reason = new Error('user gave up');
    const error = await client()
      .jobs.run({ prompt: 'x' }, { signal: controller.signal, onEvent: (event) => event.type === 'progress' && controller.abort(reason) })
      .catch((thrown: unknown) => thrown);
    expect(error).toBe(reason);
    expect(route(log)).toEqual(['POST /api/v1/runs', 'GET /api/v1/runs/run_abc123/stream']);
  });

  it('sends no stream request when the signal aborts at the created event', async () => {
    const log = job(() => sseResponse([frames(documented)]));
    const controller = new AbortController();
    const error = await client()
      .jobs.run({ prompt: 'x' }, { signal: controller.signal, onEvent: (event) => event.type === 'created' && controller.abort(new Error('stop')) })
      .catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ message: 'stop' });
    expect(route(log)).toEqual(['POST /api/v1/runs']);
  });

  it('fails with the create call\'s HTTPError, before any stream request', async () => {
    const log = new RequestLog();
    server.use(
      http.post(RUNS, async ({ request }) => {
        await log.take(request);
        return HttpResponse.json({ detail: 'prompt is required' }, { status: 400 });
      }),
    );
    const error = await client().jobs.run({ prompt: '' }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ status: 400, method: 'POST', url: RUNS });
    expect(log.count).toBe(1);
  });

  it('rethrows a stream 404 as HTTPError', async () => {
    job(() => HttpResponse.json({ detail: 'Job not found' }, { status: 404 }));
    const error = await client().jobs.run({ prompt: 'x' }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ status: 404 });
  });
});

describe('jobs.stream recovers what the wire cannot tell', () => {
  /** Serves the stream with `responses` in order, the job's state with `states` in order, and its result. */
  function recovering(responses: (() => Response)[], states: { status: string }[]): RequestLog {
    const log = new RequestLog();
    let streams = 0;
    let polls = 0;
    server.use(
      http.get(STREAM, async ({ request }) => {
        await log.take(request);
        return responses[streams++]!();
      }),
      http.get(`${RUNS}/:jobId/result`, async ({ request }) => {
        await log.take(request);
        return HttpResponse.json({ job_id: 'run_abc123', status: 'succeeded', result: { summary: 'sales up' } });
      }),
      http.get(`${RUNS}/:jobId`, async ({ request }) => {
        await log.take(request);
        return HttpResponse.json({ job_id: 'run_abc123', ...states[Math.min(polls++, states.length - 1)] });
      }),
    );
    return log;
  }
  const paths = (log: RequestLog) => log.requests.map(({ url }) => url.pathname);
  const instant = { reconnect: { sleep: () => Promise.resolve(), random: () => 0 } };

  it('marks a gap after a reconnect without ids with the job state, then goes on', async () => {
    const log = recovering(
      [
        () => sseResponse([frames(documented.slice(0, 2))]),
        () => sseResponse([frames(documented.slice(2))]),
      ],
      [{ status: 'running' }],
    );
    const events = await collect(client().jobs.stream('run_abc123', instant));
    expect(events.map((event) => event.type)).toEqual(['progress', 'log', 'resync', 'progress', 'complete']);
    expect(events[2]!.data).toEqual({ reason: 'reconnected', state: { job_id: 'run_abc123', status: 'running' }, result: undefined, recovered: true });
    expect(paths(log)).toEqual(['/api/v1/runs/run_abc123/stream', '/api/v1/runs/run_abc123/stream', '/api/v1/runs/run_abc123']);
  });

  it('ends with the true outcome and the result when the job finished while disconnected', async () => {
    const log = recovering(
      [
        () => sseResponse([frames(documented.slice(0, 2))]),
        () => HttpResponse.json({ detail: 'Job already completed (no stream available)' }, { status: 400 }),
      ],
      [{ status: 'succeeded' }],
    );
    const stream = client().jobs.stream('run_abc123', instant);
    const events = await collect(stream);
    expect(events.map((event) => event.type)).toEqual(['progress', 'log', 'resync']);
    expect(events[2]!.data).toMatchObject({ reason: 'http-error', state: { status: 'succeeded' }, result: { result: { summary: 'sales up' } }, recovered: true });
    expect(stream.outcome).toMatchObject({ type: 'completed', serverStatus: 'succeeded', event: { type: 'resync' } });
    expect(paths(log)).toContain('/api/v1/runs/run_abc123/result');
  });

  it.each([
    ['failed', 'failed'],
    ['cancelled', 'cancelled'],
  ])('settles a job that already %s without a stream: outcome, no error', async (status, outcome) => {
    recovering([() => HttpResponse.json({ detail: 'Job already completed (no stream available)' }, { status: 400 })], [{ status }]);
    const stream = client().jobs.stream('run_abc123');
    expect((await collect(stream)).map((event) => event.type)).toEqual(['resync']);
    expect(stream.outcome).toMatchObject({ type: outcome, serverStatus: status });
  });

  it('keeps the 400 as the error when the job has not finished after all', async () => {
    recovering([() => HttpResponse.json({ detail: 'Bad request' }, { status: 400 })], [{ status: 'running' }]);
    const error = await collect(client().jobs.stream('run_abc123')).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ status: 400 });
  });

  it('jobs.run() rejects as cancelled for a job cancelled while its stream was down (the reconnect answers 400)', async () => {
    server.use(http.post(RUNS, () => HttpResponse.json({ job_id: 'run_abc123', status: 'queued' }, { status: 202 })));
    // The order a busy machine can produce: two events, the connection drops, the job is
    // cancelled meanwhile, and the reconnect finds it finished.
    const rest = recovering(
      [
        () => sseResponse([frames(documented.slice(0, 2))]),
        () => HttpResponse.json({ detail: 'Job already completed (no stream available)' }, { status: 400 }),
      ],
      [{ status: 'cancelled' }],
    );
    const seen: string[] = [];
    const error = await client()
      .jobs.run({ prompt: 'x' }, { onEvent: (event) => seen.push(event.type), ...instant })
      .catch((thrown: unknown) => thrown);

    expect(seen).toEqual(['created', 'progress', 'log', 'resync']);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'server-error-event', outcome: 'cancelled', serverStatus: 'cancelled', event: 'resync' });
    // A cancelled job has no result to fetch.
    expect(paths(rest)).toEqual(['/api/v1/runs/run_abc123/stream', '/api/v1/runs/run_abc123/stream', '/api/v1/runs/run_abc123']);
  });

  it('jobs.run() returns the result the resync fetched, without fetching it twice', async () => {
    const log = new RequestLog();
    server.use(
      http.post(RUNS, async ({ request }) => {
        await log.take(request);
        return HttpResponse.json({ job_id: 'run_abc123', status: 'queued' }, { status: 202 });
      }),
    );
    const rest = recovering([() => HttpResponse.json({ detail: 'Job already completed (no stream available)' }, { status: 400 })], [{ status: 'succeeded' }]);
    const output = await client().jobs.run<{ summary: string }>({ prompt: 'x' });
    expect(output).toEqual({ summary: 'sales up' });
    expect(paths(rest).filter((path) => path.endsWith('/result'))).toHaveLength(1);
    expect(log.count).toBe(1);
  });
});
