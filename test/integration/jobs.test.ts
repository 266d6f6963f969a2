import { describe, expect, it } from 'vitest';
import { HTTPError, StreamError, type PraisonAIJob, type PraisonAIJobCreateParams, type PraisonAIJobState } from '../../src/index.js';
import { budget, collect, collectUntilError, FAST_RECONNECT, idsOf, rejection, typesOf, watch, useReferenceServer } from './support.js';

// 20 ms per step: a job takes about 160 ms from its first use (its stream, status, result or
// cancel request; not its creation). PraisonAI needs no key.
const ref = useReferenceServer({ eventDelay: 20 }, { reconnect: FAST_RECONNECT });
// A job that takes no step of its own while a test runs (one a minute): what a test sees of it
// depends only on the order of the test's own requests, never on how fast the machine is.
const held = useReferenceServer({ eventDelay: 60_000 }, { reconnect: FAST_RECONNECT });

const DOCUMENTED = ['progress', 'log', 'progress', 'progress', 'log', 'progress', 'progress', 'complete'];
const NAMED = ['status', 'progress', 'progress', 'progress', 'progress', 'progress', 'result'];

describe('PraisonAI async jobs over a real socket', () => {
  it('streams the documented form: unnamed envelopes ending with complete (and [DONE])', async () => {
    const log = watch(ref.server);
    const events = await collect(ref.client.jobs.stream('run_abc123', { signal: budget() }));

    expect(typesOf(events)).toEqual(DOCUMENTED);
    expect(events[0]!.data).toEqual({ percentage: 0, current_step: 'Initializing' });
    expect(events[1]!.data).toEqual({ message: 'Agent started processing' });
    expect(events.at(-1)!.data).toEqual({ status: 'succeeded', job_id: 'run_abc123' });
    expect(idsOf(events).every((id) => id === '')).toBe(true);
    expect(log.requests('/api/v1/runs/run_abc123/stream')).toHaveLength(1);
    expect(log.requests()[0]!.headers.authorization).toBeUndefined();
  });

  it('streams the server form: named events, CRLF, ids, heartbeat and ping left out', async () => {
    const log = watch(ref.server);
    const events = await collect(ref.client.jobs.stream('run_named', { signal: budget() }));

    expect(typesOf(events)).toEqual(NAMED);
    expect(idsOf(events)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(events[0]!.data).toEqual({ job_id: 'run_named', status: 'running' });
    expect(events.slice(1, 6).map((event) => (event.data as { percentage: number }).percentage)).toEqual([0, 25, 50, 75, 100]);
    expect(events.at(-1)!.data).toMatchObject({ job_id: 'run_named', status: 'succeeded', result: expect.stringContaining('Analysis complete') });
    expect(log.requests('/api/v1/runs/run_named/stream')).toHaveLength(1);
  });

  it('fails the server form with StreamError server-error-event after delivering the error event', async () => {
    const { items, error } = await collectUntilError(ref.client.jobs.stream('run_named_error', { signal: budget() }));

    expect(typesOf(items)).toEqual(['status', 'progress', 'progress', 'progress', 'error']);
    expect(items.at(-1)!.data).toMatchObject({ job_id: 'run_named_error', error: expect.stringContaining('503') });
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'server-error-event', event: 'error', lastEventId: '5', message: expect.stringContaining('LLM provider returned 503') });
  });

  it('ends the server form quietly at cancelled', async () => {
    const events = await collect(ref.client.jobs.stream('run_named_cancelled', { signal: budget() }));
    expect(typesOf(events)).toEqual(['status', 'progress', 'progress', 'cancelled']);
    expect(events.at(-1)!.data).toEqual({ job_id: 'run_named_cancelled' });
  });

  it('creates a job, reports its state and refuses its result while it has not finished', async () => {
    const log = watch(held.server);
    const job = await held.client.jobs.create({ prompt: 'Summarize the Q3 report', framework: 'praisonai' });

    expect(job).toMatchObject({ job_id: expect.stringMatching(/^run_[0-9a-f]{12}$/), status: 'queued' });
    expect(job.poll_url).toBe(`/api/v1/runs/${job.job_id}`);
    expect(job.stream_url).toBe(`/api/v1/runs/${job.job_id}/stream`);
    expect(log.requests('/api/v1/runs')[0]).toMatchObject({
      method: 'POST',
      body: { prompt: 'Summarize the Q3 report', framework: 'praisonai' },
      headers: { 'content-type': 'application/json' },
    });

    const state = await held.client.jobs.retrieve(job.job_id);
    expect(state).toMatchObject({ job_id: job.job_id, status: 'queued', retry_after: 2 });

    const early = await rejection(held.client.jobs.result(job.job_id));
    expect(early).toBeInstanceOf(HTTPError);
    expect(early).toMatchObject({ status: 409, body: { detail: expect.stringContaining('not completed') } });
  });

  it('streams a created job from its first step, then reports it succeeded and returns its result', async () => {
    const job = await ref.client.jobs.create({ prompt: 'Summarize the Q3 report', framework: 'praisonai' });
    const events = await collect(ref.client.jobs.stream(job.job_id, { signal: budget() }));
    expect(typesOf(events)).toEqual(DOCUMENTED);

    const done = await ref.client.jobs.retrieve(job.job_id);
    expect(done).toMatchObject({ status: 'succeeded', progress_percentage: 100 });
    const result = await ref.client.jobs.result(job.job_id);
    expect(result).toEqual({ job_id: job.job_id, status: 'succeeded', result: expect.stringContaining('Summarize the Q3 report') });
  });

  it('returns the same job for the same Idempotency-Key', async () => {
    const log = watch(ref.server);
    const first = await ref.client.jobs.create({ prompt: 'Draft a memo' }, { idempotencyKey: 'idem-42' });
    const second = await ref.client.jobs.create({ prompt: 'Draft a memo' }, { idempotencyKey: 'idem-42' });
    const other = await ref.client.jobs.create({ prompt: 'Draft a memo' }, { idempotencyKey: 'idem-43' });

    expect(second.job_id).toBe(first.job_id);
    expect(other.job_id).not.toBe(first.job_id);
    expect(log.requests('/api/v1/runs').map((request) => request.headers['idempotency-key'])).toEqual(['idem-42', 'idem-42', 'idem-43']);
  });

  it('runs a job in one call with jobs.run(), reporting progress to onEvent and returning the result', async () => {
    const percentages: number[] = [];
    const result = await ref.client.jobs.run(
      { prompt: 'Analyze quarterly sales data' },
      {
        onEvent: (event) => {
          if (event.type === 'progress') percentages.push(event.data.percentage);
        },
        signal: budget(),
      },
    );
    expect(result).toBe('Analysis complete for “Analyze quarterly sales data” (28 characters).');
    expect(percentages).toEqual([0, 25, 50, 75, 100]);
  });

  it('returns the result again from jobs.run() with the same Idempotency-Key, though the finished job has no stream', async () => {
    const log = watch(ref.server);
    const first = await ref.client.jobs.run({ prompt: 'Idempotent analysis' }, { idempotencyKey: 'idem-run-1', signal: budget() });
    const second = await ref.client.jobs.run({ prompt: 'Idempotent analysis' }, { idempotencyKey: 'idem-run-1', signal: budget() });

    expect(second).toBe(first);
    const streams = log.requests().filter((request) => request.path.endsWith('/stream'));
    expect(streams).toHaveLength(2);
    expect(log.streams().filter((stream) => stream.path.endsWith('/stream'))).toHaveLength(1);
  });

  it('runs a server-form job with jobs.run()', async () => {
    const types: string[] = [];
    const result = await ref.client.jobs.run({ prompt: 'a named job' }, { onEvent: (event) => types.push(event.type), signal: budget() });
    expect(result).toContain('a named job');
    expect(types).toEqual(['created', ...NAMED]);
  });

  it('fails jobs.run() with StreamError when the job fails', async () => {
    const error = await rejection(ref.client.jobs.run({ prompt: 'a named job that will fail' }, { signal: budget() }));
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'server-error-event', message: expect.stringContaining('503') });
  });

  it('ends a failed documented-form stream quietly with complete {status: failed}; jobs.run() rejects', async () => {
    const job = await ref.client.jobs.create({ prompt: 'This one will fail' });
    const events = await collect(ref.client.jobs.stream(job.job_id, { signal: budget() }));
    expect(typesOf(events)).toEqual(['progress', 'log', 'progress', 'progress', 'log', 'complete']);
    expect(events.at(-1)!.data).toMatchObject({ status: 'failed', job_id: job.job_id, error: expect.stringContaining('503') });
    expect(await ref.client.jobs.result(job.job_id)).toMatchObject({ status: 'failed', result: null });

    const error = await rejection(ref.client.jobs.run({ prompt: 'Another that will fail' }, { signal: budget() }));
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'server-error-event', message: expect.stringContaining('"failed"') });
  });

  // A cancelled job ends cancelled whichever comes first, the cancel or the stream request: the
  // tests below force each order (and a drop between them) instead of racing the job's clock.
  it.each([
    ['documented', 'A long analysis', 'complete', { status: 'cancelled' }, ''],
    ['named', 'A long named analysis', 'cancelled', {}, '1'],
  ])('a %s-form job cancelled while its stream is open: the stream ends with its cancelled event', async (_form, prompt, type, data, id) => {
    const job = await held.client.jobs.create({ prompt });
    let cancelled: Promise<PraisonAIJobState> | undefined;
    // onOpen: the server has taken the stream request, so the cancel comes after it.
    const stream = held.client.jobs.stream(job.job_id, { signal: budget(), onOpen: () => (cancelled ??= held.client.jobs.cancel(job.job_id)) });

    const events = await collect(stream);

    expect(await cancelled).toMatchObject({ job_id: job.job_id, status: 'cancelled' });
    expect(events).toEqual([expect.objectContaining({ type, id, data: { ...data, job_id: job.job_id } })]);
    expect(stream.outcome).toMatchObject({ type: 'cancelled', serverStatus: 'cancelled', event: { type } });
    expect(await rejection(held.client.jobs.cancel(job.job_id))).toMatchObject({ status: 409 });
  });

  it('a job cancelled before its stream opens: the stream answers 400 and ends cancelled, by the job status', async () => {
    const job = await ref.client.jobs.create({ prompt: 'A long analysis' });
    expect(await ref.client.jobs.cancel(job.job_id)).toMatchObject({ job_id: job.job_id, status: 'cancelled' });
    const log = watch(ref.server);

    const stream = ref.client.jobs.stream(job.job_id, { signal: budget() });
    const events = await collect(stream);

    expect(typesOf(events)).toEqual(['resync']);
    expect(events[0]!.data).toMatchObject({ reason: 'http-error', state: { job_id: job.job_id, status: 'cancelled', retry_after: null }, recovered: true });
    expect(stream.outcome).toMatchObject({ type: 'cancelled', serverStatus: 'cancelled', event: { type: 'resync' } });
    // A cancelled job has no result to fetch.
    expect(log.requests().map((request) => request.path)).toEqual([`/api/v1/runs/${job.job_id}/stream`, `/api/v1/runs/${job.job_id}`]);
    expect(await rejection(ref.client.jobs.cancel(job.job_id))).toMatchObject({ status: 409 });
  });

  it('a job cancelled while its stream is down: the reconnect answers 400 and the stream ends cancelled, by the job status', async () => {
    const job = await held.client.jobs.create({ prompt: 'A long analysis' });
    const path = `/api/v1/runs/${job.job_id}/stream`;
    const log = watch(held.server);
    let cancelled: PraisonAIJobState | undefined;
    const stream = held.client.jobs.stream(job.job_id, {
      signal: budget(),
      // The connection drops as soon as it opens, and the job is cancelled during the reconnect
      // wait: the reconnect comes after the cancel.
      onOpen: () => held.server.dropOpen(path),
      reconnect: {
        ...FAST_RECONNECT,
        sleep: async () => {
          cancelled = await held.client.jobs.cancel(job.job_id);
        },
      },
    });

    const events = await collect(stream);

    expect(cancelled).toMatchObject({ status: 'cancelled' });
    expect(typesOf(events)).toEqual(['resync']);
    expect(events[0]!.data).toMatchObject({ reason: 'http-error', state: { status: 'cancelled' }, recovered: true });
    expect(stream.outcome).toMatchObject({ type: 'cancelled', serverStatus: 'cancelled' });
    expect(log.requests(path)).toHaveLength(2);
    expect(log.streams(path).map((record) => record.state)).toEqual(['dropped']);
  });

  it('settles a finished job by its status and result when its stream answers 400, without a stream', async () => {
    const job = await ref.client.jobs.create({ prompt: 'Quick one' });
    await collect(ref.client.jobs.stream(job.job_id, { signal: budget() }));
    const log = watch(ref.server);

    const stream = ref.client.jobs.stream(job.job_id, { signal: budget() });
    const events = await collect(stream);
    expect(typesOf(events)).toEqual(['resync']);
    expect(events[0]!.data).toMatchObject({ reason: 'http-error', state: { job_id: job.job_id, status: 'succeeded' }, result: { status: 'succeeded' }, recovered: true });
    expect(stream.outcome).toMatchObject({ type: 'completed', serverStatus: 'succeeded' });
    expect(log.requests().map((request) => request.path)).toEqual([
      `/api/v1/runs/${job.job_id}/stream`,
      `/api/v1/runs/${job.job_id}`,
      `/api/v1/runs/${job.job_id}/result`,
    ]);
  });

  it('maps 400 and 404 to HTTPError with status and parsed body', async () => {
    const missing = await rejection(ref.client.jobs.create({ agent_file: 'agents.yaml' } as unknown as PraisonAIJobCreateParams));
    expect(missing).toBeInstanceOf(HTTPError);
    expect(missing).toMatchObject({ status: 400, method: 'POST', body: { detail: 'prompt is required' } });
    expect((missing as HTTPError).message).toContain('prompt is required');

    const unknown = await rejection(ref.client.jobs.retrieve('run_does_not_exist'));
    expect(unknown).toMatchObject({ status: 404, body: { detail: 'Job not found' } });
    const unknownResult = await rejection(ref.client.jobs.result('run_does_not_exist'));
    expect(unknownResult).toMatchObject({ status: 404 });
    const unknownStream = await rejection(collect(ref.client.jobs.stream('run_does_not_exist', { signal: budget() })));
    expect(unknownStream).toBeInstanceOf(HTTPError);
    expect(unknownStream).toMatchObject({ status: 404, body: { detail: 'Job not found' } });
  });
});

describe('jobs.start() over a real socket: create once, then watch', () => {
  it('creates the job, delivers created with its id, then streams it to its end', async () => {
    const log = watch(ref.server);
    const stream = ref.client.jobs.start({ prompt: 'Summarize the Q3 report' }, { idempotencyKey: 'start-1', headers: { 'x-tenant': 'acme' }, signal: budget() });
    const events = await collect(stream);

    expect(typesOf(events)).toEqual(['created', ...DOCUMENTED]);
    const job = events[0]!.data as PraisonAIJob;
    expect(job).toMatchObject({ job_id: expect.stringMatching(/^run_[0-9a-f]{12}$/), status: 'queued', stream_url: `/api/v1/runs/${job.job_id}/stream` });
    expect(stream.outcome).toMatchObject({ type: 'completed', serverStatus: 'succeeded', event: { type: 'complete' } });
    expect(log.requests().map((request) => `${request.method} ${request.path}`)).toEqual(['POST /api/v1/runs', `GET /api/v1/runs/${job.job_id}/stream`]);
    expect(log.requests().map((request) => [request.headers['idempotency-key'], request.headers['x-tenant']])).toEqual([
      ['start-1', 'acme'],
      [undefined, 'acme'],
    ]);
  });

  it('fails with the create call\'s HTTPError 400 and sends no stream request', async () => {
    const log = watch(ref.server);
    const stream = ref.client.jobs.start({ prompt: '   ' }, { signal: budget() });
    const error = await rejection(collect(stream));

    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ status: 400, method: 'POST', body: { detail: 'prompt is required' } });
    expect(stream.outcome).toEqual({ type: 'error', error });
    expect(log.requests().map((request) => `${request.method} ${request.path}`)).toEqual(['POST /api/v1/runs']);
  });

  it('a started job cancelled by the id in created, while its stream is open: ends with its cancelled event', async () => {
    let jobId = '';
    let cancelled: Promise<PraisonAIJobState> | undefined;
    const stream = held.client.jobs.start(
      { prompt: 'A long analysis' },
      // onOpen: the server has taken the stream request, so the cancel comes after it.
      { signal: budget(), onOpen: () => (cancelled ??= held.client.jobs.cancel(jobId)) },
    );
    stream.addEventListener('created', (event) => (jobId = event.data.job_id));

    const events = await collect(stream);

    expect(await cancelled).toMatchObject({ job_id: jobId, status: 'cancelled' });
    expect(typesOf(events)).toEqual(['created', 'complete']);
    expect(events[1]!.data).toEqual({ status: 'cancelled', job_id: jobId });
    expect(stream.outcome).toMatchObject({ type: 'cancelled', serverStatus: 'cancelled', event: { type: 'complete' } });
  });

  it('never sends the create again: a drop reconnects by GET, and the resync asks about the job it created', async () => {
    const log = watch(held.server);
    let jobId = '';
    let cancelled: PraisonAIJobState | undefined;
    const stream = held.client.jobs.start(
      { prompt: 'A long analysis' },
      {
        signal: budget(),
        // The connection drops as soon as it opens, and the job is cancelled during the reconnect
        // wait: the reconnect comes after the cancel and answers 400.
        onOpen: () => held.server.dropOpen(`/api/v1/runs/${jobId}/stream`),
        reconnect: {
          ...FAST_RECONNECT,
          sleep: async () => {
            cancelled = await held.client.jobs.cancel(jobId);
          },
        },
      },
    );
    stream.addEventListener('created', (event) => (jobId = event.data.job_id));

    const events = await collect(stream);

    expect(cancelled).toMatchObject({ status: 'cancelled' });
    expect(typesOf(events)).toEqual(['created', 'resync']);
    expect(events[1]!.data).toMatchObject({ reason: 'http-error', state: { job_id: jobId, status: 'cancelled' }, recovered: true });
    expect(stream.outcome).toMatchObject({ type: 'cancelled', serverStatus: 'cancelled' });
    expect(log.requests().map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /api/v1/runs',
      `GET /api/v1/runs/${jobId}/stream`,
      `POST /api/v1/runs/${jobId}/cancel`,
      `GET /api/v1/runs/${jobId}/stream`,
      `GET /api/v1/runs/${jobId}`,
    ]);
    expect(log.streams(`/api/v1/runs/${jobId}/stream`).map((record) => record.state)).toEqual(['dropped']);
  });
});
