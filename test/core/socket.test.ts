/**
 * Real sockets on 127.0.0.1: chunk boundaries as TCP reads see them, drops mid-event, aborts of
 * live connections. msw cannot show these: its bodies are in-memory streams.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConnectionError, connect, type ReconnectInfo, type StreamEvent } from '../../src/index.js';
import { splitAt, startLoopback, utf8, type Loopback, countingFetch } from '../helpers/loopback.js';
import { collect, frame, frames, type Frame } from '../helpers/sse.js';
import { within } from '../helpers/async.js';

let loopback: Loopback;
beforeAll(async () => {
  loopback = await startLoopback();
});
afterAll(() => loopback.close());


const instant = { sleep: () => Promise.resolve(), random: () => 0 };
const shape = (events: StreamEvent[]) => events.map(({ type, data, id, raw }) => ({ type, data, id, raw }));

describe('framing over a real socket', () => {
  const list: Frame[] = [
    { event: 'greeting', id: '1', data: 'héllo wörld' },
    { id: '2', data: '你好，世界\n第二行：日本語も' },
    { comment: ' keepalive' },
    { event: 'emoji', id: '3', data: '🚀🎉 👩‍💻 done' },
    { data: 'plain ascii' },
    { id: '4', data: { text: 'JSON 🎈 ✓', n: 4 } },
    { retry: 1500, data: 'Ünïcödé ∑ ≠ €' },
  ];
  const expected = [
    { type: 'greeting', data: 'héllo wörld', id: '1', raw: 'héllo wörld' },
    { type: 'message', data: '你好，世界\n第二行：日本語も', id: '2', raw: '你好，世界\n第二行：日本語も' },
    { type: 'emoji', data: '🚀🎉 👩‍💻 done', id: '3', raw: '🚀🎉 👩‍💻 done' },
    { type: 'message', data: 'plain ascii', id: '3', raw: 'plain ascii' },
    { type: 'message', data: '{"text":"JSON 🎈 ✓","n":4}', id: '4', raw: '{"text":"JSON 🎈 ✓","n":4}' },
    { type: 'message', data: 'Ünïcödé ∑ ≠ €', id: '4', raw: 'Ünïcödé ∑ ≠ €' },
  ];
  const lf = utf8(frames(list));
  const crlf = utf8(frames(list, '\r\n'));
  const isContinuation = (byte: number) => (byte & 0xc0) === 0x80;
  const indices = (bytes: Uint8Array, keep: (i: number) => boolean) =>
    Array.from({ length: bytes.length }, (_, i) => i).filter(keep);

  const variants: [string, Uint8Array[]][] = [
    ['written whole', [lf]],
    ['written one byte per write', splitAt(lf, indices(lf, (i) => i > 0))],
    ['split inside every multi-byte character', splitAt(lf, indices(lf, (i) => isContinuation(lf[i]!)))],
    ['with CRLF line ends, split between every CR and LF', splitAt(crlf, indices(crlf, (i) => crlf[i - 1] === 0x0d))],
    ['with CRLF line ends, one byte per write', splitAt(crlf, indices(crlf, (i) => i > 0))],
    ['with CR line ends', [utf8(frames(list, '\r'))]],
  ];

  it('has fixtures that really split characters and CRLF pairs', () => {
    const multibyte = variants[2]![1];
    expect(multibyte.length).toBeGreaterThan(40);
    // Every chunk after the first starts inside a character.
    expect(multibyte.slice(1).every((chunk) => isContinuation(chunk[0]!))).toBe(true);
    const split = variants[3]![1];
    expect(split.slice(0, -1).every((chunk) => chunk[chunk.length - 1] === 0x0d)).toBe(true);
    expect(split.slice(1).every((chunk) => chunk[0] === 0x0a)).toBe(true);
  });

  it('delivers split writes to the client as separate reads', async () => {
    // Observes the body through a pass-through fetch, so that the framing cases below are known
    // to meet the chunk boundaries they claim rather than one coalesced read.
    const counting = countingFetch();
    for (const [name, chunks] of variants.slice(1, 4)) {
      counting.reset();
      loopback.script({ steps: chunks });
      const events = await within(10_000, collect(connect(loopback.url('/reads'), { reconnect: false, fetch: counting.fetch })));
      expect(events, name).toHaveLength(expected.length);
      expect(counting.reads(), name).toBeGreaterThanOrEqual(chunks.length / 2);
    }
  });

  it.each(variants)('yields the same events when the stream is %s', async (_, chunks) => {
    loopback.script({ steps: chunks });
    const events = await within(10_000, collect(connect(loopback.url('/framing'), { reconnect: false })));
    expect(shape(events)).toEqual(expected);
  });

  it('strips one leading BOM, even when its bytes arrive one per write', async () => {
    const bytes = utf8(`\uFEFF${frames([{ id: '1', data: 'first' }, { data: 'second' }])}`);
    expect(Array.from(bytes.subarray(0, 3))).toEqual([0xef, 0xbb, 0xbf]);
    loopback.script({ steps: splitAt(bytes, [1, 2, 3, 5]) });
    const events = await within(5000, collect(connect(loopback.url('/bom'), { reconnect: false })));
    expect(events.map((e) => [e.type, e.data, e.id])).toEqual([
      ['message', 'first', '1'],
      ['message', 'second', '1'],
    ]);
  });

  it('keeps a second BOM as part of the first line, whose field is then ignored', async () => {
    // Spec: one leading U+FEFF is ignored; the next belongs to the first line, whose field name
    // becomes "\uFEFFdata" (or "\uFEFFid"), which is no field: the line is ignored.
    loopback.script(
      { steps: [`\uFEFF\uFEFF${frame({ data: 'hidden' })}${frame({ data: 'shown' })}`] },
      { steps: [`\uFEFF\uFEFF${frame({ id: '1', data: 'kept' })}${frame({ id: '2', data: 'next' })}`] },
    );
    const dataFirst = await within(5000, collect(connect(loopback.url('/bom2'), { reconnect: false })));
    // The block's only line was ignored: it had no data, so it dispatched nothing.
    expect(dataFirst.map((e) => [e.type, e.data, e.id])).toEqual([['message', 'shown', '']]);
    const idFirst = await within(5000, collect(connect(loopback.url('/bom2'), { reconnect: false })));
    // Only the id line was ignored: the data line still makes an event, without an id.
    expect(idFirst.map((e) => [e.type, e.data, e.id])).toEqual([
      ['message', 'kept', ''],
      ['message', 'next', '2'],
    ]);
  });

  it('keeps a U+FEFF that is not at the start of the stream', async () => {
    loopback.script({ steps: [frames([{ data: 'a' }, { data: '\uFEFFb' }])] });
    const events = await within(5000, collect(connect(loopback.url('/bom3'), { reconnect: false })));
    expect(events.map((e) => e.data)).toEqual(['a', '\uFEFFb']);
  });

  it('strips the leading BOM of each new response after a reconnect', async () => {
    loopback.script(
      { steps: [`\uFEFF${frame({ id: '1', data: 'one' })}`] },
      { steps: [`\uFEFF${frame({ id: '2', data: 'two' })}`] },
      { status: 204, steps: [] },
    );
    const events = await within(5000, collect(connect(loopback.url('/bom4'), { reconnect: instant })));
    // A BOM left in place would hide each response's first line: here its id.
    expect(events.map((e) => [e.data, e.id])).toEqual([
      ['one', '1'],
      ['two', '2'],
    ]);
  });
});

describe('drops and aborts over a real socket', () => {
  const all = [1, 2, 3, 4, 5].map((n) => ({ id: String(n), data: `event ${n} complete` }));
  /** The frames a resumable server sends after `lastEventId`. */
  const after = (lastEventId: string | string[] | undefined) => all.filter((e) => Number(e.id) > Number(lastEventId ?? 0));

  it('reconnects with Last-Event-ID after a drop mid-event: the half event is discarded, none lost or repeated', async () => {
    let sawTwo!: () => void;
    const twoDelivered = new Promise<void>((resolve) => {
      sawTwo = resolve;
    });
    const half = frame(all[2]!).slice(0, 'id: 3\ndata: event 3'.length);
    loopback.script(
      (request) => ({
        steps: [
          frames(after(request.headers['last-event-id']).slice(0, 2)),
          { until: twoDelivered },
          half,
          { wait: 30 },
          { destroy: true },
        ],
      }),
      (request) => ({ steps: [frames(after(request.headers['last-event-id']))] }),
      { status: 204, steps: [] },
    );
    const reconnects: ReconnectInfo[] = [];
    const stream = connect(loopback.url('/drop'), { reconnect: instant, onReconnect: (info) => reconnects.push(info) });
    stream.addEventListener('message', (event) => {
      if (event.id === '2') sawTwo();
    });
    const events = await within(10_000, collect(stream));
    expect(events.map((e) => [e.id, e.data])).toEqual(all.map((e) => [e.id, e.data]));
    expect(loopback.requests.map((r) => r.headers['last-event-id'])).toEqual([undefined, '2', '5']);
    expect(reconnects[0]!.cause).toBeInstanceOf(ConnectionError);
    expect(reconnects[0]).toMatchObject({ attempt: 1, lastEventId: '2' });
  });

  it('ends promptly when the loop breaks right after the last byte of a finished response', async () => {
    loopback.script({ steps: [frames([{ id: '1', data: 'a' }, { id: '2', data: 'last' }])] });
    const stream = connect(loopback.url('/break'));
    const seen: string[] = [];
    await within(
      2000,
      (async () => {
        for await (const event of stream) {
          seen.push(event.data);
          if (event.id === '2') break;
        }
      })(),
    );
    await within(1000, stream.finished);
    expect(seen).toEqual(['a', 'last']);
    expect(stream.readyState).toBe('closed');
    expect(loopback.requests).toHaveLength(1);
  });

  it('ends promptly and closes the connection when the signal aborts while the server is silent', async () => {
    loopback.script({ steps: [frame({ id: '1', data: 'a' }), { hold: true }] });
    const controller = new AbortController();
    const stream = connect(loopback.url('/silent'), { signal: controller.signal });
    const seen: string[] = [];
    const loop = (async () => {
      for await (const event of stream) {
        seen.push(event.data);
        setTimeout(() => controller.abort(), 30);
      }
    })();
    await within(2000, loop);
    await within(1000, stream.finished);
    await within(2000, loopback.requests[0]!.closed);
    expect(seen).toEqual(['a']);
  });

  it('ends promptly when the signal aborts while an error body is still arriving', async () => {
    loopback.script({ status: 503, headers: { 'content-type': 'text/plain' }, steps: ['overloaded, retry', { hold: true }] });
    const controller = new AbortController();
    const stream = connect(loopback.url('/stalled-error'), { signal: controller.signal });
    const finished = stream.finished;
    await within(2000, vi.waitFor(() => expect(loopback.requests).toHaveLength(1)));
    controller.abort();
    await within(1000, finished);
    await within(2000, loopback.requests[0]!.closed);
    expect(stream.readyState).toBe('closed');
  });

  it('ends promptly and leaves no timer behind when the signal aborts during the reconnect delay', async () => {
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const clearTimeoutSpy = vi.spyOn(globalThis, 'clearTimeout');
    loopback.script({ steps: [frame({ id: '1', data: 'a' })] });
    const controller = new AbortController();
    let waiting!: () => void;
    const inDelay = new Promise<void>((resolve) => {
      waiting = resolve;
    });
    const stream = connect(loopback.url('/waiting'), {
      signal: controller.signal,
      reconnect: { initialDelay: 60_000 },
      onReconnect: () => waiting(),
    });
    const events = collect(stream);
    await within(2000, inDelay);
    await new Promise<void>((resolve) => setImmediate(resolve));
    const delayTimer = setTimeoutSpy.mock.calls.findIndex((call) => call[1] === 60_000);
    expect(delayTimer).toBeGreaterThanOrEqual(0);
    expect(stream.readyState).toBe('connecting');
    controller.abort();
    // Guards, not measures: a stream still waiting on the 60 s timer would miss them by far.
    expect((await within(10_000, events)).map((e) => e.data)).toEqual(['a']);
    await within(10_000, stream.finished);
    expect(clearTimeoutSpy).toHaveBeenCalledWith(setTimeoutSpy.mock.results[delayTimer]!.value);
    expect(loopback.requests).toHaveLength(1);
  });
});
