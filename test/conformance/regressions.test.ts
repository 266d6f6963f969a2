/**
 * Regression vectors for five divergences from the spec that the conformance suite found and
 * that were then fixed: a decoded U+00EF U+00BB U+00BF taken for a BOM, a non-UTF-8
 * Last-Event-ID, jitter below the reconnection time, ids after the end moving the last event ID,
 * and reconnection times past setTimeout's limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Runstream, StreamError, connect } from '../../src/index.js';
import { startLoopback, utf8, type Loopback } from '../helpers/loopback.js';
import { collect } from '../helpers/sse.js';
import { bytes, defineVector, within } from './harness.js';

let loopback: Loopback;
beforeAll(async () => {
  loopback = await startLoopback();
});
afterAll(() => loopback.close());

describe('fixed 1: the characters U+00EF U+00BB U+00BF at the start of a stream are stripped as if they were a BOM', () => {
  defineVector(
    {
      name: 'ï»¿ (UTF-8 C3 AF C2 BB C2 BF) starts the first field name, which is then unknown',
      input: '\u00EF\u00BB\u00BFdata: a\n\ndata: b\n\n',
      events: [{ type: 'message', data: 'b', id: '' }],
      lastEventId: '',
    },
    () => loopback,
  );
});

describe('fixed 2: Last-Event-ID is not sent as UTF-8', () => {
  defineVector(
    { name: 'a Latin-1 id (é) is sent as UTF-8 C3 A9', input: 'id: é\ndata: a\n\n', events: [{ type: 'message', data: 'a', id: 'é' }], lastEventId: 'é' },
    () => loopback,
  );
  defineVector(
    { name: 'an astral id (😀) is sent as UTF-8 F0 9F 98 80', input: 'id: 😀\ndata: a\n\n', events: [{ type: 'message', data: 'a', id: '😀' }], lastEventId: '😀' },
    () => loopback,
  );
  defineVector(
    {
      name: 'an id with invalid UTF-8 is U+FFFD and is sent as EF BF BD',
      input: bytes('id: ', [0xff], '\ndata: a\n\n'),
      events: [{ type: 'message', data: 'a', id: '\uFFFD' }],
      lastEventId: '\uFFFD',
    },
    () => loopback,
  );
});

describe('fixed 3: backoff jitter waits less than the server-set reconnection time', () => {
  it('never waits less than retry: 60000 between attempts', async () => {
    loopback.script(
      { steps: ['retry: 60000\n\n'] },
      { status: 503, headers: { 'content-type': 'text/plain' }, steps: ['busy'] },
      { status: 204, steps: [] },
    );
    const delays: number[] = [];
    const stream = connect(loopback.url('/jitter'), {
      reconnect: { sleep: () => Promise.resolve(), random: () => 0.999 },
      onReconnect: (info) => delays.push(info.delay),
    });
    await within(5000, collect(stream));
    expect(delays).toHaveLength(2);
    expect(delays[0]).toBe(60000);
    expect(delays[1]).toBeGreaterThanOrEqual(60000);
  });
});

describe('fixed 4: after a terminal event or a failure, lastEventId still takes ids from the rest of the chunk', () => {
  const cases = [
    {
      name: 'runs: an id after run.completed in the same chunk',
      wire: 'event: run.completed\nid: 3\ndata: {"run_id":"run_1","duration_ms":1,"result":null}\n\nevent: log\nid: 4\ndata: {}\n\n',
      lastEventId: '3',
    },
    {
      name: 'runs: an id after an invalid-data event in the same chunk',
      wire: 'event: log\nid: 1\ndata: {}\n\nevent: log\nid: 2\ndata: not json\n\nevent: run.completed\nid: 3\ndata: {}\n\n',
      lastEventId: '2',
    },
  ];
  for (const c of cases) {
    for (const [label, chunks] of [
      ['whole', [utf8(c.wire)]],
      ['one byte per write', Array.from(utf8(c.wire), (b) => Uint8Array.of(b))],
    ] as const) {
      it(`${c.name} (${label})`, async () => {
        loopback.script({ steps: chunks }, { status: 204, steps: [] });
        const client = new Runstream({ baseUrl: loopback.url(''), reconnect: { sleep: () => Promise.resolve(), maxAttempts: 1 } });
        const stream = client.runs.stream('run_1');
        let failure: unknown;
        try {
          await within(5000, collect(stream));
        } catch (error) {
          failure = error;
        }
        if (failure instanceof StreamError) expect(failure.lastEventId).toBe(c.lastEventId);
        expect(stream.lastEventId).toBe(c.lastEventId);
      });
    }
  }
  it('connect({ json: true }): an id after an invalid-data event in the same chunk', async () => {
    loopback.script({ steps: ['id: 1\ndata: {}\n\nid: 2\ndata: nope\n\nid: 3\ndata: {}\n\n'] });
    const stream = connect(loopback.url('/json'), { json: true, reconnect: false });
    const failure = await within(5000, collect(stream)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StreamError);
    expect((failure as StreamError).lastEventId).toBe('2');
    expect(stream.lastEventId).toBe('2');
  });
});

describe('fixed 5: the default sleep reconnects at once when the delay does not fit a 32-bit setTimeout', () => {
  it('waits (at least 1.5 s here) after retry: 2147483648', async () => {
    loopback.script({ steps: ['retry: 2147483648\ndata: a\n\n'] }, { status: 204, steps: [] });
    const delays: number[] = [];
    const stream = connect(loopback.url('/big-retry'), { onReconnect: (info) => delays.push(info.delay) });
    const timer = setTimeout(() => stream.close(), 1500);
    await within(5000, collect(stream));
    clearTimeout(timer);
    expect(delays).toEqual([2147483648]);
    expect(loopback.requests).toHaveLength(1);
  });
});
