import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { ConnectionError, HTTPError, StreamError, connect } from '../../src/index.js';
import { BASE, useMsw } from '../helpers/msw.js';
import { collect, frame, frames, sseResponse } from '../helpers/sse.js';
import { collectEvents, instantReconnect } from '../../src/testing/index.js';
import { droppable, reconnectLog, rejection, route } from './support.js';

useMsw();

const URL_ = `${BASE}/events`;

/** A 204 answer: the server's way to stop a reconnecting stream. */
const noContent = () => new Response(null, { status: 204 });

describe('connect: event shape and SSE fields', () => {
  it('delivers events as { type, data, id, raw } with the SSE fields', async () => {
    route('get', '/events', [() => sseResponse([frame({ event: 'greeting', id: '7', data: 'hello' })])]);
    const events = await collect(connect(URL_, { reconnect: false }));
    expect(events).toEqual([{ type: 'greeting', data: 'hello', id: '7', raw: 'hello' }]);
    expect(Object.keys(events[0]!).sort()).toEqual(['data', 'id', 'raw', 'type']);
  });

  it("names an event without an event: field 'message'", async () => {
    route('get', '/events', [() => sseResponse([frames([{ data: 'a' }, { event: 'named', data: 'b' }, { data: 'c' }])])]);
    const events = await collect(connect(URL_, { reconnect: false }));
    expect(events.map((e) => e.type)).toEqual(['message', 'named', 'message']);
  });

  it('joins multi-line data with LF', async () => {
    route('get', '/events', [() => sseResponse([frame({ data: 'one\ntwo\nthree' })])]);
    const events = await collect(connect(URL_, { reconnect: false }));
    expect(events.map((e) => e.data)).toEqual(['one\ntwo\nthree']);
  });

  it('keeps the last event id for later events, and an id-only block updates it', async () => {
    route('get', '/events', [
      () => sseResponse([frames([{ id: '1', data: 'a' }, { data: 'b' }, { id: '5' }, { data: 'c' }, { id: '9' }])]),
    ]);
    const stream = connect(URL_, { reconnect: false });
    const events = await collect(stream);
    expect(events.map((e) => [e.data, e.id])).toEqual([
      ['a', '1'],
      ['b', '1'],
      ['c', '5'],
    ]);
    expect(stream.lastEventId).toBe('9');
  });

  it("resets the last event id to '' on an empty id: field and then sends no Last-Event-ID", async () => {
    const { reconnect } = instantReconnect();
    const seen = route('get', '/events', [
      () => sseResponse([frames([{ id: '1', data: 'a' }, { id: '', data: 'b' }])]),
      noContent,
    ]);
    const stream = connect(URL_, { reconnect });
    const events = await collect(stream);
    expect(events.map((e) => e.id)).toEqual(['1', '']);
    expect(stream.lastEventId).toBe('');
    expect(seen).toHaveLength(2);
    expect(seen[1]!.headers.has('last-event-id')).toBe(false);
  });

  it('does not deliver comments as events', async () => {
    route('get', '/events', [
      () => sseResponse([frames([{ comment: 'keepalive' }, { data: 'a' }, { comment: ' ping' }, { data: 'b' }])]),
    ]);
    const events = await collect(connect(URL_, { reconnect: false }));
    expect(events.map((e) => e.data)).toEqual(['a', 'b']);
  });

  it('uses a retry: field as the reconnection delay', async () => {
    const { reconnect, delays } = instantReconnect({ initialDelay: 1000 });
    const { onReconnect, reconnects } = reconnectLog();
    route('get', '/events', [() => sseResponse([frame({ retry: 2500, data: 'a' })]), noContent]);
    await collect(connect(URL_, { reconnect, onReconnect }));
    expect(reconnects.map((r) => r.delay)).toEqual([2500]);
    expect(delays).toEqual([2500]);
  });
});

describe('connect: decoding', () => {
  it('decodes data as JSON with json: true and keeps the text in raw', async () => {
    route('get', '/events', [() => sseResponse([frame({ event: 'tick', data: { n: 1, tags: ['x'] } })])]);
    const events = await collect(connect<{ tick: { n: number; tags: string[] } }>(URL_, { json: true, reconnect: false }));
    expect(events).toEqual([{ type: 'tick', data: { n: 1, tags: ['x'] }, id: '', raw: '{"n":1,"tags":["x"]}' }]);
  });

  it('decodes data with the decode option, given the text and the event name', async () => {
    route('get', '/events', [() => sseResponse([frames([{ event: 'num', data: '41' }, { data: 'x' }])])]);
    const calls: [string, string][] = [];
    const events = await collect(
      connect(URL_, {
        json: true,
        reconnect: false,
        decode: (text, type) => {
          calls.push([text, type]);
          return type === 'num' ? Number(text) + 1 : text.toUpperCase();
        },
      }),
    );
    expect(events.map((e) => e.data)).toEqual([42, 'X']);
    expect(calls).toEqual([
      ['41', 'num'],
      ['x', 'message'],
    ]);
  });

  it("ends with StreamError 'invalid-data' on invalid JSON, after the earlier events", async () => {
    route('get', '/events', [
      () => sseResponse([frames([{ id: '1', data: { a: 1 } }, { id: '2', event: 'broken', data: '{not json' }, { data: { a: 3 } }])]),
    ]);
    const stream = connect(URL_, { json: true, reconnect: false });
    const { events, error } = await collectEvents(stream);
    expect(events.map((e) => e.data)).toEqual([{ a: 1 }]);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'invalid-data', data: '{not json', lastEventId: '2', event: 'broken' });
    expect((error as StreamError).cause).toBeInstanceOf(SyntaxError);
    expect(stream.readyState).toBe('closed');
  });

  it('goes on with the next event when onInvalidData handles invalid JSON', async () => {
    route('get', '/events', [
      () => sseResponse([frames([{ data: { a: 1 } }, { id: '2', data: '{not json' }, { data: { a: 3 } }])]),
    ]);
    const invalid: StreamError[] = [];
    const stream = connect(URL_, { json: true, reconnect: false, onInvalidData: (e) => invalid.push(e) });
    const { events, error } = await collectEvents(stream);
    expect(error).toBeUndefined();
    expect(events.map((e) => e.data)).toEqual([{ a: 1 }, { a: 3 }]);
    expect(invalid).toHaveLength(1);
    expect(invalid[0]).toMatchObject({ code: 'invalid-data', data: '{not json', lastEventId: '2' });
    await expect(stream.finished).resolves.toMatchObject({ type: 'ended' });
  });

  it('ends with the error onInvalidData throws', async () => {
    route('get', '/events', [() => sseResponse([frames([{ data: '{bad' }, { data: '{}' }])])]);
    const stop = new Error('stop here');
    const { events, error } = await collectEvents(
      connect(URL_, {
        json: true,
        reconnect: false,
        onInvalidData: () => {
          throw stop;
        },
      }),
    );
    expect(events).toEqual([]);
    expect(error).toBe(stop);
  });
});

describe('connect: request', () => {
  it('sends Accept: text/event-stream and the custom headers', async () => {
    const seen = route('get', '/events', [() => sseResponse([frame({ data: 'a' })])]);
    await collect(connect(URL_, { reconnect: false, headers: { 'x-trace': 'abc', authorization: 'Bearer t' } }));
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers.get('accept')).toBe('text/event-stream');
    expect(seen[0]!.headers.get('x-trace')).toBe('abc');
    expect(seen[0]!.headers.get('authorization')).toBe('Bearer t');
    expect(seen[0]!.headers.has('last-event-id')).toBe(false);
  });

  it('keeps an Accept header the caller set', async () => {
    const seen = route('get', '/events', [() => sseResponse([frame({ data: 'a' })])]);
    await collect(connect(URL_, { reconnect: false, headers: { accept: 'text/event-stream; q=1, */*; q=0.1' } }));
    expect(seen[0]!.headers.get('accept')).toBe('text/event-stream; q=1, */*; q=0.1');
  });

  it('sends the lastEventId option as Last-Event-ID on the first request', async () => {
    const seen = route('get', '/events', [() => sseResponse([frame({ data: 'a' })])]);
    const stream = connect(URL_, { reconnect: false, lastEventId: 'evt-41' });
    expect(stream.lastEventId).toBe('evt-41');
    const events = await collect(stream);
    expect(seen[0]!.headers.get('last-event-id')).toBe('evt-41');
    expect(events[0]!.id).toBe('evt-41');
  });

  it('sends a plain object body as JSON with content-type application/json', async () => {
    const seen = route('post', '/events', [() => sseResponse([frame({ data: 'a' })])]);
    await collect(connect(URL_, { method: 'POST', body: { prompt: 'hi', n: [1, 2] } }));
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(seen[0]!.body)).toEqual({ prompt: 'hi', n: [1, 2] });
  });

  it('sends a string body as is', async () => {
    const seen = route('post', '/events', [() => sseResponse([frame({ data: 'a' })])]);
    await collect(connect(URL_, { method: 'post', body: 'a=1&b=2', headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.body).toBe('a=1&b=2');
    expect(seen[0]!.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
  });
});

describe('connect: reconnection', () => {
  it('never re-sends a POST stream that drops and fails with ConnectionError carrying lastEventId', async () => {
    const { reconnect } = instantReconnect();
    const { onReconnect, reconnects } = reconnectLog();
    const connection = droppable([frames([{ id: '1', data: 'a' }, { id: '2', data: 'b' }])]);
    const seen = route('post', '/events', [connection.response]);
    const stream = connect(URL_, { method: 'POST', body: { q: 1 }, reconnect, onReconnect });
    stream.addEventListener('message', (event) => {
      if (event.id === '2') connection.drop();
    });
    const { events, error } = await collectEvents(stream);
    expect(events.map((e) => e.data)).toEqual(['a', 'b']);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ lastEventId: '2', method: 'POST', url: URL_ });
    expect(seen).toHaveLength(1);
    expect(reconnects).toEqual([]);
  });

  it('ends a POST stream that the server closes cleanly, without re-sending it', async () => {
    const seen = route('post', '/events', [() => sseResponse([frame({ data: 'a' })])]);
    const stream = connect(URL_, { method: 'POST', body: 'x' });
    expect((await collect(stream)).map((e) => e.data)).toEqual(['a']);
    await expect(stream.finished).resolves.toMatchObject({ type: 'ended' });
    expect(seen).toHaveLength(1);
  });

  it('reconnects a GET stream after a clean end and sends Last-Event-ID', async () => {
    const { reconnect } = instantReconnect();
    const { onReconnect, reconnects } = reconnectLog();
    const seen = route('get', '/events', [
      () => sseResponse([frames([{ id: '1', data: 'a' }, { id: '2', data: 'b' }])]),
      () => sseResponse([frame({ id: '3', data: 'c' })]),
      noContent,
    ]);
    const events = await collect(connect(URL_, { reconnect, onReconnect }));
    expect(events.map((e) => [e.id, e.data])).toEqual([
      ['1', 'a'],
      ['2', 'b'],
      ['3', 'c'],
    ]);
    expect(seen.map((s) => s.headers.get('last-event-id'))).toEqual([null, '2', '3']);
    expect(reconnects.map((r) => [r.attempt, r.cause, r.lastEventId])).toEqual([
      [1, undefined, '2'],
      [1, undefined, '3'],
    ]);
  });

  it('reconnects a GET stream after a drop and resends Last-Event-ID', async () => {
    const { reconnect } = instantReconnect();
    const { onReconnect, reconnects } = reconnectLog();
    const connection = droppable([frame({ id: '1', data: 'a' })]);
    const seen = route('get', '/events', [
      connection.response,
      () => sseResponse([frame({ id: '2', data: 'b' })]),
      noContent,
    ]);
    const stream = connect(URL_, { reconnect, onReconnect });
    stream.addEventListener('message', (event) => {
      if (event.id === '1') connection.drop();
    });
    const events = await collect(stream);
    expect(events.map((e) => e.data)).toEqual(['a', 'b']);
    expect(seen).toHaveLength(3);
    expect(seen[1]!.headers.get('last-event-id')).toBe('1');
    expect(reconnects[0]!.cause).toBeInstanceOf(ConnectionError);
    expect(reconnects[0]!.cause).toMatchObject({ lastEventId: '1' });
  });

  it('ends after the first response with reconnect: false', async () => {
    const seen = route('get', '/events', [() => sseResponse([frame({ id: '1', data: 'a' })])]);
    const stream = connect(URL_, { reconnect: false });
    expect((await collect(stream)).map((e) => e.data)).toEqual(['a']);
    await expect(stream.finished).resolves.toMatchObject({ type: 'ended' });
    expect(seen).toHaveLength(1);
  });

  it('fails with ConnectionError when a stream with reconnect: false drops', async () => {
    const connection = droppable([frame({ id: '4', data: 'a' })]);
    const seen = route('get', '/events', [connection.response]);
    const stream = connect(URL_, { reconnect: false });
    stream.addEventListener('message', () => connection.drop());
    const { events, error } = await collectEvents(stream);
    expect(events).toHaveLength(1);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ lastEventId: '4' });
    expect(seen).toHaveLength(1);
  });

  it('ends quietly on 204 without reconnecting', async () => {
    const { reconnect } = instantReconnect();
    const { onReconnect, reconnects } = reconnectLog();
    const seen = route('get', '/events', [noContent]);
    const stream = connect(URL_, { reconnect, onReconnect });
    expect(await collect(stream)).toEqual([]);
    await expect(stream.finished).resolves.toMatchObject({ type: 'ended' });
    expect(seen).toHaveLength(1);
    expect(reconnects).toEqual([]);
    expect(stream.readyState).toBe('closed');
  });

  it.each([401, 404])('fails with HTTPError on %i without retrying', async (status) => {
    const { reconnect } = instantReconnect();
    const { onReconnect, reconnects } = reconnectLog();
    const seen = route('get', '/events', [
      () =>
        HttpResponse.json(
          { error: { message: 'no such stream', code: 'not_found' } },
          { status, headers: { 'x-request-id': 'req_123' } },
        ),
    ]);
    const error = await rejection(connect(URL_, { reconnect, onReconnect, lastEventId: '3' }).finished);
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({
      status,
      body: { error: { message: 'no such stream', code: 'not_found' } },
      requestId: 'req_123',
      method: 'GET',
      url: URL_,
      lastEventId: '3',
    });
    expect((error as HTTPError).message).toContain('no such stream');
    expect(seen).toHaveLength(1);
    expect(reconnects).toEqual([]);
  });

  it('retries a 500 and goes on when the next attempt succeeds', async () => {
    const { reconnect } = instantReconnect();
    const { onReconnect, reconnects } = reconnectLog();
    const seen = route('get', '/events', [
      () => new Response('boom', { status: 500 }),
      () => sseResponse([frame({ id: '1', data: 'a' })]),
      noContent,
    ]);
    const events = await collect(connect(URL_, { reconnect, onReconnect }));
    expect(events.map((e) => e.data)).toEqual(['a']);
    expect(seen).toHaveLength(3);
    expect(reconnects[0]!.cause).toBeInstanceOf(HTTPError);
    expect(reconnects[0]!.cause).toMatchObject({ status: 500, body: 'boom' });
  });

  it.each([503, 429])('waits the Retry-After of a %i before retrying', async (status) => {
    const { reconnect, delays } = instantReconnect({ initialDelay: 50 });
    const { onReconnect, reconnects } = reconnectLog();
    route('get', '/events', [
      () => new Response(null, { status, headers: { 'retry-after': '1' } }),
      () => sseResponse([frame({ data: 'a' })]),
      noContent,
    ]);
    const events = await collect(connect(URL_, { reconnect, onReconnect }));
    expect(events).toHaveLength(1);
    expect(reconnects[0]).toMatchObject({ attempt: 1, delay: 1000 });
    expect(delays).toEqual([1000, 50]);
  });

  it("fails with StreamError 'retries-exhausted' after maxAttempts, with the cause and lastEventId", async () => {
    const { reconnect } = instantReconnect({ maxAttempts: 3 });
    const { onReconnect, reconnects } = reconnectLog();
    const seen = route('get', '/events', [
      () => sseResponse([frame({ id: '8', data: 'a' })]),
      ...Array.from({ length: 4 }, () => () => new Response('down', { status: 502 })),
    ]);
    const { events, error } = await collectEvents(connect(URL_, { reconnect, onReconnect }));
    expect(events).toHaveLength(1);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'retries-exhausted', lastEventId: '8' });
    expect((error as StreamError).cause).toBeInstanceOf(HTTPError);
    expect((error as StreamError).cause).toMatchObject({ status: 502 });
    // The first response, then maxAttempts reconnects: none delivered a new event.
    expect(seen).toHaveLength(4);
    expect(reconnects.map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(seen.slice(1).every((s) => s.headers.get('last-event-id') === '8')).toBe(true);
  });

  it('grows the delay across failed attempts and resets it after an attempt that delivered an event', async () => {
    const { reconnect } = instantReconnect({ initialDelay: 100, factor: 2, maxDelay: 10_000 });
    const { onReconnect, reconnects } = reconnectLog();
    const fail = () => new Response(null, { status: 500 });
    route('get', '/events', [
      () => sseResponse([frame({ id: '1', data: 'a' })]),
      fail,
      fail,
      () => sseResponse([frame({ id: '2', data: 'b' })]),
      fail,
      noContent,
    ]);
    const events = await collect(connect(URL_, { reconnect, onReconnect }));
    expect(events.map((e) => e.data)).toEqual(['a', 'b']);
    expect(reconnects.map((r) => [r.attempt, r.delay])).toEqual([
      [1, 100],
      [2, 200],
      [3, 400],
      [1, 100],
      [2, 200],
    ]);
  });
});

describe('connect: unusable streams', () => {
  it("fails with StreamError 'invalid-content-type' on a non-SSE response, without retrying", async () => {
    const { reconnect } = instantReconnect();
    const { onReconnect, reconnects } = reconnectLog();
    const seen = route('get', '/events', [() => HttpResponse.json({ hello: 'world' })]);
    const error = await rejection(connect(URL_, { reconnect, onReconnect }).finished);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'invalid-content-type', url: URL_ });
    expect((error as StreamError).message).toContain('application/json');
    expect(seen).toHaveLength(1);
    expect(reconnects).toEqual([]);
  });

  it("accepts a text/event-stream content type with parameters", async () => {
    route('get', '/events', [
      () => sseResponse([frame({ data: 'a' })], { headers: { 'content-type': 'Text/Event-Stream; charset=utf-8' } }),
    ]);
    expect((await collect(connect(URL_, { reconnect: false }))).map((e) => e.data)).toEqual(['a']);
  });

  it.each([
    ['arrives in one chunk', (text: string) => [text]],
    ['is split across chunks', (text: string) => [text.slice(0, 100), text.slice(100, 250), text.slice(250)]],
  ])("fails with StreamError 'max-buffer-size' when an event past maxEventSize %s", async (_, split) => {
    const big = 'x'.repeat(300);
    route('get', '/events', [() => sseResponse([frame({ id: '1', data: 'small' }), ...split(frame({ data: big })), frame({ data: 'after' })])]);
    const { events, error } = await collectEvents(connect(URL_, { reconnect: false, maxEventSize: 200 }));
    expect(events.map((e) => e.data)).toEqual(['small']);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'max-buffer-size', lastEventId: '1' });
  });

  it('delivers an event just under maxEventSize', async () => {
    const fits = 'y'.repeat(150);
    route('get', '/events', [() => sseResponse([frame({ data: fits })])]);
    const events = await collect(connect(URL_, { reconnect: false, maxEventSize: 200 }));
    expect(events.map((e) => e.data)).toEqual([fits]);
  });
});

describe('connect: onOpen', () => {
  it('reports each opened connection before its first event, with status, headers and the Last-Event-ID sent', async () => {
    const { reconnect } = instantReconnect();
    route('get', '/events', [
      () => sseResponse([frame({ id: '1', data: 'a' })], { headers: { 'x-request-id': 'req-1' } }),
      () => sseResponse([frame({ id: '2', data: 'b' })], { headers: { 'x-request-id': 'req-2' } }),
      noContent,
    ]);
    const log: string[] = [];
    const stream = connect(URL_, {
      reconnect,
      onOpen: ({ status, headers, lastEventId }) => log.push(`open ${status} ${headers.get('x-request-id')} [${lastEventId}]`),
    });
    for await (const event of stream) log.push(`event ${event.data}`);
    expect(log).toEqual(['open 200 req-1 []', 'event a', 'open 200 req-2 [1]', 'event b']);
  });

  it('is not called for a response that is not an event stream', async () => {
    route('get', '/events', [() => HttpResponse.json({ error: 'nope' }, { status: 404 })]);
    let opened = 0;
    const error = await rejection(collect(connect(URL_, { reconnect: false, onOpen: () => opened++ })));
    expect(error).toBeInstanceOf(HTTPError);
    expect(opened).toBe(0);
  });
});
