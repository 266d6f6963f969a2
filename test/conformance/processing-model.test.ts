/**
 * The processing model around the byte stream, over a real socket: what happens across
 * connections (last event ID, reconnection time, `Last-Event-ID`), HTTP statuses and content
 * types, and every deliberate divergence from the spec that docs/conformance.md lists, pinned
 * here so that the page stays true.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#sse-processing-model
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTPError, StreamError, connect, type ConnectOptions, type ReconnectInfo } from '../../src/index.js';
import { startLoopback, type Loopback } from '../helpers/loopback.js';
import { frame, frames } from '../helpers/sse.js';
import { INITIAL_DELAY, within } from './harness.js';

let loopback: Loopback;
beforeAll(async () => {
  loopback = await startLoopback();
});
afterAll(() => loopback.close());

const NO_CONTENT = { status: 204, steps: [] } as const;

/** `connect()` with an instant, recorded reconnect: `delays` are `onReconnect` info.delay (ms). */
function open(path: string, options: ConnectOptions = {}) {
  const reconnects: ReconnectInfo[] = [];
  const stream = connect(loopback.url(path), {
    reconnect: { initialDelay: INITIAL_DELAY, sleep: () => Promise.resolve(), random: () => 0, maxAttempts: 3 },
    onReconnect: (info) => reconnects.push(info),
    ...options,
  });
  return { stream, reconnects };
}

/** The outcome of iterating `stream` to its end: the events' `[data, id]` and the error, if any. */
async function drain(stream: ReturnType<typeof open>['stream']) {
  const events: [string, string][] = [];
  let failure: unknown;
  try {
    for await (const event of stream) events.push([event.data, event.id]);
  } catch (error) {
    failure = error;
  }
  return { events, failure };
}

describe('across connections', () => {
  it('keeps the last event ID and the reconnection time from one connection to the next', async () => {
    loopback.script(
      { steps: [frames([{ retry: 500, id: '7', data: 'a' }])] },
      // An id-less event on the new connection still carries the id the stream resumed from.
      { steps: [frames([{ data: 'b' }])] },
      NO_CONTENT,
    );
    const { stream, reconnects } = open('/across');
    const { events } = await within(5000, drain(stream));
    expect(events).toEqual([
      ['a', '7'],
      ['b', '7'],
    ]);
    expect(reconnects.map((r) => r.delay)).toEqual([500, 500]);
    expect(loopback.requests.map((r) => r.headers['last-event-id'])).toEqual([undefined, '7', '7']);
  });

  it('an empty id on a later connection stops sending Last-Event-ID', async () => {
    loopback.script({ steps: [frame({ id: '1', data: 'a' })] }, { steps: [frame({ id: '', data: 'b' })] }, NO_CONTENT);
    const { stream } = open('/reset');
    const { events } = await within(5000, drain(stream));
    expect(events).toEqual([
      ['a', '1'],
      ['b', ''],
    ]);
    expect(loopback.requests.map((r) => r.headers['last-event-id'])).toEqual([undefined, '1', undefined]);
  });

  it('discards an event cut off by the end of a connection rather than join it to the next', async () => {
    loopback.script({ steps: ['id: 1\ndata: a\n\nevent: x\ndata: half'] }, { steps: ['data: b\n\n'] }, NO_CONTENT);
    const { stream } = open('/cut');
    const heardX: string[] = [];
    stream.addEventListener('x', (event) => heardX.push(String(event.data)));
    const { events } = await within(5000, drain(stream));
    expect(events).toEqual([
      ['a', '1'],
      ['b', '1'],
    ]);
    // `event: x` did not leak into the next connection's first event either.
    expect(heardX).toEqual([]);
  });

  it('lets the lastEventId option send Last-Event-ID on the first request', async () => {
    loopback.script({ steps: [frame({ data: 'next' })] }, NO_CONTENT);
    const { stream } = open('/seeded', { lastEventId: '41' });
    expect((await within(5000, drain(stream))).events).toEqual([['next', '41']]);
    expect(loopback.requests.map((r) => r.headers['last-event-id'])).toEqual(['41', '41']);
  });
});

describe('HTTP status and content type', () => {
  it('decodes the body as UTF-8 whatever charset the content type names', async () => {
    loopback.script({ headers: { 'content-type': 'text/event-stream; charset=iso-8859-1' }, steps: [frame({ data: 'é€😀' })] }, NO_CONTENT);
    const { stream } = open('/charset');
    expect((await within(5000, drain(stream))).events).toEqual([['é€😀', '']]);
  });

  it('fails with StreamError invalid-content-type, without reconnecting, when the type is not text/event-stream', async () => {
    loopback.script({ headers: { 'content-type': 'application/json' }, steps: ['{"data":"x"}'] });
    const { stream } = open('/json');
    const { failure } = await within(5000, drain(stream));
    expect(failure).toBeInstanceOf(StreamError);
    expect((failure as StreamError).code).toBe('invalid-content-type');
    expect(loopback.requests).toHaveLength(1);
  });

  it('[divergence] ends quietly on 204: the stream resolves, nothing is retried', async () => {
    loopback.script(NO_CONTENT);
    const { stream } = open('/gone');
    const { events, failure } = await within(5000, drain(stream));
    expect([events, failure]).toEqual([[], undefined]);
    await expect(stream.finished).resolves.toMatchObject({ type: 'ended' });
    expect(stream.readyState).toBe('closed');
    expect(loopback.requests).toHaveLength(1);
  });

  it('[divergence] reads any 2xx text/event-stream response, not only 200', async () => {
    loopback.script({ status: 201, steps: [frame({ data: 'created' })] }, NO_CONTENT);
    const { stream } = open('/created');
    expect((await within(5000, drain(stream))).events).toEqual([['created', '']]);
  });

  it('[divergence] fails with a typed HTTPError on 404, without reconnecting', async () => {
    loopback.script({ status: 404, headers: { 'content-type': 'application/json' }, steps: ['{"error":"no such run"}'] });
    const { stream } = open('/missing');
    const { failure } = await within(5000, drain(stream));
    expect(failure).toBeInstanceOf(HTTPError);
    expect(failure).toMatchObject({ status: 404, body: { error: 'no such run' } });
    expect(loopback.requests).toHaveLength(1);
  });

  it('[divergence] retries 503 after its Retry-After, whatever the reconnection time', async () => {
    loopback.script(
      { steps: [frame({ retry: 100, id: '1', data: 'a' })] },
      { status: 503, headers: { 'content-type': 'text/plain', 'retry-after': '2' }, steps: ['busy'] },
      { steps: [frame({ data: 'b' })] },
      NO_CONTENT,
    );
    const { stream, reconnects } = open('/busy');
    expect((await within(5000, drain(stream))).events).toEqual([
      ['a', '1'],
      ['b', '1'],
    ]);
    expect(reconnects.map((r) => [r.delay, r.cause?.name])).toEqual([
      [100, undefined],
      [2000, 'HTTPError'],
      [100, undefined],
    ]);
  });
});

describe('reconnection policy', () => {
  it('[divergence] backs off over attempts that deliver nothing, then fails with retries-exhausted', async () => {
    // The spec allows waiting more than the reconnection time ("optionally, wait some more");
    // EventSource never gives up, runstream does after maxAttempts.
    loopback.script({ steps: [frame({ retry: 300, id: '1', data: 'a' })] }, { steps: [] }, { steps: [] }, { steps: [] });
    const { stream, reconnects } = open('/empty');
    const { events, failure } = await within(5000, drain(stream));
    expect(events).toEqual([['a', '1']]);
    expect(reconnects.map((r) => [r.attempt, r.delay])).toEqual([
      [1, 300],
      [2, 600],
      [3, 1200],
    ]);
    expect(failure).toBeInstanceOf(StreamError);
    expect(failure).toMatchObject({ code: 'retries-exhausted', lastEventId: '1' });
  });

  it('[divergence] does not send a POST again once the server answered it with events', async () => {
    loopback.script({ steps: [frame({ id: '1', data: 'started' })] }, NO_CONTENT);
    const { stream, reconnects } = open('/post', { method: 'POST', body: { prompt: 'hi' } });
    const { events, failure } = await within(5000, drain(stream));
    expect([events, failure]).toEqual([[['started', '1']], undefined]);
    expect(reconnects).toEqual([]);
    expect(loopback.requests.map((r) => r.method)).toEqual(['POST']);
  });

  it('[divergence] sends a POST again after 503 before any event: the server did not take it', async () => {
    loopback.script(
      { status: 503, headers: { 'content-type': 'text/plain' }, steps: ['busy'] },
      { steps: [frame({ id: '1', data: 'started' })] },
      NO_CONTENT,
    );
    const { stream } = open('/post-busy', { method: 'POST', body: { prompt: 'hi' } });
    expect((await within(5000, drain(stream))).events).toEqual([['started', '1']]);
    expect(loopback.requests.map((r) => r.method)).toEqual(['POST', 'POST']);
  });
});

describe('limits and closing', () => {
  it('[divergence] fails with max-buffer-size when one event outgrows maxEventSize', async () => {
    loopback.script({ steps: [frames([{ id: '1', data: 'small' }, { id: '2', data: 'x'.repeat(4096) }])] });
    const { stream } = open('/big', { maxEventSize: 1024 });
    const { events, failure } = await within(5000, drain(stream));
    expect(events).toEqual([['small', '1']]);
    expect(failure).toMatchObject({ name: 'StreamError', code: 'max-buffer-size' });
    expect(loopback.requests).toHaveLength(1);
  });

  it('drops the events already received but not yet taken when the loop breaks, as EventSource drops queued dispatches after close()', async () => {
    loopback.script({ steps: [frames([1, 2, 3].map((n) => ({ id: String(n), data: `e${n}` })))] });
    const { stream } = open('/close');
    const seen: string[] = [];
    await within(
      5000,
      (async () => {
        for await (const event of stream) {
          seen.push(event.data);
          break;
        }
      })(),
    );
    expect(seen).toEqual(['e1']);
    expect(stream.readyState).toBe('closed');
    // The whole chunk was parsed before the loop body ran: the last event ID already counts
    // the dropped events (as EventSource's last event ID string would). Resume from the id of
    // the last event you handled, `event.id`, not from `stream.lastEventId`.
    expect(stream.lastEventId).toBe('3');
  });
});
