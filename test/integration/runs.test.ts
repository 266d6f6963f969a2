import { describe, expect, it } from 'vitest';
import { StreamError } from '../../src/index.js';
import { budget, collect, collectUntilError, idsOf, typesOf, watch, useReferenceServer } from './support.js';

const ref = useReferenceServer();

const STORY = [
  'run.started',
  'log',
  'agent.started',
  'tool.called',
  'tool.result',
  'agent.completed',
  'agent.started',
  'agent.completed',
  'artifact',
  'run.completed',
];

describe('Crewship runs over a real socket', () => {
  it('streams run_abc123 as named events with evt_ ids, ending after run.completed', async () => {
    const log = watch(ref.server);
    const events = await collect(ref.client.runs.stream('run_abc123', { signal: budget() }));

    expect(typesOf(events)).toEqual(STORY);
    expect(idsOf(events)).toEqual(STORY.map((_, index) => `evt_${String(index + 1).padStart(3, '0')}`));
    expect(events[2]).toMatchObject({ type: 'agent.started', data: { agent: 'Researcher', task: 'Research AI trends' } });
    expect(events[3]).toMatchObject({ data: { tool: 'web_search', input: 'AI agents 2024' } });
    expect(events[8]).toMatchObject({ data: { name: 'report.md', content_type: 'text/markdown' } });
    expect(events[9]).toMatchObject({ data: { run_id: 'run_abc123', duration_ms: 45_200, result: { report: 'report.md' } } });
    // Multi-byte text arrives intact, and `raw` keeps the data text as sent.
    expect(events[4]!.data).toMatchObject({ output: expect.stringContaining('état de l’art') });
    expect(JSON.parse(events[4]!.raw)).toEqual(events[4]!.data);

    const [request, ...more] = log.requests('/v1/runs/run_abc123/events');
    expect(more).toHaveLength(0);
    expect(request!.headers).toMatchObject({ authorization: '***', accept: 'text/event-stream' });
    expect(request!.headers['last-event-id']).toBeUndefined();
    expect(log.streams()[0]).toMatchObject({ events: 10 });
  });

  it('narrows event.data by event.type inside the loop', async () => {
    const tools: string[] = [];
    const agents: string[] = [];
    let count = 0;
    for await (const event of ref.client.runs.stream('run_abc123', { signal: budget() })) {
      if (event.type === 'tool.called') tools.push(event.data.tool);
      else if (event.type === 'agent.completed') agents.push(event.data.agent);
      if (++count > 20) break;
    }
    expect(tools).toEqual(['web_search']);
    expect(agents).toEqual(['Researcher', 'Writer']);
  });

  it('delivers the same events to typed listeners and resolves finished', async () => {
    const stream = ref.client.runs.stream('run_abc123', { signal: budget() });
    const started: string[] = [];
    let completed: unknown;
    stream.addEventListener('agent.started', (event) => started.push(event.data.agent));
    stream.addEventListener('run.completed', (event) => {
      completed = event.data.duration_ms;
    });
    await stream.finished;
    expect(started).toEqual(['Researcher', 'Writer']);
    expect(completed).toBe(45_200);
    expect(stream.readyState).toBe('closed');
    expect(stream.lastEventId).toBe('evt_010');
  });

  it('ends a failed run after agent.error and run.failed, without reconnecting', async () => {
    const log = watch(ref.server);
    const events = await collect(ref.client.runs.stream('run_failed', { signal: budget() }));
    expect(typesOf(events)).toEqual(['run.started', 'agent.started', 'tool.called', 'tool.error', 'agent.error', 'run.failed']);
    expect(events.at(-1)).toMatchObject({
      data: { run_id: 'run_failed', error: expect.stringContaining('Researcher'), stack_trace: expect.stringContaining('Traceback') },
    });
    expect(log.requests('/v1/runs/run_failed/events')).toHaveLength(1);
  });

  it('reads the API reference variant: unnamed {type, data} envelopes, a heartbeat, a named complete', async () => {
    const log = watch(ref.server);
    const events = await collect(ref.client.runs.stream('run_envelope', { signal: budget() }));
    expect(typesOf(events)).toEqual(['run.started', 'agent.started', 'tool.called', 'tool.result', 'agent.completed', 'complete']);
    expect(idsOf(events)).toEqual(['evt_001', 'evt_002', 'evt_003', 'evt_004', 'evt_005', 'evt_006']);
    // The envelope's inner data is the event's data; raw keeps the whole envelope.
    expect(events[2]!.data).toEqual({ tool: 'web_search', input: 'AI agents 2024', timestamp: '2024-01-15T12:00:02Z' });
    expect(JSON.parse(events[2]!.raw)).toMatchObject({ type: 'tool.called' });
    expect(events[5]).toMatchObject({ type: 'complete', data: { run_id: 'run_envelope', status: 'completed' } });
    expect(log.requests('/v1/runs/run_envelope/events')).toHaveLength(1);
  });

  it('sends ?types= and receives only those types, ending at a listed terminal event', async () => {
    const log = watch(ref.server);
    const types = ['agent.started', 'agent.completed', 'artifact', 'run.completed'] as const;
    const events = await collect(ref.client.runs.stream('run_abc123', { types, signal: budget() }));

    expect(typesOf(events)).toEqual(['agent.started', 'agent.completed', 'agent.started', 'agent.completed', 'artifact', 'run.completed']);
    // The server keeps each event's own id, so the ids have gaps where events were filtered out.
    expect(idsOf(events)).toEqual(['evt_003', 'evt_006', 'evt_007', 'evt_008', 'evt_009', 'evt_010']);
    const [request] = log.requests('/v1/runs/run_abc123/events');
    expect(new URL(request!.path, ref.server.url).searchParams.get('types')).toBe([...types, 'run.failed', 'run.canceled'].join(','));
  });

  it('still ends a stream whose filter names no terminal event: the terminal run events are added to ?types=', async () => {
    const log = watch(ref.server);
    const events = await collect(ref.client.runs.stream('run_abc123', { types: ['artifact'], signal: budget() }));

    expect(typesOf(events)).toEqual(['artifact', 'run.completed']);
    const requests = log.requests('/v1/runs/run_abc123/events');
    expect(requests).toHaveLength(1);
    expect(new URL(requests[0]!.path, ref.server.url).searchParams.get('types')).toBe('artifact,run.completed,run.failed,run.canceled');
  });

  it('delivers the events before an error event, then fails with StreamError server-error-event', async () => {
    const log = watch(ref.server);
    const { items, error } = await collectUntilError(ref.client.runs.stream('run_error', { signal: budget() }));

    expect(typesOf(items)).toEqual(['run.started', 'log', 'agent.started', 'error']);
    expect(items[3]!.data).toEqual({ message: 'Internal error: event store unavailable' });
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({
      name: 'StreamError',
      code: 'server-error-event',
      event: 'error',
      lastEventId: 'evt_003',
      message: expect.stringContaining('event store unavailable'),
    });
    // An error event is final: no reconnect.
    expect(log.requests('/v1/runs/run_error/events')).toHaveLength(1);
  });

  it('resumes from a stored id with the lastEventId option', async () => {
    const log = watch(ref.server);
    const events = await collect(ref.client.runs.stream('run_abc123', { lastEventId: 'evt_007', signal: budget() }));
    expect(idsOf(events)).toEqual(['evt_008', 'evt_009', 'evt_010']);
    expect(log.requests('/v1/runs/run_abc123/events')[0]!.headers['last-event-id']).toBe('evt_007');
  });
});
