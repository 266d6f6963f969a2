import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { HTTPError, Runstream, type ClientOptions, StreamError, type StreamEvent } from '../../src/index.js';
import { BASE, server, useMsw } from '../helpers/msw.js';
import { collect, frames, sseResponse, type Frame } from '../helpers/sse.js';
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

describe('runner.stream', () => {
  it('sends GET /api/events with Accept and no auth by default', async () => {
    const log = serve([ping]);
    await collect(client().runner.stream({ reconnect: false }));
    const request = log.only();
    expect(request.method).toBe('GET');
    expect(request.url.pathname).toBe('/api/events');
    expect(request.headers.get('accept')).toBe('text/event-stream');
    expect(request.headers.get('authorization')).toBeNull();
  });

  it("does not send the client's apiKey unless auth asks for it: the runner documents no auth", async () => {
    const log = serve([ping]);
    await collect(client({ apiKey: 'sk-test-secret' }).runner.stream({ reconnect: false }));
    expect(log.only().headers.get('authorization')).toBeNull();
    expect(log.only().headers.get('x-api-key')).toBeNull();
    const bearer = serve([ping]);
    await collect(client({ apiKey: 'sk-test-secret', auth: 'bearer' }).runner.stream({ reconnect: false }));
    expect(bearer.only().headers.get('authorization')).toBe('Bearer sk-test-secret');
  });

  it("lets the client auth option override the runner's default", async () => {
    const log = serve([ping]);
    await collect(client({ apiKey: 'sk-test-secret', auth: 'none' }).runner.stream({ reconnect: false }));
    expect(log.only().headers.get('authorization')).toBeNull();
    const custom = serve([ping]);
    await collect(client({ apiKey: 'sk-test-secret', auth: { header: 'X-Stax-Token' } }).runner.stream({ reconnect: false }));
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
    await collect(client({ baseUrl: `${BASE}/stax` }).runner.stream({ reconnect: false }));
    expect(log.only().url.pathname).toBe('/stax/api/events');
  });

  it('skips ping and delivers every event of every run', async () => {
    serve(bus);
    const stream = client().runner.stream({ reconnect: false });
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
    const stream = client().runner.stream();
    const types: string[] = [];
    for await (const event of stream) {
      types.push(event.type);
      if (types.length === 2) break;
    }
    expect(types).toEqual(['run.completed', 'run.completed']);
    expect(log.count).toBe(2);
    expect(stream.readyState).toBe('closed');
  });

  it('gives an unknown event to a string listener but not to the iterator', async () => {
    serve([
      { event: 'weird', data: { runId: 'a1b2c3d4', what: 'new event kind' } },
      { event: 'run.started', data: { runId: 'a1b2c3d4', run: {} } },
    ]);
    const stream = client().runner.stream({ reconnect: false });
    const weird: unknown[] = [];
    stream.addEventListener('weird', (event) => weird.push(event.data));
    const events = await collect(stream);
    expect(weird).toEqual([{ runId: 'a1b2c3d4', what: 'new event kind' }]);
    expect(events.map((event) => event.type)).toEqual(['run.started']);
  });

  it('fails with StreamError invalid-data carrying the raw text', async () => {
    serve([{ event: 'step.log', data: 'plain text line' }]);
    const error = await collect(client().runner.stream({ reconnect: false })).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'invalid-data', event: 'step.log', data: 'plain text line' });
  });

  it('goes on after invalid data when onInvalidData is given', async () => {
    serve([{ event: 'step.log', data: 'plain text line' }, ...bus]);
    const skipped: string[] = [];
    const events = await collect(client().runner.stream({ reconnect: false, onInvalidData: (error) => skipped.push(error.data ?? '') }));
    expect(skipped).toEqual(['plain text line']);
    expect(events.length).toBeGreaterThan(0);
  });

  it('fails with HTTPError on 404', async () => {
    server.use(http.get(EVENTS, () => HttpResponse.json({ error: 'no bus here' }, { status: 404 })));
    const error = await collect(client().runner.stream()).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ status: 404, body: { error: 'no bus here' } });
  });
});

describe('runner.follow', () => {
  it("delivers only the run's events and ends at its run.completed, in one request", async () => {
    const log = serve(bus);
    const stream = client().runner.follow('a1b2c3d4');
    const events = await collect(stream);
    expect(events.map((event) => event.type)).toEqual([
      'run.started',
      'job.started',
      'step.started',
      'step.log',
      'step.completed',
      'job.completed',
      'run.completed',
    ]);
    expect(events.every((event) => runIdOf(event) === 'a1b2c3d4')).toBe(true);
    expect(events.at(-1)!.data).toEqual({ runId: 'a1b2c3d4', run: { status: 'completed', conclusion: 'success' } });
    expect(log.count).toBe(1);
    await expect(stream.finished).resolves.toMatchObject({ type: 'completed', status: 'completed', event: { type: 'run.completed' } });
  });

  it("gives listeners only the run's events", async () => {
    serve(bus);
    const stream = client().runner.follow('a1b2c3d4');
    const lines: string[] = [];
    stream.addEventListener('step.log', (event) => lines.push(event.data.line));
    await stream.finished;
    expect(lines).toEqual(['Workspace already available\n']);
  });

  it('throws TypeError synchronously without a runId', () => {
    expect(() => client().runner.follow('')).toThrow(TypeError);
  });
});
