import { describe, expect, it } from 'vitest';
import { budget, collect, watch, useReferenceServer } from './support.js';

// 20 ms between events: a 10-event run still has most of its events to send when a test
// stops reading after the second.
const ref = useReferenceServer({ eventDelay: 20 });

/** Waits until the server has seen the client close the one stream `log` recorded. */
async function serverSawClose(log: ReturnType<typeof watch>): Promise<void> {
  await expect.poll(() => log.streams().map((stream) => stream.state), { timeout: 2_000, interval: 5 }).toEqual(['client-closed']);
}

describe('stopping a stream over a real socket', () => {
  it('ends quietly when the AbortSignal aborts mid-stream, and the server sees the socket close', async () => {
    const log = watch(ref.server);
    const controller = new AbortController();
    const stream = ref.client.runs.stream('run_abc123', { signal: AbortSignal.any([controller.signal, budget()]) });
    const seen: string[] = [];

    // No try/catch: an abort must not throw out of the loop.
    for await (const event of stream) {
      seen.push(event.type);
      if (seen.length === 2) controller.abort();
      if (seen.length > 10) break;
    }

    expect(seen).toEqual(['run.started', 'log']);
    expect(stream.readyState).toBe('closed');
    await expect(stream.finished).resolves.toMatchObject({ type: 'closed' });
    await serverSawClose(log);
    expect(log.streams()[0]!.events).toBeLessThan(10);
    expect(log.requests()).toHaveLength(1);
  });

  it('closes the connection when the loop is left with break', async () => {
    const log = watch(ref.server);
    const stream = ref.client.runs.stream('run_abc123', { signal: budget() });
    let count = 0;
    for await (const event of stream) {
      count++;
      if (event.type === 'agent.started' || count > 20) break;
    }

    expect(count).toBe(3);
    expect(stream.readyState).toBe('closed');
    await serverSawClose(log);
    expect(log.requests()).toHaveLength(1);
  });

  it('ends quietly when close() is called from a listener', async () => {
    const log = watch(ref.server);
    const stream = ref.client.executions.stream('exec_xyz789', { signal: budget() });
    const seen: string[] = [];
    stream.addEventListener('node:started', (event) => {
      seen.push(event.data.nodeId ?? '');
      stream.close();
    });

    await stream.finished;
    expect(seen).toEqual(['node_1']);
    await serverSawClose(log);
  });

  it('ends a POST stream quietly on abort, without sending it again', async () => {
    const log = watch(ref.server);
    const controller = new AbortController();
    const seen: string[] = [];
    for await (const event of ref.client.skills.start('my.skill', { inputs: { text: 'stop me' } }, { signal: AbortSignal.any([controller.signal, budget()]) })) {
      seen.push(event.type);
      if (seen.length === 1) controller.abort();
      if (seen.length > 10) break;
    }

    expect(seen).toEqual(['skill_start']);
    await serverSawClose(log);
    expect(log.requests()).toHaveLength(1);
  });

  it('stops the never-ending bus on abort', async () => {
    const log = watch(ref.server);
    const controller = new AbortController();
    const bus = ref.client.runner.events({ signal: controller.signal });
    const collecting = collect(bus);
    await log.opened('/api/events', 1);

    controller.abort();
    await expect(collecting).resolves.toEqual([]);
    await serverSawClose(log);
  });

  it('ends at once when the signal is already aborted, without a request', async () => {
    const log = watch(ref.server);
    const events = await collect(ref.client.runs.stream('run_abc123', { signal: AbortSignal.abort() }));
    expect(events).toEqual([]);
    expect(log.requests()).toHaveLength(0);
  });
});
