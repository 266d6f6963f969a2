/**
 * recordStream() over a real socket: a run dropped mid-event on the reference server is
 * recorded with its reconnect, then replayed by scriptedFetch() through connect().
 */
import { describe, expect, it } from 'vitest';
import { connect, type StreamEvent } from '../../src/index.js';
import { recordStream, scriptedFetch, type Script } from '../../src/testing/index.js';
import { API_KEY, budget, collect, idsOf, useReferenceServer, watch } from './support.js';

const ref = useReferenceServer();

const PATH = '/v1/runs/run_abc123/events';
const shapeOf = (events: readonly StreamEvent[]) => events.map(({ type, id, data }) => ({ type, id, data }));

describe('recordStream() against the reference server', () => {
  it('records a run dropped mid-event and resumed with Last-Event-ID; the replay delivers the same events and sends the same Last-Event-ID', async () => {
    const log = watch(ref.server);
    ref.server.dropNext(PATH, { afterEvents: 4, midEvent: true });
    const live = connect(`${ref.server.url}${PATH}`, {
      headers: { authorization: `Bearer ${API_KEY}` },
      reconnect: { initialDelay: 10, maxAttempts: 3 },
      signal: budget(),
    });
    const recording = recordStream(live);
    const events = await collect(live);
    const recorded = JSON.parse(JSON.stringify(await recording.finished)) as Script;

    // The real exchange: dropped after evt_004, resumed from it, then a 204 once nothing is left.
    expect(log.requests(PATH).map((request) => request.headers['last-event-id'])).toEqual([undefined, 'evt_004', 'evt_010']);
    expect(idsOf(events)).toHaveLength(10);
    expect(recorded.format).toBe('runstream-script@1');
    expect(recorded.connections.map((connection) => [connection.status ?? 200, connection.expectLastEventId, connection.steps?.at(-1)])).toEqual([
      [200, null, { cut: 'between-events' }],
      [200, 'evt_004', expect.objectContaining({ id: 'evt_010' })],
      [204, 'evt_010', undefined],
    ]);
    expect(recorded.connections[0]!.note).toMatch(/^dropped: ConnectionError: /);
    // The part of the fifth event written before the drop (up to the split character) is kept, as text.
    expect(recorded.connections[0]!.steps!.at(-2)).toEqual({ raw: expect.stringMatching(/^event: tool\.result\ndata: .*Agentic AI in 2024$/) });
    expect(JSON.stringify(recorded)).not.toContain(API_KEY);

    const fetch = scriptedFetch(recorded);
    const replay = connect('https://replay.test/events', { fetch, reconnect: { initialDelay: 10, maxAttempts: 3 }, signal: budget() });
    const replayed = await collect(replay);

    expect(shapeOf(replayed)).toEqual(shapeOf(events));
    expect(fetch.requests.map((request) => request.lastEventId)).toEqual([undefined, 'evt_004', 'evt_010']);
    expect(fetch.problems).toEqual([]);
    expect(replay.outcome?.type).toBe('ended');
  });
});
