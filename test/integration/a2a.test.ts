// A2A v1.0 against the real @a2a-js/sdk 1.3.0 server on 127.0.0.1, over both bindings: a
// completed task, a failed one, an interrupt, a JSON-RPC error before and inside the stream, and
// a drop that re-subscribes and recovers the task from its snapshot.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { A2A, a2aErrorOf, accumulateA2ATask, artifactText, initialA2ATask, type A2ABinding, type A2AEventMap, type EventOf } from '../../src/index.js';
import { collectEvents, instantReconnect } from '../../src/testing/index.js';
import { gate, startA2AServer, statusText, type A2AServer } from './a2a-server.js';

let server: A2AServer;
beforeAll(async () => {
  server = await startA2AServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  // The SDK logs the errors it turns into error events.
  vi.spyOn(console, 'error').mockImplementation(() => {});
});

const BINDINGS: [A2ABinding, string][] = [
  ['jsonrpc', '/rpc'],
  ['rest', '/rest'],
];

function agent(path: string, reconnect = instantReconnect({ maxAttempts: 2 }).reconnect): A2A {
  return new A2A({ baseUrl: server.url + path, reconnect });
}


/** Waits until the server's store holds `taskId` in a state `check` accepts (each look after the event loop turns). */
async function until(taskId: string, check: (text: string | undefined, state: number | undefined) => boolean): Promise<void> {
  for (let look = 0; look < 1000; look++) {
    const task = await server.store.load(taskId, {} as never);
    if (check(statusText(task), task?.status?.state)) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`task ${taskId} never reached the state`);
}

describe.each(BINDINGS)('A2A over %s against @a2a-js/sdk', (binding, path) => {
  it('streams a completed task: task, status, artifact chunks, COMPLETED; the outcome is completed', async () => {
    const stream = agent(path).tasks.stream('hello', { binding });
    const { events, error } = await collectEvents(stream);
    expect(error).toBeUndefined();
    expect(events.map((event) => event.type)).toEqual(['task', 'statusUpdate', 'artifactUpdate', 'artifactUpdate', 'statusUpdate']);
    expect(stream.outcome).toMatchObject({ type: 'completed', serverStatus: 'TASK_STATE_COMPLETED' });
    const state = events.reduce(accumulateA2ATask, initialA2ATask);
    expect(state.task?.status.state).toBe('TASK_STATE_COMPLETED');
    expect(state.task?.artifacts?.map(artifactText)).toEqual(['Hello world']);
    expect(state.complete).toEqual(['a1']);
    expect(state.statusMessages.map(artifactText)).toEqual(['started']);
    // The request: the binding's method or route, with A2A-Version 1.0.
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    if (binding === 'rest') expect(request?.path).toBe('/rest/message:stream');
    else expect(request?.body).toMatchObject({ jsonrpc: '2.0', method: 'SendStreamingMessage', params: { message: { role: 'ROLE_USER', parts: [{ text: 'hello' }] } } });
    expect(request?.res.req.headers['a2a-version']).toBe('1.0');
  });

  it('ends a FAILED task with the outcome failed, its state and its status message', async () => {
    const stream = agent(path).tasks.stream('please fail', { binding });
    const { events, error } = await collectEvents(stream);
    expect(error).toBeUndefined();
    expect(events.at(-1)?.type).toBe('statusUpdate');
    expect(stream.outcome).toMatchObject({ type: 'failed', serverStatus: 'TASK_STATE_FAILED', message: 'could not do it' });
  });

  it('ends at INPUT_REQUIRED with the outcome interrupted, and the answer continues the task', async () => {
    const client = agent(path);
    const stream = client.tasks.stream('input please', { binding });
    const { events } = await collectEvents(stream);
    expect(stream.outcome).toMatchObject({ type: 'interrupted', serverStatus: 'TASK_STATE_INPUT_REQUIRED', message: 'which city?' });
    const task = events[0]?.type === 'task' ? events[0].data : undefined;
    expect(task?.id).toEqual(expect.any(String));
    // Answering with the task's ids goes on with the same task.
    const answer = client.tasks.stream({ parts: [{ text: 'hello, Paris' }], taskId: task!.id, contextId: task!.contextId }, { binding });
    const next = await collectEvents(answer);
    expect(answer.outcome?.type).toBe('completed');
    expect(next.events.every((event) => event.type !== 'statusUpdate' || event.data.taskId === task!.id)).toBe(true);
  });

  it('delivers an error the server sends once the stream began, then fails with the typed server-error-event', async () => {
    const stream = agent(path).tasks.stream('explode', { binding });
    const { events, error } = await collectEvents(stream);
    expect(events.map((event) => event.type)).toContain('error');
    expect(error).toMatchObject({ name: 'StreamError', code: 'server-error-event', event: 'error' });
    expect(stream.outcome?.type).toBe('failed');
    const info = a2aErrorOf(error);
    expect(info?.code).toEqual(expect.any(Number));
    if (binding === 'jsonrpc') expect((error as { serverCode: string }).serverCode).toBe(String(info!.code));
    else expect((error as { status: number }).status).toBe(info!.code);
  });

  it('subscribes to a finished task: the server refuses (-32004), GetTask reads it, and the task ends the stream', async () => {
    const client = agent(path);
    const first = await collectEvents(client.tasks.stream('hello', { binding }));
    const taskId = first.events[0]?.type === 'task' ? first.events[0].data.id : '';
    server.requests.length = 0;
    const stream = client.tasks.subscribe(taskId, { binding });
    const { events, error } = await collectEvents(stream);
    expect(error).toBeUndefined();
    expect(events.map((event) => event.type)).toEqual(['task']);
    expect(stream.outcome).toMatchObject({ type: 'completed', serverStatus: 'TASK_STATE_COMPLETED' });
    expect(events.reduce(accumulateA2ATask, initialA2ATask).task?.artifacts?.map(artifactText)).toEqual(['Hello world']);
    // The subscribe, then the read.
    expect(server.requests.map((request) => [request.method, request.path])).toEqual(
      binding === 'rest'
        ? [
            ['GET', `/rest/tasks/${taskId}:subscribe`],
            ['GET', `/rest/tasks/${taskId}`],
          ]
        : [
            ['POST', '/rpc'],
            ['POST', '/rpc'],
          ],
    );
    if (binding === 'jsonrpc') expect(server.requests[1]!.body).toMatchObject({ method: 'GetTask', params: { id: taskId } });
  });

  it('turns a JSON-RPC error before the stream into a typed error (HTTP+JSON: the HTTP error)', async () => {
    const stream = agent(path).tasks.subscribe('no-such-task', { binding });
    const { events, error } = await collectEvents(stream);
    const info = a2aErrorOf(error);
    if (binding === 'jsonrpc') {
      // A 200 application/json body: delivered as the error event, then the StreamError.
      expect(events.map((event) => event.type)).toEqual(['error']);
      expect(error).toMatchObject({ name: 'StreamError', code: 'server-error-event', serverCode: '-32001', serverStatus: 'TASK_NOT_FOUND' });
      expect(info).toMatchObject({ code: -32001, reasons: ['TASK_NOT_FOUND'] });
    } else {
      expect(events).toEqual([]);
      expect(error).toMatchObject({ name: 'HTTPError', status: 404 });
      expect(info).toMatchObject({ code: 404, reasons: ['TASK_NOT_FOUND'] });
    }
    expect(stream.outcome?.type).toBe(binding === 'jsonrpc' ? 'failed' : 'error');
  });

  it('re-subscribes after a drop: the task snapshot arrives as a recovered resync, then the live updates to COMPLETED', async () => {
    server.gates.first = gate();
    server.gates.second = gate();
    let taskId = '';
    const reconnect = {
      ...instantReconnect({ maxAttempts: 2 }).reconnect,
      // While the client is away, the agent moves on ("step 1"): an update the stream never sees.
      sleep: async () => {
        server.gates.first.open();
        await until(taskId, (text) => text === 'step 1');
      },
    };
    const stream = agent(path, reconnect).tasks.stream('gated', { binding });
    const events: EventOf<A2AEventMap>[] = [];
    for await (const event of stream) {
      events.push(event);
      if (event.type === 'statusUpdate' && event.data.status.message?.parts[0]?.text === 'started' && events.length === 2) {
        taskId = event.data.taskId;
        // Cut the message stream's socket, server-side.
        server.requests[0]!.res.socket!.destroy();
      }
      if (event.type === 'resync') server.gates.second.open();
    }
    expect(events.map((event) => event.type)).toEqual(['task', 'statusUpdate', 'resync', 'artifactUpdate', 'artifactUpdate', 'statusUpdate']);
    const resync = events[2]!.type === 'resync' ? events[2]!.data : undefined;
    expect(resync).toMatchObject({ reason: 'resubscribed', recovered: true, task: { id: taskId, status: { state: 'TASK_STATE_WORKING' } } });
    expect(artifactText(resync!.task.status.message)).toBe('step 1');
    expect(stream.outcome).toMatchObject({ type: 'completed', serverStatus: 'TASK_STATE_COMPLETED' });
    const state = events.reduce(accumulateA2ATask, initialA2ATask);
    expect(state).toMatchObject({ resyncs: 1, task: { id: taskId, status: { state: 'TASK_STATE_COMPLETED' } } });
    expect(state.task?.artifacts?.map(artifactText)).toEqual(['Hello world']);
    expect(state.statusMessages.map(artifactText)).toEqual(['step 1']);
    // The message went out once; the drop sent a subscribe to the same task.
    expect(server.requests.map((request) => [request.method, request.path])).toEqual(
      binding === 'rest'
        ? [
            ['POST', '/rest/message:stream'],
            ['GET', `/rest/tasks/${taskId}:subscribe`],
          ]
        : [
            ['POST', '/rpc'],
            ['POST', '/rpc'],
          ],
    );
    if (binding === 'jsonrpc') expect(server.requests[1]!.body).toMatchObject({ method: 'SubscribeToTask', params: { id: taskId } });
  });

  it('re-subscribes to a task that ended while disconnected: reads it with GetTask and ends with its outcome', async () => {
    server.gates.first = gate();
    server.gates.second = gate();
    let taskId = '';
    const reconnect = {
      ...instantReconnect({ maxAttempts: 2 }).reconnect,
      sleep: async () => {
        server.gates.first.open();
        server.gates.second.open();
        await until(taskId, (_, state) => state === 3 /* TASK_STATE_COMPLETED */);
      },
    };
    const stream = agent(path, reconnect).tasks.stream('gated', { binding });
    const events: EventOf<A2AEventMap>[] = [];
    for await (const event of stream) {
      events.push(event);
      if (events.length === 2 && event.type === 'statusUpdate') {
        taskId = event.data.taskId;
        server.requests[0]!.res.socket!.destroy();
      }
    }
    expect(events.map((event) => event.type)).toEqual(['task', 'statusUpdate', 'resync']);
    expect(stream.outcome).toMatchObject({ type: 'completed', serverStatus: 'TASK_STATE_COMPLETED' });
    const state = events.reduce(accumulateA2ATask, initialA2ATask);
    expect(state.task?.artifacts?.map(artifactText)).toEqual(['Hello world']);
  });
});
