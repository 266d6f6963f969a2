import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { HTTPError, Runstream, type ClientOptions, StreamError, type StreamEvent } from '../../src/index.js';
import { BASE, server, useMsw } from '../helpers/msw.js';
import { collect, frames, sseResponse, type Frame } from '../helpers/sse.js';
import { openResponse } from '../core/support.js';
import { RequestLog, serveOnce, testClient } from './support.js';

useMsw();

const EVENTS = `${BASE}/api/events`;

function client(options: Partial<ClientOptions> = {}): Runstream {
  return testClient(options);
}

function serve(list: readonly Frame[]): RequestLog {
  return serveOnce('get', EVENTS, [frames(list)]);
}

const ping: Frame = { event: 'ping', data: {} };

/** Two runs interleaved on the bus, as the runner multicasts them. */
const bus: Frame[] = [
  ping,
  { event: 'run.started', data: { runId: 'a1b2c3d4', run: { id: 'a1b2c3d4', status: 'in_progress', jobs: [] } } },
  { event: 'run.started', data: { runId: 'ffff0000', run: { id: 'ffff0000', status: 'in_progress', jobs: [] } } },
  { event: 'job.started', data: { runId: 'a1b2c3d4', jobId: 'build', job: { name: 'build', steps: [] } } },
  { event: 'step.log', data: { runId: 'ffff0000', jobId: 'test', stepNumber: 1, line: 'other run\n' } },
  { event: 'step.started', data: { runId: 'a1b2c3d4', jobId: 'build', stepNumber: 1, step: { name: 'Checkout' } } },
  ping,
  { event: 'step.log', data: { runId: 'a1b2c3d4', jobId: 'build', stepNumber: 1, line: 'Workspace already available\n' } },
  { event: 'run.completed', data: { runId: 'ffff0000', run: { status: 'completed', conclusion: 'failure' } } },
  { event: 'step.completed', data: { runId: 'a1b2c3d4', jobId: 'build', stepNumber: 1, step: { conclusion: 'success' } } },
  { event: 'job.completed', data: { runId: 'a1b2c3d4', jobId: 'build', job: { conclusion: 'success' } } },
  { event: 'run.completed', data: { runId: 'a1b2c3d4', run: { status: 'completed', conclusion: 'success' } } },
  { event: 'run.started', data: { runId: 'later', run: { id: 'later' } } },
];

const runIdOf = (event: StreamEvent) => (event.data as { runId: string }).runId;

describe('runner.events (the whole bus)', () => {
  it('sends GET /api/events with Accept and no auth by default', async () => {
    const log = serve([ping]);
    await collect(client().runner.events({ reconnect: false }));
    const request = log.only();
    expect(request.method).toBe('GET');
    expect(request.url.pathname).toBe('/api/events');
    expect(request.headers.get('accept')).toBe('text/event-stream');
    expect(request.headers.get('authorization')).toBeNull();
  });

  it("does not send the client's apiKey unless auth asks for it: the runner documents no auth", async () => {
    const log = serve([ping]);
    await collect(client({ apiKey: 'sk-test-secret' }).runner.events({ reconnect: false }));
    expect(log.only().headers.get('authorization')).toBeNull();
    expect(log.only().headers.get('x-api-key')).toBeNull();
    const bearer = serve([ping]);
    await collect(client({ apiKey: 'sk-test-secret', auth: 'bearer' }).runner.events({ reconnect: false }));
    expect(bearer.only().headers.get('authorization')).toBe('Bearer sk-test-secret');
  });

  it("lets the client auth option override the runner's default", async () => {
    const log = serve([ping]);
    await collect(client({ apiKey: 'sk-test-secret', auth: 'none' }).runner.events({ reconnect: false }));
    expect(log.only().headers.get('authorization')).toBeNull();
    const custom = serve([ping]);
    await collect(client({ apiKey: 'sk-test-secret', auth: { header: 'X-Stax-Token' } }).runner.events({ reconnect: false }));
    expect(custom.only().headers.get('x-stax-token')).toBe('sk-test-secret');
    expect(custom.only().headers.get('authorization')).toBeNull();
  });

  it('keeps a baseUrl path prefix', async () => {
    const log = new RequestLog();
    server.use(
      http.get(`${BASE}/stax/api/events`, async ({ request }) => {
        await log.take(request);
        return sseResponse([frames([ping])]);
      }),
    );
    await collect(client({ baseUrl: `${BASE}/stax` }).runner.events({ reconnect: false }));
    expect(log.only().url.pathname).toBe('/stax/api/events');
  });

  it('skips ping and delivers every event of every run', async () => {
    serve(bus);
    const stream = client().runner.events({ reconnect: false });
    const pings: unknown[] = [];
    stream.addEventListener('ping', (event) => pings.push(event));
    const events = await collect(stream);
    expect(pings).toEqual([]);
    expect(events).toHaveLength(bus.filter((item) => item.event !== 'ping').length);
    expect(new Set(events.map(runIdOf))).toEqual(new Set(['a1b2c3d4', 'ffff0000', 'later']));
    expect(events[0]).toMatchObject({ type: 'run.started', data: { runId: 'a1b2c3d4', run: { id: 'a1b2c3d4' } } });
  });

  it('does not end at run.completed: the bus reconnects until closed', async () => {
    const log = new RequestLog();
    server.use(
      http.get(EVENTS, async ({ request }) => {
        await log.take(request);
        return sseResponse([frames([{ event: 'run.completed', data: { runId: 'a1', run: {} } }])]);
      }),
    );
    const stream = client().runner.events();
    const events: StreamEvent[] = [];
    for await (const event of stream) {
      events.push(event);
      if (events.length === 3) break;
    }
    // The bus does not replay: the gap between the two connections is marked, never silent.
    expect(events.map((event) => event.type)).toEqual(['run.completed', 'resync', 'run.completed']);
    expect(events[1]!.data).toEqual({ reason: 'reconnected', recovered: false });
    expect(log.count).toBe(2);
    expect(stream.readyState).toBe('closed');
  });

  it('gives an unknown event to a string listener but not to the iterator', async () => {
    serve([
      { event: 'weird', data: { runId: 'a1b2c3d4', what: 'new event kind' } },
      { event: 'run.started', data: { runId: 'a1b2c3d4', run: {} } },
    ]);
    const stream = client().runner.events({ reconnect: false });
    const weird: unknown[] = [];
    stream.addEventListener('weird', (event) => weird.push(event.data));
    const events = await collect(stream);
    expect(weird).toEqual([{ runId: 'a1b2c3d4', what: 'new event kind' }]);
    expect(events.map((event) => event.type)).toEqual(['run.started']);
  });

  it('fails with StreamError invalid-data carrying the raw text', async () => {
    serve([{ event: 'step.log', data: 'plain text line' }]);
    const error = await collect(client().runner.events({ reconnect: false })).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'invalid-data', event: 'step.log', data: 'plain text line' });
  });

  it('goes on after invalid data when onInvalidData is given', async () => {
    serve([{ event: 'step.log', data: 'plain text line' }, ...bus]);
    const skipped: string[] = [];
    const events = await collect(client().runner.events({ reconnect: false, onInvalidData: (error) => skipped.push(error.data ?? '') }));
    expect(skipped).toEqual(['plain text line']);
    expect(events.length).toBeGreaterThan(0);
  });

  it('fails with HTTPError on 404', async () => {
    server.use(http.get(EVENTS, () => HttpResponse.json({ error: 'no bus here' }, { status: 404 })));
    const error = await collect(client().runner.events()).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ status: 404, body: { error: 'no bus here' } });
  });
});

/** Answers `GET /api/runs/{id}` with `run` (or a 404), and records the requests. */
function serveRun(runId: string, run: Record<string, unknown> | 404): RequestLog {
  const log = new RequestLog();
  server.use(
    http.get(`${BASE}/api/runs/${runId}`, async ({ request }) => {
      await log.take(request);
      return run === 404 ? HttpResponse.json({ error: 'Run not found' }, { status: 404 }) : HttpResponse.json(run);
    }),
  );
  return log;
}

describe('runner.stream (one run)', () => {
  it("delivers the run's state, then only the run's events, and ends at its run.completed", async () => {
    const log = serve(bus);
    const rest = serveRun('a1b2c3d4', { id: 'a1b2c3d4', status: 'in_progress', jobs: [] });
    const stream = client().runner.stream('a1b2c3d4');
    const events = await collect(stream);
    expect(events.map((event) => event.type)).toEqual([
      'resync',
      'run.started',
      'job.started',
      'step.started',
      'step.log',
      'step.completed',
      'job.completed',
      'run.completed',
    ]);
    expect(events[0]!.data).toEqual({ reason: 'subscribed', runId: 'a1b2c3d4', run: { id: 'a1b2c3d4', status: 'in_progress', jobs: [] }, recovered: true });
    expect(events.every((event) => runIdOf(event) === 'a1b2c3d4')).toBe(true);
    expect(events.at(-1)!.data).toEqual({ runId: 'a1b2c3d4', run: { status: 'completed', conclusion: 'success' } });
    expect(log.count).toBe(1);
    expect(rest.count).toBe(1);
    await expect(stream.finished).resolves.toMatchObject({ type: 'completed', serverStatus: 'completed', event: { type: 'run.completed' } });
  });

  it("gives listeners only the run's events", async () => {
    serve(bus);
    serveRun('a1b2c3d4', { id: 'a1b2c3d4', status: 'in_progress' });
    const stream = client().runner.stream('a1b2c3d4');
    const lines: string[] = [];
    stream.addEventListener('step.log', (event) => lines.push(event.data.line));
    await stream.finished;
    expect(lines).toEqual(['Workspace already available\n']);
  });

  it.each([
    ['completed', 'success', 'completed'],
    ['failed', 'failure', 'failed'],
    ['cancelled', 'cancelled', 'cancelled'],
  ])('ends at once, with its outcome, when the run already finished (%s)', async (status, conclusion, outcome) => {
    server.use(http.get(EVENTS, () => openResponse([frames([ping])])));
    serveRun('done1', { id: 'done1', status, conclusion });
    const stream = client().runner.stream('done1');
    const events = await collect(stream);
    expect(events.map((event) => event.type)).toEqual(['resync']);
    expect(stream.outcome).toMatchObject({ type: outcome, serverStatus: status, event: { type: 'resync' } });
  });

  it('fails with a typed 404 for a run the runner does not know, instead of waiting for ever', async () => {
    server.use(http.get(EVENTS, () => openResponse([frames([ping])])));
    serveRun('nope', 404);
    const error = await collect(client().runner.stream('nope')).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ status: 404, body: { error: 'Run not found' } });
  });

  it('marks the gap as unrecovered when the runner cannot be asked', async () => {
    serve(bus);
    server.use(http.get(`${BASE}/api/runs/a1b2c3d4`, () => HttpResponse.error()));
    const events = await collect(client().runner.stream('a1b2c3d4'));
    expect(events[0]).toMatchObject({ type: 'resync', data: { reason: 'subscribed', runId: 'a1b2c3d4', run: undefined, recovered: false } });
    expect(events.at(-1)!.type).toBe('run.completed');
  });

  it('throws TypeError synchronously without a runId', () => {
    expect(() => client().runner.stream('')).toThrow(TypeError);
  });
});

describe('runner.start', () => {
  it('subscribes first, then POSTs once, and yields the run from its run.started', async () => {
    const order: string[] = [];
    server.use(
      http.get(EVENTS, () => {
        order.push('GET /api/events');
        return sseResponse([frames(bus)]);
      }),
      http.post(`${BASE}/api/runs`, async ({ request }) => {
        order.push(`POST /api/runs ${await request.text()}`);
        return HttpResponse.json({ id: 'a1b2c3d4', workflow: 'build', status: 'in_progress', jobs: [] }, { status: 201 });
      }),
    );
    const stream = client().runner.start({ workflow: 'build', inputs: { ref: 'main' } });
    const events = await collect(stream);
    expect(order).toEqual(['GET /api/events', 'POST /api/runs {"workflow":"build","inputs":{"ref":"main"}}']);
    expect(events[0]).toMatchObject({ type: 'run.started', data: { runId: 'a1b2c3d4' } });
    expect(events.at(-1)!.type).toBe('run.completed');
    expect(events.every((event) => runIdOf(event) === 'a1b2c3d4')).toBe(true);
    expect(stream.outcome).toMatchObject({ type: 'completed' });
  });

  it('fails with the HTTPError 400 of an unknown workflow', async () => {
    server.use(
      http.get(EVENTS, () => openResponse([frames([ping])])),
      http.post(`${BASE}/api/runs`, () => HttpResponse.json({ error: 'Unknown workflow: nope' }, { status: 400 })),
    );
    const error = await collect(client().runner.start({ workflow: 'nope' })).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ status: 400, method: 'POST' });
    expect((error as Error).message).toContain('Unknown workflow: nope');
  });
});

describe('runner.run', () => {
  /** The bus of `bus`, and a POST that starts run a1b2c3d4. */
  function serveStart(list: readonly Frame[] = bus): void {
    server.use(
      http.get(EVENTS, () => sseResponse([frames(list)])),
      http.post(`${BASE}/api/runs`, () => HttpResponse.json({ id: 'a1b2c3d4', workflow: 'build', status: 'in_progress', jobs: [] }, { status: 201 })),
    );
  }

  it('starts the run, passes its events to onEvent, and resolves with the finished run', async () => {
    serveStart();
    const seen: string[] = [];
    const run = await client().runner.run({ workflow: 'build' }, { onEvent: (event) => seen.push(event.type) });
    expect(run).toEqual({ id: 'a1b2c3d4', status: 'completed', conclusion: 'success' });
    expect(seen).toEqual(['run.started', 'job.started', 'step.started', 'step.log', 'step.completed', 'job.completed', 'run.completed']);
  });

  it('rejects with StreamError outcome failed when the run fails', async () => {
    serveStart([{ event: 'run.started', data: { runId: 'a1b2c3d4', run: { id: 'a1b2c3d4' } } }, { event: 'run.completed', data: { runId: 'a1b2c3d4', run: { status: 'failed', conclusion: 'failure' } } }]);
    const error = await client().runner.run({ workflow: 'build' }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'server-error-event', outcome: 'failed', serverStatus: 'failed', event: 'run.completed' });
  });

  it('refuses a bad option before it starts the run', async () => {
    // No handler: a started run would be an unhandled request, which fails the test.
    await expect(client().runner.run({ workflow: 'build' }, { idleTimeout: -1 })).rejects.toThrow(RangeError);
  });
});

describe('runner REST calls', () => {
  it('retrieve(), cancel() and list() call the run API', async () => {
    const seen: string[] = [];
    server.use(
      http.get(`${BASE}/api/runs/a1`, () => {
        seen.push('GET /api/runs/a1');
        return HttpResponse.json({ id: 'a1', status: 'in_progress' });
      }),
      http.post(`${BASE}/api/runs/a1/cancel`, () => {
        seen.push('POST /api/runs/a1/cancel');
        return HttpResponse.json({ id: 'a1', status: 'cancelled' });
      }),
      http.get(`${BASE}/api/runs`, () => {
        seen.push('GET /api/runs');
        return HttpResponse.json([{ id: 'a1' }, { id: 'b2' }]);
      }),
      http.post(`${BASE}/api/runs/done/cancel`, () => HttpResponse.json({ error: 'Run already completed' }, { status: 409 })),
    );
    const runner = client().runner;
    expect(await runner.retrieve('a1')).toEqual({ id: 'a1', status: 'in_progress' });
    expect(await runner.cancel('a1')).toEqual({ id: 'a1', status: 'cancelled' });
    expect((await runner.list()).map((run) => run.id)).toEqual(['a1', 'b2']);
    expect(seen).toEqual(['GET /api/runs/a1', 'POST /api/runs/a1/cancel', 'GET /api/runs']);
    await expect(runner.cancel('done')).rejects.toMatchObject({ name: 'HTTPError', status: 409 });
  });
});
