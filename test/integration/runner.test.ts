/**
 * The stax runner over real sockets against the reference server, which behaves as the real
 * runner does: it picks the run id, puts `run.started` on the bus before answering the POST, and
 * never replays. Every run here reaches its true outcome; none can hang.
 */
import { describe, expect, it } from 'vitest';
import { HTTPError, connect, type EventOf, type StaxBusEventMap, type StaxEventMap } from '../../src/index.js';
import { FAST_RECONNECT, budget, collect, typesOf, watch, useReferenceServer } from './support.js';

// A ping every 3 ms: several land between the runs' events.
const ref = useReferenceServer({ keepaliveInterval: 3 }, { reconnect: false });

/** One `build` run's 16 events, in order. */
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

type RunnerEvent = EventOf<StaxEventMap>;
type BusEvent = EventOf<StaxBusEventMap>;

describe('runner.start(): start and follow from the first event', () => {
  // 100 runs one after another: seconds on a loaded machine, so a budget of its own (a hang guard,
  // not a measure); the test's signal stops the loop if that runs out, so that no run of this
  // test can reach the bus or the request log of the next one.
  it('sees run.started of a run that finishes in a few milliseconds, 100 times in a row', { timeout: 120_000 }, async ({ signal }) => {
    for (let round = 0; round < 100 && !signal.aborted; round++) {
      const stream = ref.client.runner.start({ workflow: 'quick' }, { signal: AbortSignal.any([budget(), signal]) });
      const events = await collect(stream);
      expect(events[0]?.type, `round ${round}`).toBe('run.started');
      expect(events.at(-1)?.type, `round ${round}`).toBe('run.completed');
      expect(stream.outcome, `round ${round}`).toMatchObject({ type: 'completed', serverStatus: 'completed' });
    }
  });

  it('follows a build run through its steps and logs to a completed outcome, POSTing once', async () => {
    const log = watch(ref.server);
    const stream = ref.client.runner.start({ workflow: 'build' }, { signal: budget() });
    const events = await collect(stream);
    expect(typesOf(events)).toEqual(RUN);
    const runId = events[0]!.data.runId;
    expect(runId).toMatch(/^[0-9a-f]{8}$/);
    expect(events.every((event) => event.data.runId === runId)).toBe(true);
    const logs = events.flatMap((event) => (event.type === 'step.log' ? [event.data.line] : []));
    expect(logs).toContain('✓ 42 tests passed (1.2 s)\n');
    expect(log.requests('/api/runs').map((request) => `${request.method} ${request.path}`)).toEqual(['POST /api/runs']);
    expect(stream.outcome).toMatchObject({ type: 'completed', serverStatus: 'completed', event: { type: 'run.completed' } });
  });

  it('ends a failing run with a failed outcome; the skipped step appears only in job.completed', async () => {
    const stream = ref.client.runner.start({ workflow: 'failing' }, { signal: budget() });
    const events = await collect(stream);
    const failed = events.find((event) => event.type === 'step.completed' && event.data.step.conclusion === 'failure');
    expect(failed).toBeDefined();
    const started = events.flatMap((event) => (event.type === 'step.started' ? [event.data.step.name] : []));
    const job = events.find((event) => event.type === 'job.completed');
    const skipped = (job?.data as { job: { steps?: { name?: string; conclusion?: string }[] } }).job.steps?.filter((step) => step.conclusion === 'skipped');
    expect(skipped?.length).toBeGreaterThan(0);
    for (const step of skipped ?? []) expect(started).not.toContain(step.name);
    expect(stream.outcome).toMatchObject({ type: 'failed', serverStatus: 'failed' });
  });

  it('ends a cancelled run with a cancelled outcome', async () => {
    const stream = ref.client.runner.start({ workflow: 'slow' }, { signal: budget() });
    const seen: string[] = [];
    for await (const event of stream) {
      seen.push(event.type);
      if (event.type === 'run.started') await ref.client.runner.cancel(event.data.runId);
    }
    expect(seen.at(-1)).toBe('run.completed');
    expect(stream.outcome).toMatchObject({ type: 'cancelled', serverStatus: 'cancelled' });
  });

  it('follows two runs started together, each to its own end', async () => {
    const [a, b] = await Promise.all([
      collect(ref.client.runner.start({ workflow: 'build' }, { signal: budget() })),
      collect(ref.client.runner.start({ workflow: 'failing' }, { signal: budget() })),
    ]);
    const idA = a[0]!.data.runId;
    const idB = b[0]!.data.runId;
    expect(idA).not.toBe(idB);
    expect(typesOf(a)).toEqual(RUN);
    expect(a.every((event) => event.data.runId === idA)).toBe(true);
    expect(b.every((event) => event.data.runId === idB)).toBe(true);
    expect(b.at(-1)).toMatchObject({ type: 'run.completed', data: { run: { status: 'failed' } } });
  });

  it('fails with the HTTPError 400 of an unknown workflow', async () => {
    const error = await collect(ref.client.runner.start({ workflow: 'no-such-workflow' }, { signal: budget() })).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ status: 400, method: 'POST' });
  });
});

describe('runner.stream(): never hangs', () => {
  it('ends at once with the outcome of a run that already finished', async () => {
    const finished = await collect(ref.client.runner.start({ workflow: 'quick' }, { signal: budget() }));
    const runId = finished[0]!.data.runId;
    const stream = ref.client.runner.stream(runId, { signal: budget() });
    const events = await collect(stream);
    expect(typesOf(events)).toEqual(['resync']);
    expect(events[0]!.data).toMatchObject({ reason: 'subscribed', runId, run: { id: runId, status: 'completed', conclusion: 'success' }, recovered: true });
    expect(stream.outcome).toMatchObject({ type: 'completed', serverStatus: 'completed' });
  });

  it('fails with a typed 404 for a run the runner does not know', async () => {
    const error = await collect(ref.client.runner.stream('deadbeef', { signal: budget() })).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ status: 404, body: { error: 'Run not found' } });
  });

  it('follows a running run from its state so far to its run.completed, while another run interleaves', async () => {
    const runA = ref.server.staxStartRun({ workflow: 'build' });
    const runB = ref.server.staxStartRun({ workflow: 'build' });
    const events = await collect(ref.client.runner.stream(runA, { signal: budget() }));
    expect(events[0]).toMatchObject({ type: 'resync', data: { reason: 'subscribed', runId: runA, run: { id: runA, status: 'in_progress' } } });
    expect(events.slice(1).every((event) => event.data.runId === runA)).toBe(true);
    expect(events.some((event) => event.data.runId === runB)).toBe(false);
    // As the seed shows, run.completed has no run.id: the event's runId names the run.
    expect(events.at(-1)).toMatchObject({ type: 'run.completed', data: { runId: runA, run: { status: 'completed', conclusion: 'success' } } });
  });
});

describe('a dropped bus connection', () => {
  it('yields the gap marker with the run state and ends with the right outcome', async () => {
    const log = watch(ref.server);
    const stream = ref.client.runner.start({ workflow: 'build' }, { signal: budget(), reconnect: FAST_RECONNECT });
    const events: RunnerEvent[] = [];
    for await (const event of stream) {
      events.push(event);
      // Cut every bus subscriber mid-run: what the runner sends until the reconnect is lost.
      if (event.type === 'step.log' && events.filter((seen) => seen.type === 'step.log').length === 1) ref.server.dropOpen('/api/events');
    }
    const gap = events.find((event) => event.type === 'resync');
    expect(gap?.data).toMatchObject({ reason: 'reconnected', recovered: true, run: { id: events[0]!.data.runId } });
    expect(log.streams('/api/events').length).toBe(2);
    expect(stream.outcome).toMatchObject({ type: 'completed' });
    // Whatever the gap cost, no event is delivered twice.
    const keys = events.filter((event) => event.type !== 'resync').map((event) => JSON.stringify(event.data));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('is marked on the whole bus too, where nothing can be recovered', async () => {
    const log = watch(ref.server);
    const bus = ref.client.runner.events({ signal: budget(), reconnect: FAST_RECONNECT });
    const seen: BusEvent[] = [];
    const reading = (async () => {
      for await (const event of bus) {
        seen.push(event);
        if (event.type === 'resync' || seen.length > 200) break;
      }
    })();
    await log.opened('/api/events', 1);
    ref.server.dropOpen('/api/events');
    await reading;
    expect(seen.at(-1)).toMatchObject({ type: 'resync', data: { reason: 'reconnected', recovered: false } });
  });
});

describe('the bus on the wire', () => {
  it('puts pings on the wire that runner.events() does not deliver', async () => {
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
    const bus = ref.client.runner.events({ signal: budget() });
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
});
