/**
 * The idle timeout that learns the keepalive cadence: the pure rules (`Cadence`,
 * `learnedTimeout`) with times passed in, then whole streams over msw on a fake clock (the
 * connection's timer and `Date.now()` are vitest's), so that no test waits for real time.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { http, HttpResponse } from 'msw';
import { ConnectionError, Crewship, Stax, connect } from '../../src/index.js';
import { Cadence, learnedTimeout } from '../../src/core/connection.js';
import { BASE, server, useMsw } from '../helpers/msw.js';
import { frame, sseResponse } from '../helpers/sse.js';
import { instantReconnect } from '../../src/testing/index.js';
import { reconnectLog, route } from './support.js';

useMsw();

/** Feeds `cadence` keepalives at these times (ms) and returns the learned interval after each. */
function beats(cadence: Cadence, times: readonly number[]): number[] {
  return times.map((time) => cadence.beat(time));
}

describe('Cadence: learning the keepalive interval', () => {
  it('learns nothing from fewer than three intervals, then the longest of three steady ones', () => {
    // Intervals 1000, 1100, 1200: the longest is 1.2 times the shortest.
    expect(beats(new Cadence(), [0, 1000, 2100, 3300])).toEqual([0, 0, 0, 1200]);
  });

  it('calls a window steady when its longest interval is at most 1.5 times its shortest', () => {
    expect(beats(new Cadence(), [0, 1000, 2000, 3500]).at(-1)).toBe(1500);
    expect(beats(new Cadence(), [0, 1000, 2000, 3501]).at(-1)).toBe(0);
  });

  it('learns nothing from keepalives at an uneven pace, and learns once three in a row are steady', () => {
    const cadence = new Cadence();
    // 1000, 3000, 1000, 3000: never steady.
    expect(beats(cadence, [0, 1000, 4000, 5000, 8000])).toEqual([0, 0, 0, 0, 0]);
    // Then 1000, 1000, 1000.
    expect(beats(cadence, [9000, 10_000, 11_000])).toEqual([0, 0, 1000]);
  });

  it('counts keepalives less than 50 ms apart (a burst, one chunk) as one', () => {
    const cadence = new Cadence();
    // Bursts of two (0 ms and 10 ms apart) every 1000 ms: the cadence is 1000, not 0 or 10.
    expect(beats(cadence, [0, 0, 1000, 1010, 2000, 2000, 3000]).at(-1)).toBe(1000);
  });

  it('raises the interval at once when a keepalive comes late, and lowers it only after three steady faster ones', () => {
    const cadence = new Cadence();
    beats(cadence, [0, 1000, 2000, 3000]);
    expect(cadence.interval).toBe(1000);
    // A late one (2500 ms): the interval grows with it, so the timeout never undercuts what was seen.
    expect(cadence.beat(5500)).toBe(2500);
    // Faster again: 1000, 1000 leave the window unsteady (2500 in it); the third sets 1000.
    expect(beats(cadence, [6500, 7500, 8500])).toEqual([2500, 2500, 1000]);
  });

  it('follows a server that slows down: the longer interval holds once it is steady', () => {
    const cadence = new Cadence();
    beats(cadence, [0, 1000, 2000, 3000]);
    expect(beats(cadence, [5000, 7000, 9000])).toEqual([2000, 2000, 2000]);
  });
});

describe('learnedTimeout', () => {
  it('is three learned intervals, at least 1000 ms, at most the configured idleTimeout', () => {
    expect(learnedTimeout(15_000, 120_000)).toBe(45_000);
    expect(learnedTimeout(100, 120_000)).toBe(1000);
    expect(learnedTimeout(30_000, 75_000)).toBe(75_000);
  });

  it('is the configured idleTimeout while nothing is learned', () => {
    expect(learnedTimeout(0, 120_000)).toBe(120_000);
  });
});

const encoder = new TextEncoder();

/** A response whose body the test writes to, at moments of its choosing; it stays open. */
function live(): { response: () => Response; send: (text: string) => void } {
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let closed = false;
  const body = new ReadableStream<Uint8Array>({
    start(control) {
      controller = control;
    },
    cancel() {
      closed = true;
    },
  });
  return {
    response: () => new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
    send: (text) => {
      if (!closed) controller!.enqueue(encoder.encode(text));
    },
  };
}

const KEEPALIVE = ': keepalive\n\n';

describe('a stream whose keepalives stop', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Advances the fake clock by `ms`, running the timers and promise jobs due meanwhile. */
  const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);

  it('is dropped after three missed keepalives of a learned 2000 ms cadence, not after idleTimeout, and resumes with Last-Event-ID', async () => {
    const first = live();
    const seen = route('get', '/events', [first.response, () => sseResponse([frame({ id: '2', data: 'b' })]), () => new Response(null, { status: 204 })]);
    const recorded = { ...instantReconnect(), ...reconnectLog() };
    const stream = connect(`${BASE}/events`, { idleTimeout: 120_000, reconnect: recorded.reconnect, onReconnect: recorded.onReconnect });
    const data: string[] = [];
    const done = (async () => {
      for await (const event of stream) data.push(event.data);
    })();
    await advance(0);
    first.send(frame({ id: '1', data: 'a' }));
    // Keepalives at 2000, 4000, 6000 and 8000 ms: three steady intervals of 2000 ms.
    for (let index = 0; index < 4; index++) {
      await advance(2000);
      first.send(KEEPALIVE);
    }
    await advance(5999);
    expect(seen).toHaveLength(1);
    await advance(1);
    await done;
    expect(data).toEqual(['a', 'b']);
    expect(seen[1]!.headers.get('last-event-id')).toBe('1');
    const cause = recorded.reconnects[0]!.cause;
    expect(cause).toBeInstanceOf(ConnectionError);
    expect(cause!.message).toContain(
      'no data for 6000 ms while reading the stream (idle timeout, learned from keepalives every 2000 ms)',
    );
  });

  it('is not dropped while data keeps coming, however long after the last keepalive', async () => {
    const first = live();
    const seen = route('get', '/events', [first.response]);
    const stream = connect(`${BASE}/events`, { idleTimeout: 120_000, reconnect: instantReconnect().reconnect });
    const data: string[] = [];
    const done = (async () => {
      for await (const event of stream) data.push(event.data);
    })();
    await advance(0);
    for (let index = 0; index < 4; index++) {
      if (index) await advance(1000);
      first.send(KEEPALIVE);
    }
    // Learned: 1000 ms, so 3000 ms of silence drops it. Events every 2500 ms for 25 s keep it.
    for (let index = 1; index <= 10; index++) {
      await advance(2500);
      first.send(frame({ id: String(index), data: String(index) }));
    }
    await advance(0);
    expect(seen).toHaveLength(1);
    expect(stream.readyState).toBe('open');
    expect(data).toHaveLength(10);
    stream.close();
    await done;
  });

  it('learns from the platform’s keepalive events too: a Crewship stream, with its default idleTimeout as the ceiling', async () => {
    const first = live();
    const seen = route('get', '/v1/runs/run_1/events', [
      first.response,
      () => sseResponse([frame({ event: 'run.completed', id: 'e2', data: { run_id: 'run_1' } })]),
    ]);
    const recorded = { ...instantReconnect(), ...reconnectLog() };
    const crewship = new Crewship({ baseUrl: BASE, apiKey: 'key' });
    const stream = crewship.runs.stream('run_1', { reconnect: recorded.reconnect, onReconnect: recorded.onReconnect });
    const types: string[] = [];
    const done = (async () => {
      for await (const event of stream) types.push(event.type);
    })();
    await advance(0);
    first.send(frame({ event: 'run.started', id: 'e1', data: { run_id: 'run_1' } }));
    for (let index = 0; index < 4; index++) {
      await advance(5000);
      first.send(frame({ event: 'heartbeat', data: {} }));
    }
    // 3 × 5000 ms, far below Crewship's 120000 ms.
    await advance(15_000);
    await done;
    expect(types).toEqual(['run.started', 'run.completed']);
    expect(seen[1]!.headers.get('last-event-id')).toBe('e1');
    expect(recorded.reconnects[0]!.cause!.message).toContain('no data for 15000 ms while reading the stream (idle timeout, learned from keepalives every 5000 ms)');
  });

  it("learns nothing from another run's events on a shared bus: stax follow() keeps its idleTimeout", async () => {
    const bus = live();
    const seen = route('get', '/api/events', [bus.response, () => new Response(null, { status: 204 })]);
    server.use(http.get(`${BASE}/api/runs/a1`, () => HttpResponse.json({ id: 'a1', status: 'in_progress', jobs: [] })));
    const recorded = { ...instantReconnect(), ...reconnectLog() };
    const stream = new Stax({ baseUrl: BASE }).runner.stream('a1', { idleTimeout: 20_000, reconnect: recorded.reconnect, onReconnect: recorded.onReconnect });
    const done = stream.finished;
    await advance(0);
    // Another run logs every 1000 ms: steady, but not keepalives of this stream.
    for (let index = 0; index < 5; index++) {
      if (index) await advance(1000);
      bus.send(frame({ event: 'step.log', data: { runId: 'b2', jobId: 'test', stepNumber: 1, line: `${index}\n` } }));
    }
    await advance(19_999);
    expect(seen).toHaveLength(1);
    await advance(1);
    await done;
    expect(recorded.reconnects[0]!.cause!.message).toContain('no data for 20000 ms while reading the stream (idle timeout)');
  });

  it('keeps the configured idleTimeout when keepalives come at an uneven pace', async () => {
    const first = live();
    const seen = route('get', '/events', [first.response, () => new Response(null, { status: 204 })]);
    const recorded = { ...instantReconnect(), ...reconnectLog() };
    const stream = connect(`${BASE}/events`, { idleTimeout: 20_000, reconnect: recorded.reconnect, onReconnect: recorded.onReconnect });
    const done = stream.finished;
    await advance(0);
    // 1000, 3000, 1000, 3000 ms apart: never three steady intervals in a row.
    for (const gap of [1000, 3000, 1000, 3000]) {
      await advance(gap);
      first.send(KEEPALIVE);
    }
    await advance(19_999);
    expect(seen).toHaveLength(1);
    await advance(1);
    await done;
    expect(seen).toHaveLength(2);
    expect(recorded.reconnects[0]!.cause!.message).toContain('no data for 20000 ms while reading the stream (idle timeout)');
  });

  it('learns afresh on each connection: the next one starts from the configured idleTimeout', async () => {
    const first = live();
    const second = live();
    const seen = route('get', '/events', [first.response, second.response, () => new Response(null, { status: 204 })]);
    const recorded = { ...instantReconnect(), ...reconnectLog() };
    const stream = connect(`${BASE}/events`, { idleTimeout: 60_000, reconnect: recorded.reconnect, onReconnect: recorded.onReconnect });
    const done = stream.finished;
    await advance(0);
    for (let index = 0; index < 4; index++) {
      first.send(KEEPALIVE);
      await advance(1000);
    }
    // Learned 1000 ms on the first connection: dropped 3000 ms after its last keepalive.
    await advance(2000);
    expect(seen).toHaveLength(2);
    // The second sends nothing: only the 60000 ms ceiling applies to it.
    await advance(59_999);
    expect(seen).toHaveLength(2);
    await advance(1);
    await done;
    expect(recorded.reconnects.map((info) => info.cause!.message.includes('learned from keepalives'))).toEqual([true, false]);
  });

  it('learns nothing with idleTimeout 0: keepalives that stop never drop the connection', async () => {
    const first = live();
    const seen = route('get', '/events', [first.response]);
    const stream = connect(`${BASE}/events`, { reconnect: instantReconnect().reconnect });
    const done = stream.finished;
    await advance(0);
    for (let index = 0; index < 4; index++) {
      first.send(KEEPALIVE);
      await advance(1000);
    }
    await advance(600_000);
    expect(seen).toHaveLength(1);
    expect(stream.readyState).toBe('open');
    stream.close();
    await expect(done).resolves.toMatchObject({ type: 'closed' });
  });
});
