// AG-UI against a real endpoint: a node:http server on 127.0.0.1 that writes its events with
// @ag-ui/encoder's EventEncoder (the official SDK's encoder), as an AG-UI agent does. The last
// user message picks the story: a full run, RUN_ERROR, an interrupt, a cut socket, an early end.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventType, type BaseEvent } from '@ag-ui/core';
import { EventEncoder } from '@ag-ui/encoder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGUI, ConnectionError, StreamError, initialAGUIRun, reduceAGUIRun, type AGUIRunAgentInput } from '../../src/index.js';
import { startReferenceServer, type ReferenceServer } from '../../src/testing/index.js';
import { budget, collect, collectUntilError, typesOf } from './support.js';

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: AGUIRunAgentInput;
}

const seen: Seen[] = [];
/** Resolved by the test once it has the events before a cut: the server then destroys the socket. */
let cutNow: (() => void) | undefined;
let server: Server;
let url: string;

function readBody(req: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

async function story(text: string, input: AGUIRunAgentInput, res: ServerResponse, accept: string | undefined): Promise<void> {
  const encoder = new EventEncoder(accept === undefined ? {} : { accept });
  res.writeHead(200, { 'Content-Type': encoder.getContentType(), 'Cache-Control': 'no-cache' });
  const send = (event: BaseEvent & Record<string, unknown>) => res.write(encoder.encodeSSE(event as never));
  const { threadId, runId } = input;
  send({ type: EventType.RUN_STARTED, threadId, runId });
  send({ type: EventType.STATE_SNAPSHOT, snapshot: { step: 0, items: [] } });
  send({ type: EventType.TEXT_MESSAGE_START, messageId: 'm1', role: 'assistant' });
  for (const delta of ['Hel', 'lo, ', 'world']) send({ type: EventType.TEXT_MESSAGE_CONTENT, messageId: 'm1', delta });
  if (text === 'cut') {
    await new Promise<void>((resolve) => (cutNow = resolve));
    res.destroy();
    return;
  }
  send({ type: EventType.TEXT_MESSAGE_END, messageId: 'm1' });
  if (text === 'fail') {
    send({ type: EventType.RUN_ERROR, message: 'model quota exceeded', code: 'QUOTA' });
    res.end();
    return;
  }
  if (text === 'early end') {
    res.end(); // a clean end of the body, without RUN_FINISHED or RUN_ERROR
    return;
  }
  send({ type: EventType.TOOL_CALL_START, toolCallId: 'c1', toolCallName: 'search', parentMessageId: 'm1' });
  for (const delta of ['{"q":', '"weather', ' in Oslo"}']) send({ type: EventType.TOOL_CALL_ARGS, toolCallId: 'c1', delta });
  send({ type: EventType.TOOL_CALL_END, toolCallId: 'c1' });
  send({ type: EventType.TOOL_CALL_RESULT, messageId: 'm2', toolCallId: 'c1', content: 'sunny', role: 'tool' });
  send({
    type: EventType.STATE_DELTA,
    delta: [
      { op: 'replace', path: '/step', value: 1 },
      { op: 'add', path: '/items/-', value: 'sunny' },
    ],
  });
  if (text === 'interrupt') {
    const interrupts = [{ id: 'i1', reason: 'approval', message: 'Book the flight?', toolCallId: 'c1' }];
    send({ type: EventType.RUN_FINISHED, threadId, runId, outcome: { type: 'interrupt', interrupts } });
  } else {
    send({ type: EventType.RUN_FINISHED, threadId, runId, result: { answer: 'sunny' }, outcome: { type: 'success' } });
  }
  res.end();
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void (async () => {
      const body = JSON.parse(await readBody(req)) as AGUIRunAgentInput;
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      const last = body.messages?.at(-1);
      await story(typeof last?.content === 'string' ? last.content : '', body, res, req.headers.accept);
    })().catch((error: unknown) => res.destroy(error as Error));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/agent`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const input = (content: string): AGUIRunAgentInput => ({ threadId: 't1', runId: 'r1', messages: [{ id: 'u1', role: 'user', content }] });

describe('AG-UI against an @ag-ui/encoder endpoint', () => {
  it('streams a completed run: text, a tool call and a state delta, ending with RUN_FINISHED', async () => {
    const agent = new AGUI({ baseUrl: url, apiKey: 'agent-key' });
    const before = seen.length;
    const stream = agent.runs.start(input('hello'), { signal: budget() });
    const events = await collect(stream);

    expect(typesOf(events)).toEqual([
      'RUN_STARTED',
      'STATE_SNAPSHOT',
      'TEXT_MESSAGE_START',
      'TEXT_MESSAGE_CONTENT',
      'TEXT_MESSAGE_CONTENT',
      'TEXT_MESSAGE_CONTENT',
      'TEXT_MESSAGE_END',
      'TOOL_CALL_START',
      'TOOL_CALL_ARGS',
      'TOOL_CALL_ARGS',
      'TOOL_CALL_ARGS',
      'TOOL_CALL_END',
      'TOOL_CALL_RESULT',
      'STATE_DELTA',
      'RUN_FINISHED',
    ]);
    // The whole object is the data, `type` included; no ids on the wire.
    expect(events[3]).toMatchObject({ id: '', data: { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm1', delta: 'Hel' } });
    expect(stream.outcome).toMatchObject({ type: 'completed', serverStatus: 'success', event: { type: 'RUN_FINISHED' } });

    // One POST of the RunAgentInput, with the protocol's empty lists filled in.
    expect(seen.slice(before)).toHaveLength(1);
    expect(seen.at(-1)).toMatchObject({
      method: 'POST',
      url: '/agent',
      headers: { accept: 'text/event-stream', 'content-type': 'application/json', authorization: 'Bearer agent-key' },
      body: { threadId: 't1', runId: 'r1', messages: [{ id: 'u1', role: 'user', content: 'hello' }], tools: [], context: [] },
    });
  });

  it('folds the run into messages, a parsed tool call and the patched state (run())', async () => {
    const agent = new AGUI({ baseUrl: url });
    const types: string[] = [];
    const run = await agent.runs.run(input('hello'), { signal: budget(), onEvent: (event) => types.push(event.type) });

    expect(types).toHaveLength(15);
    expect(run).toMatchObject({ threadId: 't1', runId: 'r1', status: 'completed', result: { answer: 'sunny' }, state: { step: 1, items: ['sunny'] }, interrupts: [] });
    expect(run.messages).toEqual([
      { id: 'm1', role: 'assistant', content: 'Hello, world', toolCalls: [{ id: 'c1', type: 'function', function: { name: 'search', arguments: '{"q":"weather in Oslo"}' } }] },
      { id: 'm2', role: 'tool', toolCallId: 'c1', content: 'sunny' },
    ]);
    expect(run.toolCalls).toEqual([
      { id: 'c1', name: 'search', parentMessageId: 'm1', arguments: '{"q":"weather in Oslo"}', status: 'done', args: { q: 'weather in Oslo' }, result: 'sunny' },
    ]);
  });

  it('fails on RUN_ERROR with StreamError server-error-event carrying its code and message, after delivering it', async () => {
    const agent = new AGUI({ baseUrl: url });
    const stream = agent.runs.start(input('fail'), { signal: budget() });
    const { items, error } = await collectUntilError(stream);

    expect(typesOf(items).slice(-2)).toEqual(['TEXT_MESSAGE_END', 'RUN_ERROR']);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'server-error-event', event: 'RUN_ERROR', serverCode: 'QUOTA', outcome: 'failed', message: expect.stringContaining('model quota exceeded') });
    expect(stream.outcome).toMatchObject({ type: 'failed', serverCode: 'QUOTA', message: 'model quota exceeded', error });
    // The accumulator reads the same failure from the events.
    expect(items.reduce(reduceAGUIRun, initialAGUIRun)).toMatchObject({ status: 'failed', error: { message: 'model quota exceeded', code: 'QUOTA' } });
  });

  it('ends an interrupted run with the interrupted outcome; the interrupts are on RUN_FINISHED', async () => {
    const agent = new AGUI({ baseUrl: url });
    const stream = agent.runs.start(input('interrupt'), { signal: budget() });
    const events = await collect(stream);

    const last = events.at(-1)!;
    if (last.type !== 'RUN_FINISHED') throw new Error('the last event is not RUN_FINISHED');
    expect(last.data.outcome).toEqual({ type: 'interrupt', interrupts: [{ id: 'i1', reason: 'approval', message: 'Book the flight?', toolCallId: 'c1' }] });
    expect(stream.outcome).toMatchObject({ type: 'interrupted', serverStatus: 'interrupt', event: last });
    expect(await stream.finished).toMatchObject({ type: 'interrupted' });
    const run = events.reduce(reduceAGUIRun, initialAGUIRun);
    expect(run).toMatchObject({ status: 'interrupted', interrupts: [{ id: 'i1', reason: 'approval' }] });
  });

  it('reports a cut socket as an error, never a normal end, and never re-sends the POST', async () => {
    const agent = new AGUI({ baseUrl: url, reconnect: { initialDelay: 0, maxAttempts: 3 } });
    const before = seen.length;
    const stream = agent.runs.start(input('cut'), { signal: budget() });
    const items: string[] = [];
    let error: unknown;
    try {
      for await (const event of stream) {
        items.push(event.type);
        if (event.type === 'TEXT_MESSAGE_CONTENT' && event.data.delta === 'world') cutNow!();
      }
    } catch (caught) {
      error = caught;
    }

    expect(items).toEqual(['RUN_STARTED', 'STATE_SNAPSHOT', 'TEXT_MESSAGE_START', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_CONTENT', 'TEXT_MESSAGE_CONTENT']);
    // A destroyed socket mid-body is a dropped connection; either way the run is not "completed".
    expect(error).toBeInstanceOf(ConnectionError);
    expect(stream.outcome).toMatchObject({ type: 'error', error });
    expect(seen.slice(before)).toHaveLength(1);
  });

  it('fails a stream that ends cleanly without RUN_FINISHED or RUN_ERROR with StreamError unexpected-end', async () => {
    const agent = new AGUI({ baseUrl: url, reconnect: { initialDelay: 0, maxAttempts: 3 } });
    const before = seen.length;
    const stream = agent.runs.start(input('early end'), { signal: budget() });
    const { items, error } = await collectUntilError(stream);

    expect(typesOf(items).at(-1)).toBe('TEXT_MESSAGE_END');
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'unexpected-end', message: expect.stringContaining('AG-UI cannot resume a run') });
    expect(stream.outcome).toMatchObject({ type: 'error', error });
    expect(seen.slice(before)).toHaveLength(1);
  });
});

describe('AG-UI on the reference server', () => {
  let ref: ReferenceServer;
  beforeAll(async () => {
    ref = await startReferenceServer({ eventDelay: 1 });
  });
  afterAll(() => ref.close());
  const at = (story: string) => new AGUI({ baseUrl: `${ref.url}/agui/${story}` });

  it('plays weather to RUN_FINISHED, echoing the thread and run ids of the input', async () => {
    const run = await at('weather').runs.run({ threadId: 'my-thread', runId: 'my-run', messages: [] }, { signal: budget() });
    expect(run).toMatchObject({ threadId: 'my-thread', runId: 'my-run', status: 'completed', state: { step: 1, items: ['sunny'] }, result: { answer: 'sunny' } });
    expect(run.messages.map((message) => [message.id, message.role])).toEqual([
      ['m1', 'assistant'],
      ['m2', 'tool'],
      ['m3', 'assistant'],
    ]);
  });

  it('plays quota (RUN_ERROR), approval (interrupted) and cancelled', async () => {
    await expect(at('quota').runs.run(input('x'), { signal: budget() })).rejects.toMatchObject({ code: 'server-error-event', serverCode: 'QUOTA' });
    expect(await at('approval').runs.run(input('x'), { signal: budget() })).toMatchObject({ status: 'interrupted', interrupts: [{ id: 'i1', reason: 'approval' }] });
    const stream = at('cancelled').runs.start(input('x'), { signal: budget() });
    await collect(stream);
    expect(stream.outcome).toMatchObject({ type: 'cancelled' });
  });

  it('a drop mid-run (dropNext) is a ConnectionError; the POST is not sent again', async () => {
    ref.dropNext('/agui/weather', { afterEvents: 4 });
    const before = ref.requests.filter((request) => request.path === '/agui/weather').length;
    const { items, error } = await collectUntilError(at('weather').runs.start(input('x'), { signal: budget() }));
    expect(typesOf(items)).toEqual(['RUN_STARTED', 'STATE_SNAPSHOT', 'TEXT_MESSAGE_START', 'TEXT_MESSAGE_CONTENT']);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(ref.requests.filter((request) => request.path === '/agui/weather').length - before).toBe(1);
  });

  it('answers 422 to a body that is not a RunAgentInput, and 404 to another agent', async () => {
    await expect(collect(at('weather').runs.start({ runId: 'r' } as AGUIRunAgentInput, { signal: budget() }))).rejects.toMatchObject({ name: 'HTTPError', status: 422 });
    await expect(collect(at('nobody').runs.start(input('x'), { signal: budget() }))).rejects.toMatchObject({ name: 'HTTPError', status: 404 });
  });
});
