// A feature that points a stream's next request elsewhere when its connection drops (the
// `dropped` hook and `StreamControl.setRequest`): how agent protocols resume a POST stream by a
// re-subscribe (A2A) or a cursor (OpenAI `starting_after`). Against the reference server on
// 127.0.0.1, since a drop on a real socket is what the hook answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type StreamFeature } from '../../src/index.js';
import { instantReconnect, startReferenceServer, type ReferenceServer } from '../../src/testing/index.js';

let server: ReferenceServer;
beforeAll(async () => {
  server = await startReferenceServer({ host: '127.0.0.1' });
});
afterAll(() => server.close());

/** Learns the task id from the first event; on a drop, re-subscribes to it. */
function resubscribe(to: (taskId: string) => { url: string; method: string; body?: string; resend?: boolean }): StreamFeature {
  return (control) => {
    let taskId: string | undefined;
    return {
      event(event) {
        taskId ??= (event.data as { task?: string }).task;
      },
      dropped() {
        if (taskId !== undefined) control.setRequest(to(taskId));
      },
    };
  };
}

describe('a feature that re-subscribes when a POST stream drops', () => {
  it('reconnects a POST stream by the GET it set, which a POST alone never does', async () => {
    server.play('POST /resub/message', { connections: [{ steps: [{ data: JSON.stringify({ task: 't1', n: 1 }) }, { cut: 'between-events' }] }] });
    const subscribe = server.play('GET /resub/tasks/t1:subscribe', { connections: [{ steps: [{ data: JSON.stringify({ task: 't1', n: 2 }) }] }], afterLast: 'no-content' });
    const stream = connect(`${server.url}/resub/message`, {
      method: 'POST',
      json: true,
      body: '{"text":"hi"}',
      reconnect: instantReconnect().reconnect,
      use: [resubscribe((task) => ({ url: `${server.url}/resub/tasks/${task}:subscribe`, method: 'GET' }))],
    });
    const seen: number[] = [];
    for await (const event of stream) seen.push((event.data as { n: number }).n);
    expect(seen).toEqual([1, 2]);
    expect(subscribe.requests.map((request) => request.method)).toEqual(['GET', 'GET']);
    expect(stream.outcome?.type).toBe('ended');
    // The message was sent once: the drop did not send it again.
    expect(server.requests.filter((request) => request.path === '/resub/message')).toHaveLength(1);
  });

  it('re-sends a POST with a body only when the feature marked it resend, and sends that body', async () => {
    const rpc = server.play('POST /resub/rpc', {
      connections: [{ steps: [{ data: JSON.stringify({ task: 't2', n: 1 }) }, { cut: 'between-events' }] }, { steps: [{ data: JSON.stringify({ task: 't2', n: 2 }) }] }],
      afterLast: 'no-content',
    });
    const before = server.requests.length;
    const stream = connect(`${server.url}/resub/rpc`, {
      method: 'POST',
      json: true,
      body: '{"method":"SendStreamingMessage"}',
      reconnect: instantReconnect().reconnect,
      use: [resubscribe((task) => ({ url: `${server.url}/resub/rpc`, method: 'POST', body: JSON.stringify({ method: 'SubscribeToTask', id: task }), resend: true }))],
    });
    const seen: number[] = [];
    for await (const event of stream) seen.push((event.data as { n: number }).n);
    expect(seen).toEqual([1, 2]);
    expect(rpc.requests).toHaveLength(3);
    const bodies = server.requests.slice(before).filter((request) => request.path === '/resub/rpc').map((request) => request.body);
    expect(bodies).toEqual([{ method: 'SendStreamingMessage' }, { method: 'SubscribeToTask', id: 't2' }, { method: 'SubscribeToTask', id: 't2' }]);
  });

  it('does not re-send a POST the feature pointed at another POST without resend: the drop ends the stream', async () => {
    server.play('POST /resub/once', { connections: [{ steps: [{ data: JSON.stringify({ task: 't3', n: 1 }) }, { cut: 'between-events' }] }] });
    const stream = connect(`${server.url}/resub/once`, {
      method: 'POST',
      json: true,
      body: '{}',
      reconnect: instantReconnect().reconnect,
      use: [resubscribe((task) => ({ url: `${server.url}/resub/once`, method: 'POST', body: JSON.stringify({ id: task }) }))],
    });
    await expect(stream.finished).rejects.toMatchObject({ name: 'ConnectionError' });
    expect(server.requests.filter((request) => request.path === '/resub/once')).toHaveLength(1);
  });
});
