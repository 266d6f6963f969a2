import { describe, expect, it } from 'vitest';
import { connect, type EventOf, type RunnerEventMap } from '../../src/index.js';
import { budget, collect, typesOf, watch, useReferenceServer } from './support.js';

// A ping every 3 ms: several land between the runs' events.
const ref = useReferenceServer({ keepaliveInterval: 3 }, { reconnect: false });

/** One run's 14 events, in order. */
const RUN = [
  'run.started',
  'job.started',
  'step.started',
  'step.log',
  'step.completed',
  'step.started',
  'step.log',
  'step.log',
  'step.completed',
  'step.started',
  'step.log',
  'step.log',
  'step.log',
  'step.completed',
  'job.completed',
  'run.completed',
];

type RunnerEvent = EventOf<RunnerEventMap>;

describe('stax runner bus over a real socket', () => {
  it('follows one run to its run.completed while another run interleaves on the bus', async () => {
    const log = watch(ref.server);
    const all: RunnerEvent[] = [];
    const bus = ref.client.runner.stream({ signal: budget() });
    const followed = collect(ref.client.runner.follow('run-a', { signal: budget() }));
    const watching = (async () => {
      const completed = new Set<string>();
      for await (const event of bus) {
        all.push(event);
        if (event.type === 'run.completed') completed.add(event.data.runId);
        if (completed.size === 2 || all.length > 100) break;
      }
    })();
    await log.opened('/api/events', 2);

    expect(ref.server.staxStartRun('run-a')).toBe('run-a');
    expect(ref.server.staxStartRun('run-b')).toBe('run-b');
    const events = await followed;
    await watching;

    expect(typesOf(events)).toEqual(RUN);
    expect(events.every((event) => event.data.runId === 'run-a')).toBe(true);
    expect(events[0]).toMatchObject({ data: { run: { id: 'run-a', status: 'in_progress', jobs: [] } } });
    const logs = events.flatMap((event) => (event.type === 'step.log' ? [event.data.line] : []));
    expect(logs[0]).toBe('Workspace already available\n');
    expect(logs).toContain('✓ 42 tests passed (1.2 s)\n');
    // As the seed shows, run.completed has no run.id: the event's runId names the run.
    expect(events.at(-1)!.data).toEqual({ runId: 'run-a', run: { status: 'completed', conclusion: 'success' } });

    // The bus saw both runs, interleaved, and never a ping.
    expect(typesOf(all)).not.toContain('ping');
    const order = all.map((event) => event.data.runId);
    expect(order.filter((id) => id === 'run-a')).toHaveLength(RUN.length);
    expect(order.filter((id) => id === 'run-b')).toHaveLength(RUN.length);
    const lastA = order.lastIndexOf('run-a');
    expect(order.indexOf('run-b')).toBeLessThan(lastA);
  });

  it('puts pings on the wire that runner.stream() does not deliver', async () => {
    const log = watch(ref.server);
    const raw = connect(`${ref.server.url}/api/events`, { reconnect: false, signal: budget() });
    const rawTypes: string[] = [];
    const listening = (async () => {
      for await (const event of raw) {
        rawTypes.push(event.type);
        if (event.type === 'run.completed' || rawTypes.length > 200) break;
      }
    })();
    const typed: string[] = [];
    const bus = ref.client.runner.stream({ signal: budget() });
    bus.addEventListener('ping', (event) => typed.push(event.type));
    const iterating = (async () => {
      for await (const event of bus) {
        typed.push(event.type);
        if (event.type === 'run.completed' || typed.length > 100) break;
      }
    })();
    await log.opened('/api/events', 2);

    const runId = ref.server.staxStartRun();
    expect(runId).toMatch(/^[0-9a-f]{8}$/);
    await Promise.all([listening, iterating]);

    expect(rawTypes.filter((type) => type === 'ping').length).toBeGreaterThan(0);
    expect(rawTypes.filter((type) => type !== 'ping')).toEqual(RUN);
    expect(typed).toEqual(RUN);
  });

  it('starts a run with POST /api/runs once onOpen reports the subscription', async () => {
    let opened!: () => void;
    const open = new Promise<void>((resolve) => {
      opened = resolve;
    });
    const events = collect(ref.client.runner.follow('posted-run', { signal: budget(), onOpen: () => opened() }));
    await open;
    const response = await fetch(`${ref.server.url}/api/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ runId: 'posted-run' }),
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ runId: 'posted-run' });
    expect(typesOf(await events)).toEqual(RUN);
  });
});
