import { describe, expect, it } from 'vitest';
import { ConnectionError, StreamError, type ReconnectInfo } from '../../src/index.js';
import { budget, collect, collectUntilError, idsOf, typesOf, watch, useReferenceServer } from './support.js';

const ref = useReferenceServer();

const RUN_IDS = Array.from({ length: 10 }, (_, index) => `evt_${String(index + 1).padStart(3, '0')}`);

describe('dropped connections over a real socket', () => {
  it('resumes a run dropped inside a multi-byte character with Last-Event-ID, losing and repeating nothing', async () => {
    const path = '/v1/runs/run_abc123/events';
    const log = watch(ref.server);
    const reconnects: ReconnectInfo[] = [];
    ref.server.dropNext(path, { afterEvents: 4, midEvent: true });

    const events = await collect(ref.client.runs.stream('run_abc123', { signal: budget(), onReconnect: (info) => reconnects.push(info) }));

    expect(idsOf(events)).toEqual(RUN_IDS);
    expect(events[4]!.data).toMatchObject({ output: expect.stringContaining('“Agentic AI in 2024”') });
    expect(log.requests(path).map((request) => request.headers['last-event-id'])).toEqual([undefined, 'evt_004']);
    expect(log.streams(path).map(({ state, events: written }) => [state, written])).toEqual([
      ['dropped', 4],
      ['ended', 6],
    ]);
    expect(reconnects).toHaveLength(1);
    expect(reconnects[0]).toMatchObject({ attempt: 1, delay: 10, lastEventId: 'evt_004' });
    expect(reconnects[0]!.cause).toBeInstanceOf(ConnectionError);
  });

  it('resumes a run dropped between two events', async () => {
    const path = '/v1/runs/run_abc123/events';
    const log = watch(ref.server);
    ref.server.dropNext(path, { afterEvents: 7 });

    const events = await collect(ref.client.runs.stream('run_abc123', { signal: budget() }));

    expect(idsOf(events)).toEqual(RUN_IDS);
    expect(log.requests(path).map((request) => request.headers['last-event-id'])).toEqual([undefined, 'evt_007']);
  });

  it('resumes the PraisonAI server form cut between CR and LF, with Last-Event-ID', async () => {
    // A played script rather than a live job: a job runs on its own clock, so whether it is still
    // running when the reconnect lands (200, resumed) or finished (400, settled by a resync) would
    // depend on the machine's speed. The script answers the reconnect with the rest, whenever it comes.
    const events7 = [
      { id: '1', event: 'status', data: { job_id: 'run_cut', status: 'running' } },
      ...[0, 25, 50, 75, 100].map((percentage, index) => ({ id: String(index + 2), event: 'progress', data: { percentage, step: `step ${index}` } })),
      { id: '7', event: 'result', data: { job_id: 'run_cut', status: 'succeeded', result: 'done' } },
    ];
    const wire = { eol: '\r\n', idFirst: true, headers: { 'content-type': 'text/event-stream; charset=utf-8' } } as const;
    const played = ref.server.play('GET /api/v1/runs/run_cut/stream', {
      connections: [
        // The pause lets the client read what came before the cut: Bun and undici drop the body
      // they buffered when the socket closes before it is read (a fetch read 50 ms after the
      // cut gets none of it), so without it the resume would depend on which comes first.
      { ...wire, steps: [...events7.slice(0, 3), { event: 'heartbeat', data: {} }, { comment: 'ping' }, { wait: 250 }, { cut: 'between-cr-lf' }, events7[3]!] },
        { ...wire, expectLastEventId: '3', resume: true, steps: events7 },
      ],
    });
    const log = watch(ref.server);

    const events = await collect(ref.client.jobs.stream('run_cut', { signal: budget() }));

    expect(typesOf(events)).toEqual(['status', 'progress', 'progress', 'progress', 'progress', 'progress', 'result']);
    expect(idsOf(events)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(played.requests.map((request) => [request.lastEventId, request.problem])).toEqual([
      [undefined, undefined],
      ['3', undefined],
    ]);
    // Resumed by id: no resync, no status request.
    expect(log.requests().map((request) => request.path)).toEqual(['/api/v1/runs/run_cut/stream', '/api/v1/runs/run_cut/stream']);
  });

  it('never re-sends a POST stream: a dropped skills execution fails with its lastEventId', async () => {
    const path = '/v1/skills/my.skill/execute/stream';
    const log = watch(ref.server);
    ref.server.dropNext(path, { afterEvents: 2, midEvent: true });

    const { items, error } = await collectUntilError(ref.client.skills.start('my.skill', { inputs: { text: 'naïve café' } }, { signal: budget() }));

    expect(typesOf(items)).toEqual(['skill_start', 'step_start']);
    expect(error instanceof ConnectionError || error instanceof StreamError).toBe(true);
    // The engine sends no ids, so the last event id is empty, but present.
    expect((error as ConnectionError).lastEventId).toBe('');
    expect(log.requests(path)).toHaveLength(1);
    expect(log.streams(path).map((stream) => stream.state)).toEqual(['dropped']);
  });

  it('gives up with StreamError retries-exhausted when every reconnect drops before a new event', async () => {
    const path = '/v1/runs/run_failed/events';
    const log = watch(ref.server);
    for (let count = 0; count < 4; count++) ref.server.dropNext(path, { afterEvents: 0 });

    const { items, error } = await collectUntilError(ref.client.runs.stream('run_failed', { signal: budget() }));

    expect(items).toEqual([]);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'retries-exhausted', lastEventId: '' });
    expect((error as StreamError).cause).toBeInstanceOf(ConnectionError);
    // The first request and FAST_RECONNECT.maxAttempts (3) reconnects.
    expect(log.requests(path)).toHaveLength(4);
  });
});
