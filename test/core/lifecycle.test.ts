/**
 * The lifecycle surface: `observe()`, `getSnapshot()`/`subscribe()` and the client's
 * `onStream`, the one way to see a stream's own life apart from the server's events.
 */
import { HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectionError, HTTPError, Runstream, connect, type StreamFeature, type StreamInfo, type StreamLifecycleEvent, type StreamSnapshot } from '../../src/index.js';
import { instantReconnect } from '../../src/testing/index.js';
import { BASE, useMsw } from '../helpers/msw.js';
import { collect, frame, frames, sseResponse } from '../helpers/sse.js';
import { droppable, rejection, route } from './support.js';

useMsw();

const URL_ = `${BASE}/events`;
const noContent = () => new Response(null, { status: 204 });

/** The steps an observer saw, without the fields that vary (headers, text). */
function steps(seen: readonly StreamLifecycleEvent[]): string[] {
  return seen.map((step) => {
    switch (step.type) {
      case 'connecting':
        return `connecting ${step.request} ${step.method} ${step.lastEventId || '-'}`;
      case 'open':
        return `open ${step.status}${step.reconnected ? ' again' : ''}`;
      case 'refused':
        return `refused ${step.error.status}`;
      case 'bytes':
        return `bytes ${step.bytes}`;
      case 'comment':
        return `comment ${step.comment}`;
      case 'keepalive':
        return `keepalive ${step.event}`;
      case 'retry':
        return `retry ${step.retry}`;
      case 'reconnect':
        return `reconnect ${step.attempt} ${step.delay} ${step.delaySource}`;
      case 'resync':
        return `resync ${step.reason} ${step.recovered ? 'recovered' : 'gap'}`;
      case 'event':
        return `event ${step.event.type}`;
      case 'end':
        return `end ${step.outcome.type}`;
    }
  });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('observe()', () => {
  it('reports each step of a stream in order: request, open, bytes, comment, retry, event, end', async () => {
    const wire = frames([{ comment: ' hi' }, { retry: 250, event: 'greeting', id: '1', data: 'a' }]);
    route('get', '/events', [() => sseResponse([wire])]);
    const stream = connect(URL_, { reconnect: false });
    const seen: StreamLifecycleEvent[] = [];
    stream.observe((step) => seen.push(step));
    await collect(stream);
    expect(steps(seen)).toEqual([
      'connecting 1 GET -',
      'open 200',
      `bytes ${new TextEncoder().encode(wire).byteLength}`,
      'comment hi',
      'retry 250',
      'event greeting',
      'end ended',
    ]);
    const event = seen.find((step) => step.type === 'event');
    expect(event?.type === 'event' && event.event).toEqual({ type: 'greeting', data: 'a', id: '1', raw: 'a' });
    const end = seen.at(-1);
    expect(end?.type === 'end' && end.outcome).toBe(stream.outcome);
  });

  it('reports the bytes of every chunk and their text as decoded', async () => {
    route('get', '/events', [() => sseResponse(['data: é', 't\u00e9\n\n'])]);
    const stream = connect(URL_, { reconnect: false });
    const bytes: [number, string][] = [];
    stream.observe((step) => step.type === 'bytes' && bytes.push([step.bytes, step.text]));
    expect((await collect(stream)).map((event) => event.data)).toEqual(['été']);
    expect(bytes).toEqual([
      [8, 'data: é'],
      [5, 'té\n\n'],
    ]);
  });

  it('names where each reconnect delay came from: backoff, the retry: field, Retry-After', async () => {
    const { reconnect, delays } = instantReconnect({ initialDelay: 1000 });
    const connection = droppable([frame({ id: '1', data: 'a' })]);
    route('get', '/events', [
      connection.response,
      () => sseResponse([frame({ retry: 300, id: '2', data: 'b' })]),
      () => new HttpResponse('busy', { status: 503, headers: { 'retry-after': '7' } }),
      noContent,
    ]);
    const stream = connect(URL_, { reconnect });
    const seen: StreamLifecycleEvent[] = [];
    stream.observe((step) => seen.push(step));
    stream.addEventListener('message', (event) => {
      if (event.id === '1') connection.drop();
    });
    await collect(stream);
    const reconnects = seen.filter((step) => step.type === 'reconnect');
    expect(reconnects.map((step) => [step.attempt, step.delay, step.delaySource])).toEqual([
      [1, 1000, 'backoff'],
      [1, 300, 'retry'],
      [2, 7000, 'retry-after'],
    ]);
    expect(reconnects[0]!.cause).toBeInstanceOf(ConnectionError);
    expect(reconnects[1]!.cause).toBeUndefined();
    expect(reconnects[2]!.cause).toBeInstanceOf(HTTPError);
    expect(delays).toEqual([1000, 300, 7000]);
    // Each later request says which it is and what it resumes from.
    expect(steps(seen).filter((step) => step.startsWith('connecting') || step.startsWith('open'))).toEqual([
      'connecting 1 GET -',
      'open 200',
      'connecting 2 GET 1',
      'open 200 again',
      'connecting 3 GET 2',
      'connecting 4 GET 2',
    ]);
  });

  it('keeps onOpen and onReconnect as sugar over the same steps', async () => {
    const { reconnect } = instantReconnect({ initialDelay: 5 });
    route('get', '/events', [() => sseResponse([frame({ id: '1', data: 'a' })]), noContent]);
    const opens: unknown[] = [];
    const reconnects: unknown[] = [];
    await collect(connect(URL_, { reconnect, onOpen: (info) => opens.push(info), onReconnect: (info) => reconnects.push(info) }));
    expect(opens).toEqual([{ status: 200, headers: expect.any(Headers), lastEventId: '' }]);
    expect(reconnects).toEqual([{ attempt: 1, delay: 5, delaySource: 'backoff', cause: undefined, lastEventId: '1' }]);
  });

  it('reports a platform keepalive event as a step, never as an event', async () => {
    route('get', '/v1/runs/run_1/events', [
      () =>
        sseResponse([
          frames([
            { event: 'heartbeat', data: '{}' },
            { event: 'run.completed', id: '2', data: { run_id: 'run_1', result: {} } },
          ]),
        ]),
    ]);
    const client = new Runstream({ baseUrl: BASE });
    const seen: StreamLifecycleEvent[] = [];
    const events = await collect(client.runs.stream('run_1', { observe: (step) => seen.push(step) }));
    expect(events.map((event) => event.type)).toEqual(['run.completed']);
    expect(steps(seen).filter((step) => !step.startsWith('bytes'))).toEqual([
      'connecting 1 GET -',
      'open 200',
      'keepalive heartbeat',
      'event run.completed',
      'end completed',
    ]);
  });

  it('reports a gap as a resync that recovered nothing, after the resync event', async () => {
    const { reconnect } = instantReconnect();
    const path = '/v1/executions/exec_1/events';
    const connection = droppable([frame({ event: 'node:started', data: { nodeId: 'n1' } })]);
    route('get', path, [
      connection.response,
      () => sseResponse([frame({ event: 'execution:completed', data: { executionId: 'exec_1', status: 'completed' } })]),
    ]);
    const client = new Runstream({ baseUrl: BASE, reconnect });
    const seen: StreamLifecycleEvent[] = [];
    const stream = client.executions.stream('exec_1', { observe: (step) => seen.push(step) });
    stream.addEventListener('node:started', () => connection.drop());
    const events = await collect(stream);
    expect(events.map((event) => event.type)).toEqual(['node:started', 'resync', 'execution:completed']);
    expect(steps(seen).filter((step) => step.startsWith('event') || step.startsWith('resync'))).toEqual([
      'event node:started',
      'event resync',
      'resync reconnected gap',
      'event execution:completed',
    ]);
  });

  it('does not start the stream, and stops when its returned function is called', async () => {
    const seen = route('get', '/events', [() => sseResponse([frames([{ data: 'a' }, { data: 'b' }])])]);
    const stream = connect(URL_, { reconnect: false });
    const types: string[] = [];
    const stop = stream.observe((step) => {
      types.push(step.type);
      if (step.type === 'event') stop();
    });
    await Promise.resolve();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(seen).toHaveLength(0);
    expect(types).toEqual([]);
    await collect(stream);
    expect(types).toEqual(['connecting', 'open', 'bytes', 'event']);
  });

  it('reports an observer that throws and goes on with the stream and the other observers', async () => {
    const reported: unknown[] = [];
    vi.stubGlobal('reportError', (error: unknown) => reported.push(error));
    route('get', '/events', [() => sseResponse([frames([{ data: 'a' }, { data: 'b' }])])]);
    const stream = connect(URL_, { reconnect: false });
    const boom = new Error('observer bug');
    stream.observe((step) => {
      if (step.type === 'event') throw boom;
    });
    const events: string[] = [];
    stream.observe((step) => step.type === 'event' && events.push(step.event.data as string));
    expect((await collect(stream)).map((event) => event.data)).toEqual(['a', 'b']);
    expect(events).toEqual(['a', 'b']);
    expect(reported).toEqual([boom, boom]);
  });

  it('reports the end of a failed stream with its error', async () => {
    route('get', '/events', [() => new HttpResponse('no', { status: 404 })]);
    const stream = connect(URL_);
    const seen: StreamLifecycleEvent[] = [];
    stream.observe((step) => seen.push(step));
    const error = await rejection(stream.finished);
    expect(error).toBeInstanceOf(HTTPError);
    expect(steps(seen)).toEqual(['connecting 1 GET -', 'refused 404', 'end error']);
    const refused = seen[1];
    expect(refused?.type === 'refused' && refused.error).toBe(error);
    const end = seen.at(-1);
    expect(end?.type === 'end' && end.outcome.error).toBe(error);
  });
});

describe('the connecting step', () => {
  it('gives the request headers, secret values masked, Last-Event-ID as sent', async () => {
    route('get', '/events', [() => sseResponse([frame({ id: '7', data: 'a' })])]);
    const stream = connect(URL_, {
      reconnect: false,
      lastEventId: '6',
      headers: { Authorization: 'Bearer sk-live-123', 'X-Tenant': 'acme' },
    });
    const headers: Record<string, string>[] = [];
    stream.observe((step) => step.type === 'connecting' && headers.push({ ...step.headers }));
    await collect(stream);
    expect(headers).toEqual([{ accept: 'text/event-stream', authorization: '***', 'x-tenant': 'acme', 'last-event-id': '6' }]);
    expect(JSON.stringify(headers)).not.toContain('sk-live');
  });
});

describe('a feature that adds request headers', () => {
  it('sets a header on every request, reconnects included, shown on each connecting step', async () => {
    const seen = route('get', '/events', [() => sseResponse([frame({ id: '1', data: 'a' })]), () => new Response(null, { status: 204 })]);
    let attempt = 0;
    const stream = connect(URL_, {
      reconnect: instantReconnect().reconnect,
      use: [() => ({ request: (headers) => void (headers.traceparent = `00-${'a'.repeat(32)}-${String(++attempt).padStart(16, '0')}-01`) })],
    });
    const shown: string[] = [];
    stream.observe((step) => step.type === 'connecting' && shown.push(step.headers.traceparent ?? ''));
    await collect(stream);
    const sent = seen.map((request) => request.headers.get('traceparent'));
    expect(sent).toEqual([`00-${'a'.repeat(32)}-0000000000000001-01`, `00-${'a'.repeat(32)}-0000000000000002-01`]);
    expect(shown).toEqual(sent);
    expect(seen[1]?.headers.get('last-event-id')).toBe('1');
  });
});

describe('a feature that holds the first request', () => {
  it('sends nothing until its start promise settles, then the request it set', async () => {
    const seen = route('get', '/later', [() => sseResponse([frame({ data: 'x' })])]);
    let release!: () => void;
    const ready = new Promise<void>((resolve) => (release = resolve));
    const stream = connect(`${BASE}/never`, {
      reconnect: false,
      use: [(control) => ({ start: async () => { await ready; control.setRequest({ url: `${BASE}/later`, method: 'GET' }); } })],
    });
    const events = collect(stream);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toHaveLength(0);
    release();
    expect((await events).map((event) => event.data)).toEqual(['x']);
    expect(seen.map((request) => request.method)).toEqual(['GET']);
  });

  it('ends the stream with the error its start promise rejects with, before any request', async () => {
    const failure = new HTTPError({ status: 409, statusText: 'Conflict', headers: new Headers(), body: undefined, method: 'POST', url: `${BASE}/jobs` });
    const stream = connect(`${BASE}/never`, { use: [() => ({ start: () => Promise.reject(failure) })] });
    await expect(stream.finished).rejects.toBe(failure);
    expect(stream.outcome).toEqual({ type: 'error', error: failure });
  });

  it('refuses a URL with user info in setRequest', async () => {
    const stream = connect(`${BASE}/never`, {
      use: [(control) => ({ start: () => control.setRequest({ url: 'http://user:pw@127.0.0.1/x', method: 'GET' }) })],
    });
    const error = await stream.finished.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect(String(error)).not.toContain('pw');
  });
});

describe('getSnapshot() and subscribe()', () => {
  it('give one frozen object until something changes, and call subscribers on each change', async () => {
    const { reconnect } = instantReconnect();
    route('get', '/events', [() => sseResponse([frames([{ id: '1', data: 'a' }, { retry: 40, id: '2', data: 'b' }])]), noContent]);
    const stream = connect(URL_, { reconnect });
    // Unbound, as useSyncExternalStore receives them.
    const { getSnapshot, subscribe } = stream;
    const first = getSnapshot();
    expect(getSnapshot()).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(first).toEqual({ readyState: 'connecting', lastEventId: '', retry: undefined, events: 0, reconnects: 0, bytes: 0, outcome: undefined });
    const states: StreamSnapshot[] = [];
    const stop = subscribe(() => states.push(getSnapshot()));
    await collect(stream);
    stop();
    const last = getSnapshot();
    expect(last).toEqual({
      readyState: 'closed',
      lastEventId: '2',
      retry: 40,
      events: 2,
      reconnects: 1,
      bytes: expect.any(Number),
      outcome: { type: 'ended' },
    });
    expect(last.bytes).toBeGreaterThan(20);
    // Every change produced a new object, and the states went through open and connecting again.
    expect(new Set(states).size).toBe(states.length);
    expect(states.map((state) => state.readyState)).toContain('open');
    expect(states.map((state) => state.readyState).at(-1)).toBe('closed');
    expect(states.at(-1)).toBe(last);
    expect(getSnapshot()).toBe(last);
  });

  it('stops calling a subscriber once it unsubscribed, and does not start the stream', async () => {
    const seen = route('get', '/events', [() => sseResponse([frames([{ data: 'a' }, { data: 'b' }])])]);
    const stream = connect(URL_, { reconnect: false });
    let calls = 0;
    const stop = stream.subscribe(() => {
      calls++;
      stop();
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(seen).toHaveLength(0);
    await collect(stream);
    expect(calls).toBe(1);
  });
});

describe('the client option onStream', () => {
  it('receives every stream the client makes, before its first request, with the method and redacted URL', async () => {
    route('get', '/v1/runs/run_1/events', [
      () => sseResponse([frame({ event: 'run.completed', id: '1', data: { run_id: 'run_1', result: {} } })]),
    ]);
    route('post', '/v1/skills/sk_1/execute/stream', [
      () => sseResponse([frame({ event: 'done', data: { result: { ok: true } } })]),
    ]);
    const made: { method: string; url: string; steps: string[] }[] = [];
    const client = new Runstream({
      baseUrl: `${BASE}`,
      headers: { 'x-trace': 'on' },
      onStream: (stream, info) => {
        const entry = { ...info, steps: [] as string[] };
        made.push(entry);
        stream.observe((step) => entry.steps.push(step.type));
      },
    });
    await collect(client.runs.stream('run_1'));
    await collect(client.skills.start('sk_1', { inputs: {} }));
    expect(made.map(({ method, url }) => [method, url])).toEqual([
      ['GET', `${BASE}/v1/runs/run_1/events`],
      ['POST', `${BASE}/v1/skills/sk_1/execute/stream`],
    ]);
    for (const entry of made) {
      expect(entry.steps[0]).toBe('connecting');
      expect(entry.steps.at(-1)).toBe('end');
    }
  });

  it('names the platform and the ids of each resource stream', () => {
    const infos: StreamInfo[] = [];
    const client = new Runstream({ baseUrl: BASE, onStream: (_stream, info) => infos.push(info) });
    client.runs.stream('run_1').close();
    client.executions.stream('exec_1').close();
    client.jobs.stream('job_1').close();
    client.skills.start('sk_1', { inputs: {} }).close();
    client.runner.events().close();
    client.runner.stream('r_1').close();
    expect(infos.map(({ platform, ids }) => [platform, ids])).toEqual([
      ['crewship', { runId: 'run_1' }],
      ['flowmaestro', { executionId: 'exec_1' }],
      ['praisonai', { jobId: 'job_1' }],
      ['skills', { skillId: 'sk_1' }],
      ['stax', {}],
      ['stax', { runId: 'r_1' }],
    ]);
  });

  it('gives the URL with secret query values masked', () => {
    const urls: string[] = [];
    const client = new Runstream({ baseUrl: `${BASE}/?token=s3cr3t-value`, onStream: (_stream, info) => urls.push(info.url) });
    client.runs.stream('run_1').close();
    expect(urls).toHaveLength(1);
    expect(urls[0]).not.toContain('s3cr3t-value');
  });
});

describe('the client option use, and what a feature sees', () => {
  it('gives every stream of the client its features, before a call\'s own, each called once per stream with its control', async () => {
    route('get', '/v1/runs/run_1/events', [() => sseResponse([frame({ event: 'run.completed', id: '1', data: { run_id: 'run_1', result: {} } })])]);
    route('get', '/v1/runs/run_2/events', [() => sseResponse([frame({ event: 'run.completed', id: '1', data: { run_id: 'run_2', result: {} } })])]);
    const order: string[] = [];
    const seen: string[] = [];
    const clientFeature: StreamFeature = (control) => {
      order.push(`client ${control.info.ids?.runId}`);
      control.observe((step) => step.type === 'end' && seen.push(`${control.info.ids?.runId} ${step.outcome.type}`));
      return { request: (headers) => void (headers['x-client-feature'] = 'on') };
    };
    const callFeature: StreamFeature = (control) => void order.push(`call ${control.info.ids?.runId}`);
    const client = new Runstream({ baseUrl: BASE, use: [clientFeature] });
    const headers: (string | null)[] = [];
    client.runs.stream('run_1').observe((step) => step.type === 'connecting' && headers.push(step.headers['x-client-feature'] ?? null));
    await client.runs.stream('run_1', { use: [callFeature] }).finished;
    await client.runs.stream('run_2').finished;
    expect(order).toEqual(['client run_1', 'client run_1', 'call run_1', 'client run_2']);
    expect(seen).toEqual(['run_1 completed', 'run_2 completed']);
    // The first stream was never started: its feature saw no end, and sent nothing.
    expect(headers).toEqual([]);
  });

  it('gives a connect() stream\'s feature the method and redacted URL, no platform and no ids', () => {
    let info: StreamInfo | undefined;
    connect(`${BASE}/events?token=s3cr3t-value`, { method: 'POST', body: '{}', use: [(control) => void (info = control.info)] }).close();
    expect(info).toEqual({ method: 'POST', url: `${BASE}/events?token=***` });
  });

  it('gives a feature observing with events: false every step but event, and keeps the snapshot current', async () => {
    route('get', '/events', [() => sseResponse([frame({ event: 'a', data: 'x' }) + frame({ event: 'b', data: 'y' })]), noContent]);
    const seen: string[] = [];
    const counts: number[] = [];
    const streams: { getSnapshot(): StreamSnapshot }[] = [];
    const feature: StreamFeature = (control) => {
      control.observe((step) => seen.push(step.type), { events: false });
      // Both events arrive in one chunk, without ids, so no other change comes between them:
      // nobody takes the event steps, yet the snapshot read after each counts it.
      return { event: () => void counts.push(streams[0]!.getSnapshot().events) };
    };
    const stream = connect(URL_, { reconnect: false, use: [feature] });
    streams.push(stream);
    await collect(stream);
    expect(seen).not.toContain('event');
    expect(seen[0]).toBe('connecting');
    expect(seen.at(-1)).toBe('end');
    expect(counts).toEqual([1, 2]);
  });

  it('lets a feature stop observing', async () => {
    route('get', '/events', [() => sseResponse([frame({ event: 'a', id: '1', data: 'x' }), frame({ event: 'b', id: '2', data: 'y' })]), noContent]);
    const seen: string[] = [];
    const feature: StreamFeature = (control) => {
      const stop = control.observe((step) => {
        if (step.type !== 'event') return;
        seen.push(step.event.type);
        stop();
      });
    };
    await collect(connect(URL_, { reconnect: false, use: [feature] }));
    expect(seen).toEqual(['a']);
  });
});
