/**
 * Reconnection flows scripted once and served three ways: `Last-Event-ID` expectations, every
 * kind of cut, a 503 with `Retry-After`; and the fast-test helpers (three drops in
 * milliseconds with instantReconnect(), a reconnect driven by testClock()).
 */
import { describe, expect, it } from 'vitest';
import { connect, HTTPError, type ReconnectOptions } from '../../src/index.js';
import { collectEvents, instantReconnect, scriptedFetch, testClock, type CutKind, type Script } from '../../src/testing/index.js';
import { clientOf, shape, useWays } from './support.js';

const ways = useWays();

/** Two events, a cut of `kind` inside the third, then a reconnect that must resume after `2`. */
function dropAndResume(kind: CutKind): Script {
  return {
    connections: [
      {
        eol: kind === 'between-cr-lf' ? '\r\n' : '\n',
        steps: [
          { event: 'step', id: '1', data: { n: 1 } },
          { event: 'step', id: '2', data: { n: 2 } },
          { cut: kind },
          ...(kind === 'between-events' ? [] : [{ event: 'step', id: '3', data: { n: 3, text: 'café ☕ – lost' } }]),
        ],
      },
      { expectLastEventId: '2', steps: [{ event: 'step', id: '3', data: { n: 3, text: 'café ☕' } }, { event: 'done', id: '4', data: {} }] },
    ],
  };
}

describe.each(ways.map((way) => ({ way, name: way.name })))('served by $name', ({ way }) => {
  it.each(['between-events', 'mid-line', 'mid-event', 'inside-character', 'between-cr-lf'] as const)(
    'a cut %s loses the partial event and the reconnect resumes with Last-Event-ID',
    async (kind) => {
      const requests = way.serve({ 'GET /flow': dropAndResume(kind) });
      const { reconnect, delays } = instantReconnect({ maxAttempts: 2 });
      const stream = connect(`${way.baseUrl}/flow`, { fetch: way.fetch, json: true, reconnect });
      const { events, outcome, error } = await collectEvents(stream, { timeout: 5000 });

      expect(error).toBeUndefined();
      expect(shape(events)).toEqual([
        { type: 'step', data: { n: 1 }, id: '1' },
        { type: 'step', data: { n: 2 }, id: '2' },
        { type: 'step', data: { n: 3, text: 'café ☕' }, id: '3' },
        { type: 'done', data: {}, id: '4' },
      ]);
      // The third request (after the clean end) gets the default 204: the stream ends.
      expect(outcome?.type).toBe('ended');
      expect(requests('GET /flow').map((request) => [request.connection, request.lastEventId, request.problem])).toEqual([
        [0, undefined, undefined],
        [1, '2', undefined],
        [-1, '4', undefined],
      ]);
      expect(delays).toEqual([1000, 1000]);
    },
  );

  it('answers an unexpected Last-Event-ID with a 418 that says what it expected', async () => {
    const requests = way.serve({
      'GET /flow': { connections: [{ steps: [{ id: 'evt_1', data: 'a' }, { cut: 'between-events' }] }, { expectLastEventId: 'evt_2', steps: [] }] },
    });
    const { error, events } = await collectEvents(connect(`${way.baseUrl}/flow`, { fetch: way.fetch, reconnect: instantReconnect().reconnect }));

    expect(events.map((event) => event.data)).toEqual(['a']);
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ status: 418, body: { error: { code: 'unexpected_last_event_id', message: expect.stringContaining('expected Last-Event-ID "evt_2", got "evt_1"') } } });
    expect(requests('GET /flow')[1]!.problem).toContain('connection 2 of GET /flow expected Last-Event-ID "evt_2", got "evt_1"');
  });

  it('retries a 503 after its Retry-After, then streams', async () => {
    way.serve({
      'GET /busy': {
        connections: [{ status: 503, headers: { 'retry-after': '2' }, body: { error: 'overloaded' } }, { steps: [{ event: 'ready', data: 'ok' }] }],
      },
    });
    const { reconnect, delays } = instantReconnect();
    const { events, error } = await collectEvents(connect(`${way.baseUrl}/busy`, { fetch: way.fetch, reconnect }));
    expect(error).toBeUndefined();
    expect(events.map((event) => event.type)).toEqual(['ready']);
    expect(delays[0]).toBe(2000);
  });

  it('resumes a Crewship run after a drop: a resume script replays after Last-Event-ID', async () => {
    const run = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, index) => ({ event: 'log', id: `evt_${from + index}`, data: { level: 'info', message: `line ${from + index}` } }));
    const full = [...run(1, 4), { event: 'run.completed', id: 'evt_5', data: { run_id: 'run_1' } }];
    const requests = way.serve({
      'GET /v1/runs/run_1/events': { connections: [{ steps: [...full.slice(0, 3), { cut: 'mid-event' }, full[3]!] }, { resume: true, steps: full }] },
    });
    const { events, outcome } = await collectEvents(clientOf(way).runs.stream('run_1'));
    expect(events.map((event) => event.id)).toEqual(['evt_1', 'evt_2', 'evt_3', 'evt_4', 'evt_5']);
    expect(outcome?.type).toBe('completed');
    expect(requests('GET /v1/runs/run_1/events').map((request) => request.lastEventId)).toEqual([undefined, 'evt_3']);
  });
});

describe('fast reconnection', () => {
  it('runs three drops without a real wait with instantReconnect(), honouring retry:', async () => {
    const fetch = scriptedFetch({
      connections: [
        { steps: [{ retry: 250, id: '1', data: 'one' }, { cut: 'mid-event' }, { id: '2', data: 'lost' }] },
        { expectLastEventId: '1', steps: [{ id: '2', data: 'two' }, { cut: 'inside-character' }, { id: '3', data: 'ça' }] },
        { expectLastEventId: '2', steps: [{ id: '3', data: 'three' }, { cut: 'between-events' }] },
        { expectLastEventId: '3', steps: [{ id: '4', data: 'four' }] },
      ],
    });
    const { reconnect, delays } = instantReconnect();
    const { events, outcome } = await collectEvents(connect('https://api.test/events', { fetch, reconnect }));

    expect(events.map((event) => event.data)).toEqual(['one', 'two', 'three', 'four']);
    expect(delays).toEqual([250, 250, 250, 250]);
    expect(outcome?.type).toBe('ended');
    expect(fetch.problems).toEqual([]);
  });

  it('reconnects when testClock() says so, not before', async () => {
    const fetch = scriptedFetch({
      connections: [{ steps: [{ id: '1', data: 'one' }, { cut: 'between-events' }] }, { expectLastEventId: '1', steps: [{ id: '2', data: 'two' }] }],
    });
    const clock = testClock();
    const reconnect: ReconnectOptions = { sleep: clock.sleep, random: () => 0 };
    const seen: string[] = [];
    const stream = connect('https://api.test/events', { fetch, reconnect });
    stream.addEventListener('message', (event) => seen.push(String(event.data)));
    const finished = stream.finished;

    await clock.waitForSleep();
    expect(seen).toEqual(['one']);
    expect(clock.pending).toEqual([1000]);
    await clock.advance(999);
    expect(fetch.requests).toHaveLength(1);
    await clock.advance(1);
    await expect.poll(() => seen).toEqual(['one', 'two']);
    expect(fetch.requests.map((request) => request.lastEventId)).toEqual([undefined, '1']);
    // The clean end of connection 2 waits again; close instead of advancing.
    await clock.waitForSleep();
    stream.close();
    await expect(finished).resolves.toMatchObject({ type: 'closed' });
  });
});
