import { describe, expect, it } from 'vitest';
import { HTTPError, Runstream } from '../../src/index.js';
import { API_KEY, budget, collect, rejection, typesOf, watch, useReferenceServer } from './support.js';

// A keepalive comment every 2 ms lands between most events.
const ref = useReferenceServer({ keepaliveInterval: 2 });

describe('FlowMaestro executions over a real socket', () => {
  it('iterates exec_xyz789 with streamIterator, reading camelCase data and the final outputs', async () => {
    const log = watch(ref.server);
    const seen: string[] = [];
    let outputs: Record<string, unknown> | undefined;
    for await (const event of ref.client.executions.streamIterator('exec_xyz789', { signal: budget() })) {
      seen.push(event.type);
      if (event.type === 'node:started') expect(event.data).toMatchObject({ nodeId: expect.stringMatching(/^node_\d$/) });
      if (event.type === 'execution:completed') {
        expect(event.data).toMatchObject({ executionId: 'exec_xyz789', status: 'completed' });
        outputs = event.data.outputs;
      }
      if (seen.length > 50) break;
    }

    expect(seen).toEqual([
      'connected',
      'execution:started',
      'node:started',
      'execution:progress',
      'node:completed',
      'node:started',
      'execution:progress',
      'node:completed',
      'node:started',
      'execution:progress',
      'node:completed',
      'execution:progress',
      'execution:completed',
    ]);
    expect(outputs).toEqual({ summary: 'Résumé: 3 key points…', wordCount: 128 });
    const requests = log.requests('/v1/executions/exec_xyz789/events');
    expect(requests).toHaveLength(1);
    expect(requests[0]!.headers['x-api-key']).toBe('***');
    expect(requests[0]!.headers.authorization).toBeUndefined();
  });

  it('reports progress in percent with the current node, and node durations in ms', async () => {
    const events = await collect(ref.client.executions.stream('exec_xyz789', { signal: budget() }));
    const progress = events.flatMap((event) => (event.type === 'execution:progress' ? [event.data.progress] : []));
    expect(progress).toEqual([25, 50, 75, 100]);
    const durations = events.flatMap((event) => (event.type === 'node:completed' ? [event.data.durationMs] : []));
    expect(durations).toEqual([1200, 340, 15]);
    // No ids on this platform.
    expect(new Set(events.map((event) => event.id))).toEqual(new Set(['']));
  });

  it('reaches the /api-prefixed route when baseUrl carries the prefix', async () => {
    const log = watch(ref.server);
    const prefixed = new Runstream({ baseUrl: `${ref.server.url}/api`, apiKey: API_KEY, reconnect: false });
    const events = await collect(prefixed.executions.stream('exec_xyz789', { signal: budget() }));
    expect(events.at(-1)!.type).toBe('execution:completed');
    expect(log.requests().map((request) => request.path)).toEqual(['/api/v1/executions/exec_xyz789/events']);
  });

  it('ends a failed execution after node:failed and execution:failed', async () => {
    const log = watch(ref.server);
    const events = await collect(ref.client.executions.stream('exec_failed', { signal: budget() }));
    expect(typesOf(events).slice(-2)).toEqual(['node:failed', 'execution:failed']);
    expect(events.at(-1)!.data).toMatchObject({ executionId: 'exec_failed', error: expect.stringContaining('node_2') });
    expect(log.requests('/v1/executions/exec_failed/events')).toHaveLength(1);
  });

  it('ends a cancelled execution after execution:cancelled', async () => {
    const log = watch(ref.server);
    const events = await collect(ref.client.executions.stream('exec_cancelled', { signal: budget() }));
    expect(typesOf(events)).toEqual(['connected', 'execution:started', 'node:started', 'execution:progress', 'execution:cancelled']);
    expect(log.requests('/v1/executions/exec_cancelled/events')).toHaveLength(1);
  });

  it('fails with HTTPError 404 for an unknown execution, without retrying', async () => {
    const log = watch(ref.server);
    const error = await rejection(collect(ref.client.executions.stream('exec_nope', { signal: budget() })));
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } }, method: 'GET' });
    expect(log.requests()).toHaveLength(1);
  });
});
