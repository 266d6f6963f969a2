// A2A v1.0 against msw: the requests of both bindings, event names from the StreamResponse
// member, outcomes by task state, errors inside a 200 (before and during the stream), the drop
// rules, and the task accumulator. The real-server tests are in test/integration/a2a.test.ts.
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { A2A, a2aErrorOf, accumulateA2ATask, artifactText, initialA2ATask, type A2AEventMap, type A2ATaskState, type EventOf } from '../../src/index.js';
import { collectEvents, instantReconnect } from '../../src/testing/index.js';
import { BASE, server, useMsw } from '../helpers/msw.js';
import { sseResponse } from '../helpers/sse.js';
import { RequestLog } from './support.js';

useMsw();

const RPC = `${BASE}/a2a`;

function agent(path = '/a2a'): A2A {
  return new A2A({ baseUrl: BASE + path, reconnect: instantReconnect({ maxAttempts: 2 }).reconnect });
}

/** JSON-RPC SSE frames of `results` (each a StreamResponse). */
function rpcFrames(results: readonly object[], id = 1): string {
  return results.map((result) => `data: ${JSON.stringify({ jsonrpc: '2.0', id, result })}\n\n`).join('');
}

/** HTTP+JSON SSE frames of `results`. */
function restFrames(results: readonly object[]): string {
  return results.map((result) => `data: ${JSON.stringify(result)}\n\n`).join('');
}

const task = (state: A2ATaskState = 'TASK_STATE_SUBMITTED') => ({ task: { id: 't1', contextId: 'c1', status: { state } } });
const status = (state: A2ATaskState, text?: string) => ({
  statusUpdate: { taskId: 't1', contextId: 'c1', status: { state, ...(text ? { message: { messageId: 'm', role: 'ROLE_AGENT', parts: [{ text }] } } : {}) } },
});


/** Answers each request to `method url` with the next response, recording the requests. */
function serve(method: 'get' | 'post', url: string, responses: (() => Response)[]): RequestLog {
  const log = new RequestLog();
  server.use(
    http[method](url, async ({ request }) => {
      await log.take(request);
      const next = responses[log.count - 1];
      return next ? next() : HttpResponse.text('unexpected request', { status: 410 });
    }),
  );
  return log;
}

describe('A2A requests', () => {
  it('JSON-RPC: POSTs SendStreamingMessage to the base URL with A2A-Version 1.0 and a generated message id', async () => {
    const log = serve('post', RPC, [() => sseResponse([rpcFrames([task(), status('TASK_STATE_COMPLETED')])])]);
    await collectEvents(agent().tasks.stream('hi', { configuration: { acceptedOutputModes: ['text/plain'] }, metadata: { k: 1 } }));
    const request = log.only();
    expect(request.headers.get('a2a-version')).toBe('1.0');
    expect(request.headers.get('content-type')).toBe('application/json');
    expect(request.headers.get('accept')).toBe('text/event-stream');
    const body = JSON.parse(request.body);
    expect(body).toMatchObject({
      jsonrpc: '2.0',
      id: 1,
      method: 'SendStreamingMessage',
      params: { message: { role: 'ROLE_USER', parts: [{ text: 'hi' }] }, configuration: { acceptedOutputModes: ['text/plain'] }, metadata: { k: 1 } },
    });
    expect(body.params.message.messageId).toMatch(/^[0-9a-f-]{32,36}$/);
  });

  it('HTTP+JSON: POSTs the bare SendMessageRequest to /message:stream as application/a2a+json; keeps a caller A2A-Version', async () => {
    const log = serve('post', `${BASE}/rest/message:stream`, [() => sseResponse([restFrames([task(), status('TASK_STATE_COMPLETED')])])]);
    const message = { messageId: 'mine', parts: [{ text: 'hi' }], contextId: 'c1' };
    await collectEvents(agent('/rest').tasks.stream(message, { binding: 'rest', headers: { 'A2A-Version': '1.1' } }));
    const request = log.only();
    expect(request.headers.get('content-type')).toBe('application/a2a+json');
    expect(request.headers.get('a2a-version')).toBe('1.1');
    expect(JSON.parse(request.body)).toEqual({ message: { messageId: 'mine', role: 'ROLE_USER', parts: [{ text: 'hi' }], contextId: 'c1' } });
  });

  it('HTTP+JSON subscribe is GET /tasks/{id}:subscribe without a body; JSON-RPC subscribe POSTs SubscribeToTask', async () => {
    const rest = serve('get', `${BASE}/rest/tasks/:id`, [() => sseResponse([restFrames([task('TASK_STATE_WORKING'), status('TASK_STATE_COMPLETED')])])]);
    const first = await collectEvents(agent('/rest').tasks.subscribe('t 1', { binding: 'rest' }));
    expect(first.events.map((event) => event.type)).toEqual(['task', 'statusUpdate']);
    expect(rest.only().url.pathname).toBe('/rest/tasks/t%201:subscribe');
    expect(rest.only().body).toBe('');
    const rpc = serve('post', RPC, [() => sseResponse([rpcFrames([task('TASK_STATE_WORKING'), status('TASK_STATE_COMPLETED')])])]);
    await collectEvents(agent().tasks.subscribe('t1'));
    expect(JSON.parse(rpc.only().body)).toMatchObject({ method: 'SubscribeToTask', params: { id: 't1' } });
  });

  it('refuses an empty message, a message without parts, an empty task id and an unknown binding, before any request', () => {
    const tasks = agent().tasks;
    expect(() => tasks.stream('')).toThrow(TypeError);
    expect(() => tasks.stream({ parts: [] })).toThrow(/parts/);
    expect(() => tasks.subscribe('')).toThrow(TypeError);
    expect(() => tasks.stream('hi', { binding: 'grpc' as 'rest' })).toThrow(/binding/);
  });
});

describe('A2A events and outcomes', () => {
  it.each([
    ['TASK_STATE_COMPLETED', 'completed'],
    ['TASK_STATE_FAILED', 'failed'],
    ['TASK_STATE_REJECTED', 'failed'],
    ['TASK_STATE_CANCELED', 'cancelled'],
    ['TASK_STATE_INPUT_REQUIRED', 'interrupted'],
    ['TASK_STATE_AUTH_REQUIRED', 'interrupted'],
  ] as const)('a statusUpdate %s ends the stream as %s, with the state as serverStatus', async (state, outcome) => {
    serve('post', RPC, [() => sseResponse([rpcFrames([task(), status('TASK_STATE_WORKING'), status(state, 'why'), status('TASK_STATE_WORKING')])])]);
    const stream = agent().tasks.stream('hi');
    const { events, error } = await collectEvents(stream);
    expect(error).toBeUndefined();
    expect(events).toHaveLength(3);
    expect(stream.outcome).toMatchObject({ type: outcome, serverStatus: state, ...(outcome === 'completed' ? {} : { message: 'why' }) });
  });

  it('a task that opens the stream in INPUT_REQUIRED (an answer to it) does not end it; a terminal task does', async () => {
    serve('post', RPC, [
      () => sseResponse([rpcFrames([task('TASK_STATE_INPUT_REQUIRED'), status('TASK_STATE_WORKING'), status('TASK_STATE_COMPLETED')])]),
      () => sseResponse([rpcFrames([task('TASK_STATE_CANCELED'), status('TASK_STATE_WORKING')])]),
    ]);
    const answer = agent().tasks.stream('Paris');
    expect((await collectEvents(answer)).events).toHaveLength(3);
    expect(answer.outcome?.type).toBe('completed');
    const cancelled = agent().tasks.stream('again');
    expect((await collectEvents(cancelled)).events.map((event) => event.type)).toEqual(['task']);
    expect(cancelled.outcome).toMatchObject({ type: 'cancelled', serverStatus: 'TASK_STATE_CANCELED' });
  });

  it('a message-only stream ends with its message as completed', async () => {
    const message = { messageId: 'a1', role: 'ROLE_AGENT', parts: [{ text: 'hello back' }] };
    serve('post', RPC, [() => sseResponse([rpcFrames([{ message }])])]);
    const stream = agent().tasks.stream('hi');
    const { events } = await collectEvents(stream);
    expect(events.map((event) => [event.type, event.data])).toEqual([['message', message]]);
    expect(stream.outcome?.type).toBe('completed');
  });

  it('skips a StreamResponse member it does not know (a newer protocol version) and goes on', async () => {
    serve('post', RPC, [() => sseResponse([rpcFrames([task(), { somethingNew: { x: 1 } }, status('TASK_STATE_COMPLETED')])])]);
    const { events } = await collectEvents(agent().tasks.stream('hi'));
    expect(events.map((event) => event.type)).toEqual(['task', 'statusUpdate']);
  });
});

describe('A2A errors inside a 200', () => {
  it('a 200 application/json JSON-RPC error before the stream (no A2A-Version: -32009) is an error event, then a typed StreamError', async () => {
    const body = { jsonrpc: '2.0', id: 1, error: { code: -32009, message: "A2A version '0.3' is not supported", data: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'VERSION_NOT_SUPPORTED', domain: 'a2a-protocol.org' }] } };
    const log = serve('post', RPC, [() => HttpResponse.json(body)]);
    const stream = agent().tasks.stream('hi');
    const { events, error } = await collectEvents(stream);
    expect(events.map((event) => [event.type, event.data])).toEqual([['error', body.error]]);
    expect(error).toMatchObject({ name: 'StreamError', code: 'server-error-event', serverCode: '-32009', serverStatus: 'VERSION_NOT_SUPPORTED', status: undefined });
    expect((error as Error).message).toContain("A2A version '0.3' is not supported (A2A error -32009 VERSION_NOT_SUPPORTED)");
    expect(a2aErrorOf(error)).toEqual({ code: -32009, message: body.error.message, reasons: ['VERSION_NOT_SUPPORTED'] });
    expect(stream.outcome).toMatchObject({ type: 'failed', serverCode: '-32009' });
    expect(log.count).toBe(1);
  });

  it('a 200 JSON body that is no error (a non-streaming answer) fails as invalid-content-type', async () => {
    serve('post', RPC, [() => HttpResponse.json({ jsonrpc: '2.0', id: 1, result: task() })]);
    const { error } = await collectEvents(agent().tasks.stream('hi'));
    expect(error).toMatchObject({ name: 'StreamError', code: 'invalid-content-type' });
  });

  it('an HTTP+JSON event: error (google.rpc.Status) fails with its HTTP status, code name and reason', async () => {
    const status = { error: { code: 500, status: 'INTERNAL', message: 'store full', details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'INTERNAL_ERROR' }] } };
    serve('post', `${BASE}/rest/message:stream`, [() => sseResponse([restFrames([task()]), `event: error\ndata: ${JSON.stringify(status)}\n\n`])]);
    const { events, error } = await collectEvents(agent('/rest').tasks.stream('hi', { binding: 'rest' }));
    expect(events.map((event) => event.type)).toEqual(['task', 'error']);
    expect(error).toMatchObject({ name: 'StreamError', code: 'server-error-event', status: 500, serverCode: 'INTERNAL_ERROR' });
    expect(a2aErrorOf(error)).toEqual({ code: 500, message: 'store full', reasons: ['INTERNAL_ERROR'], status: 'INTERNAL' });
  });

  it('a2aErrorOf reads an error event’s data and says undefined for anything else', () => {
    expect(a2aErrorOf({ code: -32001, message: 'no task', data: [{ reason: 'TASK_NOT_FOUND' }] })).toEqual({ code: -32001, message: 'no task', reasons: ['TASK_NOT_FOUND'] });
    expect(a2aErrorOf(new Error('x'))).toBeUndefined();
    expect(a2aErrorOf(undefined)).toBeUndefined();
  });
});

describe('A2A drops', () => {
  it('a clean close before any task id fails with unexpected-end and never sends the message again', async () => {
    const log = serve('post', RPC, [() => sseResponse([])]);
    const stream = agent().tasks.stream('hi');
    const { error } = await collectEvents(stream);
    expect(error).toMatchObject({ name: 'StreamError', code: 'unexpected-end' });
    expect((error as Error).message).toContain('it never sends the message again');
    expect(log.count).toBe(1);
  });

  it('a clean close after the task id re-subscribes (JSON-RPC, resent SubscribeToTask): the snapshot is a recovered resync', async () => {
    const log = serve('post', RPC, [
      () => sseResponse([rpcFrames([task(), status('TASK_STATE_WORKING', 'one')])]),
      () => sseResponse([rpcFrames([{ task: { id: 't1', contextId: 'c1', status: { state: 'TASK_STATE_WORKING' }, artifacts: [{ artifactId: 'a', parts: [{ text: 'x' }] }] } }, status('TASK_STATE_COMPLETED')], 2)]),
    ]);
    const stream = agent().tasks.stream('hi');
    const { events } = await collectEvents(stream);
    expect(events.map((event) => event.type)).toEqual(['task', 'statusUpdate', 'resync', 'statusUpdate']);
    expect(events[2]!.data).toMatchObject({ reason: 'resubscribed', recovered: true, task: { id: 't1', artifacts: [{ artifactId: 'a' }] } });
    expect(stream.outcome?.type).toBe('completed');
    expect(log.requests.map((request) => JSON.parse(request.body).method)).toEqual(['SendStreamingMessage', 'SubscribeToTask']);
  });

  it('a resync snapshot in a terminal state ends the stream with its outcome', async () => {
    serve('post', RPC, [() => sseResponse([rpcFrames([task(), status('TASK_STATE_WORKING')])]), () => sseResponse([rpcFrames([task('TASK_STATE_FAILED')], 2)])]);
    const stream = agent().tasks.stream('hi');
    const { events } = await collectEvents(stream);
    expect(events.at(-1)?.type).toBe('resync');
    expect(stream.outcome).toMatchObject({ type: 'failed', serverStatus: 'TASK_STATE_FAILED' });
  });
});

describe('accumulateA2ATask', () => {
  const event = <T extends keyof A2AEventMap>(type: T, data: A2AEventMap[T]) => ({ type, data, id: '', raw: '' }) as EventOf<A2AEventMap>;
  const update = (text: string, append: boolean, lastChunk = false, artifactId = 'a') =>
    event('artifactUpdate', { taskId: 't1', contextId: 'c1', artifact: { artifactId, parts: [{ text }] }, append, lastChunk });

  it('appends chunks by artifactId, replaces without append, marks lastChunk, and never changes the state it was given', () => {
    const events = [event('task', task().task), update('Hel', false), update('lo', true), update('other', false, true, 'b'), update('!', true, true)];
    const states = [initialA2ATask];
    for (const item of events) states.push(accumulateA2ATask(states.at(-1)!, item));
    const last = states.at(-1)!;
    expect(last.task?.artifacts?.map((artifact) => [artifact.artifactId, artifactText(artifact)])).toEqual([
      ['a', 'Hello!'],
      ['b', 'other'],
    ]);
    expect(last.complete).toEqual(['b', 'a']);
    // Earlier states are left as they were (React's reducers run twice in StrictMode).
    expect(artifactText(states[3]!.task?.artifacts?.[0])).toBe('Hello');
    expect(accumulateA2ATask(last, update('new', false)).task?.artifacts?.[0]?.parts).toEqual([{ text: 'new' }]);
  });

  it('replaces the status on statusUpdate and keeps its messages; a resync replaces the task and the messages', () => {
    let state = accumulateA2ATask(initialA2ATask, event('statusUpdate', status('TASK_STATE_WORKING', 'one').statusUpdate as never));
    expect(state.task).toMatchObject({ id: 't1', status: { state: 'TASK_STATE_WORKING' } });
    state = accumulateA2ATask(state, event('statusUpdate', status('TASK_STATE_WORKING', 'two').statusUpdate as never));
    expect(state.statusMessages.map(artifactText)).toEqual(['one', 'two']);
    const snapshot = { id: 't1', contextId: 'c1', status: { state: 'TASK_STATE_WORKING' as const, message: { messageId: 's', role: 'ROLE_AGENT' as const, parts: [{ text: 'four' }] } } };
    state = accumulateA2ATask(state, event('resync', { reason: 'resubscribed', recovered: true, task: snapshot }));
    expect(state).toMatchObject({ task: snapshot, resyncs: 1, events: 3 });
    expect(state.statusMessages.map(artifactText)).toEqual(['four']);
  });
});
