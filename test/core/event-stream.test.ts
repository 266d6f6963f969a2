import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { platformAdapter, type PlatformSpec } from '../../src/core/adapter.js';
import { errorMessage } from '../../src/core/errors.js';
import { streamConfig } from '../../src/core/sse.js';
import { platformOutcome } from '../../src/features/outcome.js';
import {
  EventStream,
  HTTPError,
  StreamError,
  connect,
  type ReadyState,
  type StreamEvent,
} from '../../src/index.js';
import { BASE, useMsw } from '../helpers/msw.js';
import { collect, frame, frames, sseResponse } from '../helpers/sse.js';
import { collectEvents, instantReconnect } from '../../src/testing/index.js';
import { openResponse, reconnectLog, rejection, route } from './support.js';

useMsw();
afterEach(() => {
  vi.unstubAllGlobals();
});

const URL_ = `${BASE}/events`;
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('EventStream: iteration', () => {
  it('throws a TypeError with a hint when iterated twice', async () => {
    route('get', '/events', [() => sseResponse([frame({ data: 'a' })])]);
    const stream = connect(URL_, { reconnect: false });
    const first = stream[Symbol.asyncIterator]();
    expect(() => stream[Symbol.asyncIterator]()).toThrow(TypeError);
    expect(() => stream[Symbol.asyncIterator]()).toThrow(/iterated once.*addEventListener/);
    expect(await first.next()).toMatchObject({ done: false, value: { data: 'a' } });
    expect(await first.next()).toEqual({ done: true, value: undefined });
  });

  it('gives an iterator that is iterable itself, and answers two next() calls made at once with two events', async () => {
    route('get', '/events', [() => sseResponse([frame({ data: 'a' }), frame({ data: 'b' })])]);
    const stream = connect(URL_, { reconnect: false });
    const iterator = stream[Symbol.asyncIterator]() as AsyncIterableIterator<StreamEvent>;
    expect(iterator[Symbol.asyncIterator]()).toBe(iterator);
    // A caller that does not await between calls gets distinct results, not one reused object.
    const [first, second] = await Promise.all([iterator.next(), iterator.next()]);
    expect(first).not.toBe(second);
    expect([first.value?.data, second.value?.data]).toEqual(['a', 'b']);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('rejects the first of two waiting next() calls with the failure and ends the second', async () => {
    route('get', '/events', [() => new Response('gone', { status: 404 })]);
    const stream = connect(URL_);
    const iterator = stream[Symbol.asyncIterator]();
    const [first, second] = await Promise.allSettled([iterator.next(), iterator.next()]);
    expect(first.status).toBe('rejected');
    expect((first as PromiseRejectedResult).reason).toBeInstanceOf(HTTPError);
    expect(second).toEqual({ status: 'fulfilled', value: { done: true, value: undefined } });
  });

  it('throws the same TypeError when iterated again after the loop finished', async () => {
    route('get', '/events', [() => sseResponse([frame({ data: 'a' })])]);
    const stream = connect(URL_, { reconnect: false });
    expect(await collect(stream)).toHaveLength(1);
    await expect(collect(stream)).rejects.toThrow(TypeError);
  });

  it('closes the stream and aborts the request on break', async () => {
    const seen = route('get', '/events', [() => openResponse([frames([{ data: 'a' }, { data: 'b' }])])]);
    const stream = connect(URL_);
    for await (const event of stream) {
      expect(event.data).toBe('a');
      break;
    }
    expect(stream.readyState).toBe('closed');
    await vi.waitFor(() => expect(seen[0]!.signal.aborted).toBe(true));
    await expect(stream.finished).resolves.toMatchObject({ type: 'closed' });
    expect(seen).toHaveLength(1);
  });

  it('closes the stream when the loop body throws, and the loop rethrows', async () => {
    const seen = route('get', '/events', [() => openResponse([frame({ data: 'a' })])]);
    const stream = connect(URL_);
    const oops = new Error('consumer failed');
    await expect(
      (async () => {
        for await (const _event of stream) throw oops;
      })(),
    ).rejects.toBe(oops);
    expect(stream.readyState).toBe('closed');
    await vi.waitFor(() => expect(seen[0]!.signal.aborted).toBe(true));
  });

  it('makes close() idempotent', async () => {
    const seen = route('get', '/events', [() => openResponse([frame({ data: 'a' })])]);
    const stream = connect(URL_);
    const received: string[] = [];
    stream.addEventListener('message', (event) => {
      received.push(String(event.data));
      stream.close();
      stream.close();
    });
    await expect(stream.finished).resolves.toMatchObject({ type: 'closed' });
    stream.close();
    expect(received).toEqual(['a']);
    expect(stream.readyState).toBe('closed');
    await vi.waitFor(() => expect(seen[0]!.signal.aborted).toBe(true));
    expect(seen).toHaveLength(1);
  });

  it('ends the loop quietly when the user signal aborts mid-stream, and finished resolves', async () => {
    const seen = route('get', '/events', [() => openResponse([frames([{ data: 'a' }, { data: 'b' }, { data: 'c' }])])]);
    const controller = new AbortController();
    const stream = connect(URL_, { signal: controller.signal });
    const received: unknown[] = [];
    const { error } = await collectEvents(
      (async function* () {
        for await (const event of stream) {
          received.push(event.data);
          controller.abort();
          yield event;
        }
      })(),
    );
    expect(error).toBeUndefined();
    expect(received).toEqual(['a']);
    await expect(stream.finished).resolves.toMatchObject({ type: 'closed' });
    expect(stream.readyState).toBe('closed');
    await vi.waitFor(() => expect(seen[0]!.signal.aborted).toBe(true));
  });

  it('ends quietly when the signal aborts while waiting for the response', async () => {
    let arrived!: () => void;
    const requested = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const seen = route('get', '/events', [
      () => {
        arrived();
        return new Promise<Response>(() => {});
      },
    ]);
    const controller = new AbortController();
    const stream = connect(URL_, { signal: controller.signal });
    const result = collectEvents(stream);
    await requested;
    controller.abort();
    expect(await result).toMatchObject({ events: [], error: undefined, timedOut: false });
    await expect(stream.finished).resolves.toMatchObject({ type: 'closed' });
    expect(seen).toHaveLength(1);
  });

  it('sends no request when the signal aborted before the stream started', async () => {
    const seen = route('get', '/events', [() => sseResponse([frame({ data: 'a' })])]);
    const controller = new AbortController();
    controller.abort();
    const stream = connect(URL_, { signal: controller.signal });
    expect(stream.readyState).toBe('closed');
    expect(await collect(stream)).toEqual([]);
    await expect(stream.finished).resolves.toMatchObject({ type: 'closed' });
    const late = connect(URL_);
    late.close();
    await expect(late.finished).resolves.toMatchObject({ type: 'closed' });
    await tick();
    expect(seen).toEqual([]);
  });

  it('sends no request before the stream has a consumer', async () => {
    const seen = route('get', '/events', [() => sseResponse([frame({ data: 'a' })])]);
    const stream = connect(URL_, { reconnect: false });
    await tick();
    expect(seen).toEqual([]);
    expect(stream.readyState).toBe('connecting');
    await stream.finished;
    expect(seen).toHaveLength(1);
  });

  it('goes from connecting to open to closed, and back to connecting while waiting to reconnect', async () => {
    const states: [string, ReadyState][] = [];
    const { reconnect } = instantReconnect();
    route('get', '/events', [
      () => sseResponse([frame({ data: 'a' })]),
      () => new Response(null, { status: 204 }),
    ]);
    const stream: EventStream = connect(URL_, {
      reconnect: {
        ...reconnect,
        sleep: () => {
          states.push(['sleep', stream.readyState]);
          return Promise.resolve();
        },
      },
    });
    states.push(['created', stream.readyState]);
    stream.addEventListener('message', () => states.push(['event', stream.readyState]));
    await stream.finished;
    states.push(['finished', stream.readyState]);
    expect(states).toEqual([
      ['created', 'connecting'],
      ['event', 'open'],
      ['sleep', 'connecting'],
      ['finished', 'closed'],
    ]);
  });

  it('delivers every event of one chunk in order to a slow iterator', async () => {
    const count = 200;
    const list = Array.from({ length: count }, (_, i) => ({ id: String(i), data: `event ${i}` }));
    route('get', '/events', [() => sseResponse([frames(list)])]);
    const stream = connect(URL_, { reconnect: false });
    const iterator = stream[Symbol.asyncIterator]();
    const received: string[] = [];
    for (;;) {
      const result = await iterator.next();
      if (result.done) break;
      received.push(result.value.data);
      await tick();
    }
    expect(received).toEqual(list.map((e) => e.data));
  });

  it('stops reading the body while a slow iterator lags behind', async () => {
    const count = 60;
    let pulls = 0;
    const encoder = new TextEncoder();
    route('get', '/events', [
      () =>
        new Response(
          new ReadableStream<Uint8Array>(
            {
              pull(controller) {
                if (pulls === count) return controller.close();
                controller.enqueue(encoder.encode(frame({ data: String(pulls++) })));
              },
            },
            { highWaterMark: 0 },
          ),
          { headers: { 'content-type': 'text/event-stream' } },
        ),
    ]);
    const stream = connect(URL_, { reconnect: false });
    const iterator = stream[Symbol.asyncIterator]();
    const received: string[] = [];
    for (let i = 0; i < 10; i++) {
      const result = await iterator.next();
      if (!result.done) received.push(result.value.data);
      for (let t = 0; t < 3; t++) await tick();
    }
    // A few chunks in flight between the body and the reader, never the whole body.
    expect(pulls).toBeLessThanOrEqual(20);
    for (;;) {
      const result = await iterator.next();
      if (result.done) break;
      received.push(result.value.data);
    }
    expect(received).toEqual(Array.from({ length: count }, (_, i) => String(i)));
  });
});

describe('EventStream: listeners', () => {
  type Events = { tick: { n: number }; done: { ok: boolean } };

  it('types listeners by event name and takes any other name as a string', async () => {
    route('get', '/events', [
      () => sseResponse([frames([{ event: 'tick', data: { n: 1 } }, { event: 'surprise', data: [1] }, { event: 'tick', data: { n: 2 } }])]),
    ]);
    const stream = connect<Events>(URL_, { json: true, reconnect: false });
    const ticks: number[] = [];
    const surprises: unknown[] = [];
    stream.addEventListener('tick', (event) => {
      expectTypeOf(event).toEqualTypeOf<StreamEvent<'tick', { n: number }>>();
      ticks.push(event.data.n);
    });
    stream.addEventListener('surprise', (event) => {
      expectTypeOf(event.data).toBeUnknown();
      surprises.push(event.data);
    });
    await stream.finished;
    expect(ticks).toEqual([1, 2]);
    expect(surprises).toEqual([[1]]);
  });

  it('calls a once listener for the first event only', async () => {
    route('get', '/events', [() => sseResponse([frames([{ data: 'a' }, { data: 'b' }, { data: 'c' }])])]);
    const stream = connect(URL_, { reconnect: false });
    const once = vi.fn();
    const every = vi.fn();
    stream.addEventListener('message', once, { once: true });
    stream.addEventListener('message', every);
    await stream.finished;
    expect(once).toHaveBeenCalledTimes(1);
    expect(once.mock.calls[0]![0]).toMatchObject({ data: 'a' });
    expect(every).toHaveBeenCalledTimes(3);
  });

  it('removes a listener when its signal aborts, and ignores one whose signal already aborted', async () => {
    route('get', '/events', [() => sseResponse([frames([{ data: 'a' }, { data: 'b' }, { data: 'c' }])])]);
    const stream = connect(URL_, { reconnect: false });
    const controller = new AbortController();
    const received: unknown[] = [];
    stream.addEventListener(
      'message',
      (event) => {
        received.push(event.data);
        if (event.data === 'b') controller.abort();
      },
      { signal: controller.signal },
    );
    const never = vi.fn();
    stream.addEventListener('message', never, { signal: AbortSignal.abort() });
    const all = vi.fn();
    stream.addEventListener('message', all);
    await stream.finished;
    expect(received).toEqual(['a', 'b']);
    expect(never).not.toHaveBeenCalled();
    expect(all).toHaveBeenCalledTimes(3);
  });

  it('stops calling a listener after removeEventListener', async () => {
    route('get', '/events', [() => sseResponse([frames([{ data: 'a' }, { data: 'b' }])])]);
    const stream = connect(URL_, { reconnect: false });
    const listener = vi.fn(() => stream.removeEventListener('message', listener));
    const other = vi.fn();
    stream.addEventListener('message', listener);
    stream.addEventListener('message', other);
    await stream.finished;
    expect(listener).toHaveBeenCalledTimes(1);
    expect(other).toHaveBeenCalledTimes(2);
  });

  it('ignores a second registration of the same listener for the same name', async () => {
    route('get', '/events', [() => sseResponse([frames([{ data: 'a' }, { data: 'b' }])])]);
    const stream = connect(URL_, { reconnect: false });
    const listener = vi.fn();
    stream.addEventListener('message', listener);
    stream.addEventListener('message', listener);
    stream.addEventListener('message', listener, { once: true });
    await stream.finished;
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it('hands the same event object to the iterator and to listeners', async () => {
    route('get', '/events', [() => sseResponse([frames([{ id: '1', data: 'a' }, { id: '2', data: 'b' }])])]);
    const stream = connect(URL_, { reconnect: false });
    const heard: unknown[] = [];
    stream.addEventListener('message', (event) => heard.push(event));
    const iterated = await collect(stream);
    expect(iterated).toHaveLength(2);
    expect(heard).toHaveLength(2);
    expect(heard[0]).toBe(iterated[0]);
    expect(heard[1]).toBe(iterated[1]);
  });

  it('reports an exception a listener throws and keeps delivering', async () => {
    const reportError = vi.fn();
    vi.stubGlobal('reportError', reportError);
    route('get', '/events', [() => sseResponse([frames([{ data: 'a' }, { data: 'b' }])])]);
    const stream = connect(URL_, { reconnect: false });
    const boom = new Error('listener bug');
    const after = vi.fn();
    stream.addEventListener('message', () => {
      throw boom;
    });
    stream.addEventListener('message', after);
    const iterated = await collect(stream);
    expect(iterated.map((e) => e.data)).toEqual(['a', 'b']);
    expect(after).toHaveBeenCalledTimes(2);
    expect(reportError).toHaveBeenCalledTimes(2);
    expect(reportError).toHaveBeenCalledWith(boom);
  });

  it('rejects finished with the typed error for a listener-only consumer', async () => {
    route('get', '/events', [() => new Response('gone', { status: 404 })]);
    const stream = connect(URL_);
    const listener = vi.fn();
    stream.addEventListener('message', listener);
    const error = await rejection(stream.finished);
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ status: 404, body: 'gone' });
    expect(listener).not.toHaveBeenCalled();
  });

  it('both throws from the iterator and rejects finished when a stream fails', async () => {
    route('get', '/events', [() => sseResponse([frames([{ data: '1' }, { data: '2' }, { data: '{broken' }])])]);
    const stream = connect(URL_, { json: true, reconnect: false });
    const finished = rejection(stream.finished);
    const received: unknown[] = [];
    const { error } = await collectEvents(
      (async function* () {
        for await (const event of stream) {
          received.push(event.data);
          await tick();
          yield event;
        }
      })(),
    );
    expect(received).toEqual([1, 2]);
    expect(error).toBeInstanceOf(StreamError);
    expect(await finished).toBe(error);
  });
});

describe('EventStream: platform adapters', () => {
  const spec: PlatformSpec = {
    known: ['run.started', 'run.output', 'run.completed', 'run.failed', 'error'],
    terminal: ['run.completed', 'run.failed'],
    keepalive: ['ping', 'heartbeat'],
    envelope: { typeKey: 'type', dataKeys: ['data', 'payload'] },
    endMarker: '[DONE]',
    errorOf: (event) =>
      event.type === 'error'
        ? {
            message: errorMessage(event.data, 'the run failed'),
            traceId: (event.data as { trace_id?: string }).trace_id,
          }
        : undefined,
  };

  function platformStream(
    method: 'GET' | 'POST',
    options: Parameters<typeof streamConfig>[2] = {},
    overrides: Partial<PlatformSpec> = {},
  ): EventStream<{ [type: string]: unknown }> {
    const adapter = platformAdapter({ ...spec, ...overrides });
    // As `Transport.stream` does for a resource: the platform's outcomes are a feature.
    return new EventStream({ ...streamConfig(URL_, method, options, adapter), use: [platformOutcome(adapter, undefined)] });
  }

  it('skips keepalive events, named or in an envelope, whatever their data', async () => {
    route('get', '/events', [
      () =>
        sseResponse([
          frames([
            { event: 'ping', data: 'not json' },
            { data: { type: 'heartbeat', data: {} } },
            { event: 'run.started', data: { id: 'r1' } },
            { event: 'run.completed', data: {} },
          ]),
        ]),
    ]);
    const stream = platformStream('GET', { reconnect: false });
    const pings = vi.fn();
    stream.addEventListener('ping', pings);
    stream.addEventListener('heartbeat', pings);
    const events = await collect(stream);
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['run.started', { id: 'r1' }],
      ['run.completed', {}],
    ]);
    expect(pings).not.toHaveBeenCalled();
  });

  it('unwraps unnamed envelopes into their type and inner data', async () => {
    const envelopes = [
      { type: 'run.started', data: { id: 'r1' } },
      { type: 'run.output', payload: { text: 'hi' } },
      { type: 'run.output', text: 'bare' },
    ];
    route('get', '/events', [
      () =>
        sseResponse([
          frames([
            ...envelopes.map((data, i) => ({ id: String(i + 1), data })),
            { event: 'run.output', data: { type: 'inner', data: 1 } },
            { data: { type: 'run.completed' } },
          ]),
        ]),
    ]);
    const events = await collect(platformStream('GET', { reconnect: false }));
    expect(events.map((e) => [e.type, e.data, e.id])).toEqual([
      ['run.started', { id: 'r1' }, '1'],
      ['run.output', { text: 'hi' }, '2'],
      ['run.output', { type: 'run.output', text: 'bare' }, '3'],
      // A named event is not an envelope: its data stays whole.
      ['run.output', { type: 'inner', data: 1 }, '3'],
      ['run.completed', { type: 'run.completed' }, '3'],
    ]);
    expect(events[1]!.raw).toBe(JSON.stringify(envelopes[1]));
  });

  it('ends at the end marker without reconnecting', async () => {
    const { reconnect } = instantReconnect();
    const { onReconnect, reconnects } = reconnectLog();
    const seen = route('get', '/events', [
      () => openResponse([frames([{ event: 'run.output', data: { n: 1 } }, { data: '[DONE]' }, { event: 'run.output', data: { n: 2 } }])]),
    ]);
    const stream = platformStream('GET', { reconnect, onReconnect });
    const events = await collect(stream);
    expect(events.map((e) => e.data)).toEqual([{ n: 1 }]);
    await expect(stream.finished).resolves.toMatchObject({ type: 'completed' });
    expect(seen).toHaveLength(1);
    expect(reconnects).toEqual([]);
    await vi.waitFor(() => expect(seen[0]!.signal.aborted).toBe(true));
  });

  it('ends after a terminal event without reconnecting, though the server keeps the connection open', async () => {
    const { reconnect } = instantReconnect();
    const { onReconnect, reconnects } = reconnectLog();
    const seen = route('get', '/events', [
      () =>
        openResponse([
          frames([
            { event: 'run.output', data: { n: 1 } },
            { event: 'run.completed', data: { ok: true } },
            { event: 'run.output', data: { n: 2 } },
          ]),
        ]),
    ]);
    const stream = platformStream('GET', { reconnect, onReconnect });
    const events = await collect(stream);
    expect(events.map((e) => e.type)).toEqual(['run.output', 'run.completed']);
    await expect(stream.finished).resolves.toMatchObject({ type: 'completed', event: { type: 'run.completed' } });
    expect(seen).toHaveLength(1);
    expect(reconnects).toEqual([]);
  });

  it("fails with StreamError 'server-error-event' after delivering the error event", async () => {
    route('get', '/events', [
      () =>
        openResponse([
          frames([
            { event: 'run.started', id: '1', data: {} },
            { event: 'error', id: '2', data: { error: { message: 'model overloaded' }, trace_id: 'tr_9' } },
            { event: 'run.output', data: {} },
          ]),
        ]),
    ]);
    const stream = platformStream('GET');
    const { events, error } = await collectEvents(stream);
    expect(events.map((e) => e.type)).toEqual(['run.started', 'error']);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({
      code: 'server-error-event',
      event: 'error',
      traceId: 'tr_9',
      lastEventId: '2',
      data: JSON.stringify({ error: { message: 'model overloaded' }, trace_id: 'tr_9' }),
    });
    expect((error as StreamError).message).toContain('model overloaded');
  });

  it('yields only known events from the iterator, while string listeners get unknown ones', async () => {
    route('get', '/events', [
      () =>
        sseResponse([
          frames([
            { event: 'run.started', data: {} },
            { event: 'vendor.debug', data: { detail: 1 } },
            { data: { type: 'vendor.trace', data: 2 } },
            { event: 'run.completed', data: {} },
          ]),
        ]),
    ]);
    const stream = platformStream('GET', { reconnect: false });
    const unknown: [string, unknown][] = [];
    stream.addEventListener('vendor.debug', (event) => unknown.push([event.type, event.data]));
    stream.addEventListener('vendor.trace', (event) => unknown.push([event.type, event.data]));
    const events = await collect(stream);
    expect(events.map((e) => e.type)).toEqual(['run.started', 'run.completed']);
    expect(unknown).toEqual([
      ['vendor.debug', { detail: 1 }],
      ['vendor.trace', 2],
    ]);
  });

  it("fails a POST stream that ends before its terminal event with StreamError 'unexpected-end'", async () => {
    const seen = route('post', '/events', [() => sseResponse([frame({ event: 'run.output', id: '3', data: {} })])]);
    const { events, error } = await collectEvents(platformStream('POST', { body: { go: true } }));
    expect(events).toHaveLength(1);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'unexpected-end', lastEventId: '3' });
    expect(seen).toHaveLength(1);
  });

  it('names events from their data with decode, skips what it rejects, and ends at a terminal event told by its data', async () => {
    // An A2A-like stream: the one key present names the event; the state says whether it is final.
    route('post', '/events', [
      () =>
        sseResponse([
          frames([
            { data: { result: { task: { id: 't1', state: 'working' } } } },
            { data: { result: { statusUpdate: { state: 'working' } } } },
            { data: { result: {} } },
            { data: { result: { statusUpdate: { state: 'input-required' } } } },
            { data: { result: { statusUpdate: { state: 'completed' } } } },
          ]),
        ]),
    ]);
    const decode = (data: unknown) => {
      const result = (data as { result: Record<string, unknown> }).result;
      const type = Object.keys(result)[0];
      return type === undefined ? undefined : { type, data: result[type] };
    };
    const stream = platformStream(
      'POST',
      { body: {} },
      {
        known: ['task', 'statusUpdate'],
        decode,
        isTerminal: (event) => event.type === 'statusUpdate' && (event.data as { state: string }).state === 'input-required',
        outcomeOf: () => ({ type: 'interrupted', serverStatus: 'input-required' }),
      },
    );
    const events = await collect(stream);
    expect(events.map((event) => [event.type, event.data])).toEqual([
      ['task', { id: 't1', state: 'working' }],
      ['statusUpdate', { state: 'working' }],
      ['statusUpdate', { state: 'input-required' }],
    ]);
    expect(stream.outcome).toMatchObject({ type: 'interrupted', serverStatus: 'input-required' });
  });

  it('skips an event with empty data under skipEmpty, and keeps its id for Last-Event-ID', async () => {
    // MCP's priming event: an id and a retry, and `data: ` with nothing.
    route('get', '/events', [() => sseResponse(['id: prime-1\nretry: 1000\ndata: \n\n', frame({ event: 'run.completed', data: {} })])]);
    const stream = platformStream('GET', {}, { skipEmpty: true });
    const events = await collect(stream);
    expect(events.map((event) => event.type)).toEqual(['run.completed']);
    expect(stream.lastEventId).toBe('prime-1');
    // Without it, empty data is data that is not JSON.
    route('get', '/events', [() => sseResponse(['id: prime-1\ndata: \n\n'])]);
    const { error } = await collectEvents(platformStream('GET', { reconnect: false }));
    expect(error).toMatchObject({ code: 'invalid-data', data: '' });
  });

  it("fails with StreamError 'invalid-data' on data that is not JSON", async () => {
    route('get', '/events', [() => sseResponse([frames([{ event: 'run.output', id: '5', data: 'oops' }])])]);
    const { error } = await collectEvents(platformStream('GET', { reconnect: false }));
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'invalid-data', data: 'oops', event: 'run.output', lastEventId: '5' });
  });
});

describe('EventStream: errors while parsing', () => {
  it('surfaces an exception from an adapter hook as it is, not as a dropped connection to retry', async () => {
    const { reconnect } = instantReconnect();
    const { onReconnect, reconnects } = reconnectLog();
    const seen = route('get', '/events', [() => sseResponse([frames([{ event: 'run.started', id: '1', data: {} }])])]);
    const bug = new Error('adapter bug');
    const adapter = platformAdapter({ known: ['run.started'] });
    adapter.isTerminal = () => {
      throw bug;
    };
    const stream = new EventStream({ ...streamConfig(`${BASE}/events`, 'GET', { reconnect, onReconnect }, adapter), use: [platformOutcome(adapter, undefined)] });
    const { events, error } = await collectEvents(stream);
    expect(events.map((e) => e.type)).toEqual(['run.started']);
    expect(error).toBe(bug);
    expect(reconnects).toEqual([]);
    expect(seen).toHaveLength(1);
  });
});
