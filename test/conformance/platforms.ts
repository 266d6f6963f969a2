/**
 * Platform normalisation vectors: what each resource makes of the SSE events the spec
 * dispatches (named events or unnamed JSON envelopes, `[DONE]`, keepalives, invalid JSON,
 * terminal and error events). Streams are built with `frames()`; each vector states the
 * delivered `{ type, data, id }` sequence and the outcome.
 */
import type { EventStream, Runstream, StreamErrorCode, StreamOptions } from '../../src/index.js';
import { frames } from '../helpers/sse.js';

/** A delivered resource event: `data` is decoded JSON. */
export interface Delivered {
  type: string;
  data: unknown;
  id: string;
}

export interface PlatformVector {
  /** The behaviour, in words; the test name. */
  name: string;
  /** The response body (its first response; a reconnect gets 204). */
  wire: string;
  /** The events the `for await` loop yields, in order. */
  events: Delivered[];
  /** `'ends'`: the loop ends normally; otherwise the `StreamError` code it throws. */
  outcome: 'ends' | StreamErrorCode;
  /** Requests made: 1 when the stream ended with its first response, 2 when it reconnected (and got 204). */
  requests: 1 | 2;
  /** `stream.lastEventId` at the end, also the `Last-Event-ID` of a reconnect. @defaultValue `''` */
  lastEventId?: string;
  /** A string listener for `type` and every event it must hear. */
  heard?: { type: string; events: Delivered[] };
  /** Passes `onInvalidData` (which skips) and expects it called with these raw data texts. */
  skipped?: string[];
  /** Opens the stream, when not the table's default. */
  open?: Open;
  /**
   * The JSON answer of the platform's REST API, for a stream that asks it once subscribed
   * (`runner.stream(runId)` asks `GET /api/runs/{id}`); served to the request after the stream's own.
   * Such requests are not counted in `requests`.
   */
  rest?: { path: string; body: unknown };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each resource has its own event map
type Open = (client: Runstream, options: StreamOptions) => EventStream<any>;

export interface PlatformTable {
  /** The platform and its route. */
  platform: string;
  open: Open;
  vectors: PlatformVector[];
}

const d = (type: string, data: unknown, id = ''): Delivered => ({ type, data, id });

// Crewship payloads.
const started = { run_id: 'run_1', started_at: '2026-03-01T10:00:00Z' };
const completed = { run_id: 'run_1', duration_ms: 1200, result: 'ok' };
const logLine = { level: 'info', message: 'héllo 🚀', timestamp: '2026-03-01T10:00:01Z' };
const tool = { tool: 'search', input: { q: 'sse' } };

const runs: PlatformTable = {
  platform: 'Crewship runs: GET /v1/runs/{id}/events',
  open: (client, options) => client.runs.stream('run_1', options),
  vectors: [
    {
      name: 'named events end at run.completed; what follows it is not delivered',
      wire: frames([
        { event: 'run.started', id: '1', data: started },
        { event: 'tool.called', id: '2', data: tool },
        { event: 'run.completed', id: '3', data: completed },
        // No id: whether the parser sees this block depends on the chunking, and an id here
        // would move lastEventId past an event never delivered (see docs/conformance.md, bugs).
        { event: 'log', data: logLine },
      ]),
      events: [d('run.started', started, '1'), d('tool.called', tool, '2'), d('run.completed', completed, '3')],
      outcome: 'ends',
      requests: 1,
      lastEventId: '3',
    },
    {
      name: 'unnamed envelopes take the type from "type" and the data from "data", else "payload", else the whole object',
      wire: frames([
        { id: '1', data: { type: 'agent.started', data: { agent: 'researcher', task: 'find' } } },
        { id: '2', data: { type: 'log', payload: logLine } },
        { event: 'message', id: '3', data: { type: 'tool.result', data: { tool: 'search', output: [1, 2] } } },
        { data: { type: 'artifact', name: 'report.pdf', size: 10, content_type: 'application/pdf' } },
        { data: { type: 'run.completed', data: completed } },
      ]),
      events: [
        d('agent.started', { agent: 'researcher', task: 'find' }, '1'),
        d('log', logLine, '2'),
        d('tool.result', { tool: 'search', output: [1, 2] }, '3'),
        d('artifact', { type: 'artifact', name: 'report.pdf', size: 10, content_type: 'application/pdf' }, '3'),
        d('run.completed', completed, '3'),
      ],
      outcome: 'ends',
      requests: 1,
      lastEventId: '3',
    },
    {
      name: 'heartbeat keepalives, named or enveloped, and comments are not events, not even for a heartbeat listener',
      wire: frames([
        { comment: ' keepalive' },
        { event: 'heartbeat', data: {} },
        { data: { type: 'heartbeat', data: { ts: 1 } } },
        { event: 'log', id: '1', data: logLine },
        { comment: '' },
        { event: 'run.completed', id: '2', data: completed },
      ]),
      events: [d('log', logLine, '1'), d('run.completed', completed, '2')],
      outcome: 'ends',
      requests: 1,
      lastEventId: '2',
      heard: { type: 'heartbeat', events: [] },
    },
    {
      name: 'a name the docs do not list reaches its string listener, not the iterator',
      wire: frames([
        { event: 'custom.thing', id: '1', data: { x: 1 } },
        { event: 'run.completed', id: '2', data: completed },
      ]),
      events: [d('run.completed', completed, '2')],
      outcome: 'ends',
      requests: 1,
      lastEventId: '2',
      heard: { type: 'custom.thing', events: [d('custom.thing', { x: 1 }, '1')] },
    },
    {
      name: "unnamed JSON that is not an envelope stays 'message', which only a message listener hears",
      wire: frames([{ data: { hello: 'world' } }, { data: { type: 5 } }, { event: 'run.completed', data: completed }]),
      events: [d('run.completed', completed)],
      outcome: 'ends',
      requests: 1,
      heard: { type: 'message', events: [d('message', { hello: 'world' }), d('message', { type: 5 })] },
    },
    {
      name: 'invalid JSON ends the stream with invalid-data, after the events before it',
      wire: frames([
        { event: 'log', id: '1', data: logLine },
        { event: 'log', id: '2', data: 'not json' },
        // No id, as above: the failure ends the stream, and this event is never delivered.
        { event: 'run.completed', data: completed },
      ]),
      events: [d('log', logLine, '1')],
      outcome: 'invalid-data',
      requests: 1,
      lastEventId: '2',
    },
    {
      name: 'with onInvalidData, an invalid event is reported and skipped',
      wire: frames([
        { event: 'log', id: '1', data: logLine },
        { event: 'log', id: '2', data: 'not json' },
        { event: 'run.completed', id: '3', data: completed },
      ]),
      events: [d('log', logLine, '1'), d('run.completed', completed, '3')],
      outcome: 'ends',
      requests: 1,
      lastEventId: '3',
      skipped: ['not json'],
    },
    {
      name: '[DONE] is not a Crewship end marker: it is invalid data',
      wire: frames([{ event: 'log', data: logLine }, { data: '[DONE]' }]),
      events: [d('log', logLine)],
      outcome: 'invalid-data',
      requests: 1,
    },
    {
      name: 'an error event is delivered, then the stream fails with server-error-event',
      wire: frames([
        { event: 'run.started', id: '1', data: started },
        { event: 'error', id: '2', data: { error: 'agent crashed' } },
      ]),
      events: [d('run.started', started, '1'), d('error', { error: 'agent crashed' }, '2')],
      outcome: 'server-error-event',
      requests: 1,
      lastEventId: '2',
    },
    {
      name: 'the timeout fallback is terminal',
      wire: frames([{ event: 'timeout', id: '1', data: {} }]),
      events: [d('timeout', {}, '1')],
      outcome: 'ends',
      requests: 1,
      lastEventId: '1',
    },
    {
      name: 'a CRLF stream that ends before a terminal event reconnects with Last-Event-ID',
      wire: frames([{ event: 'log', id: '7', data: logLine }], '\r\n'),
      events: [d('log', logLine, '7')],
      outcome: 'ends',
      requests: 2,
      lastEventId: '7',
    },
  ],
};

// FlowMaestro payloads (camelCase, as its server sends them).
const execDone = { executionId: 'exec_1', status: 'completed', outputs: { answer: 42 } };
const node = { nodeId: 'n1', nodeType: 'llm' };

const executions: PlatformTable = {
  platform: 'FlowMaestro executions: GET /v1/executions/{id}/events',
  open: (client, options) => client.executions.stream('exec_1', options),
  vectors: [
    {
      name: 'named events with keepalive comments end at execution:completed',
      wire: frames([
        { event: 'connected', data: { executionId: 'exec_1' } },
        { comment: ' keepalive' },
        { event: 'execution:started', data: { executionId: 'exec_1', startedAt: 't' } },
        { event: 'node:started', data: node },
        { comment: ' keepalive' },
        { event: 'execution:progress', data: { progress: 50, currentNode: 'n1' } },
        { event: 'node:completed', data: { nodeId: 'n1', outputs: { text: 'ünï 😀' }, durationMs: 12 } },
        { event: 'execution:completed', data: execDone },
      ]),
      events: [
        d('connected', { executionId: 'exec_1' }),
        d('execution:started', { executionId: 'exec_1', startedAt: 't' }),
        d('node:started', node),
        d('execution:progress', { progress: 50, currentNode: 'n1' }),
        d('node:completed', { nodeId: 'n1', outputs: { text: 'ünï 😀' }, durationMs: 12 }),
        d('execution:completed', execDone),
      ],
      outcome: 'ends',
      requests: 1,
    },
    {
      name: 'execution:failed is terminal and an outcome, not an error',
      wire: frames([
        { event: 'node:failed', data: { nodeId: 'n1', error: 'boom' } },
        { event: 'execution:failed', data: { executionId: 'exec_1', status: 'failed', error: 'boom' } },
      ]),
      events: [d('node:failed', { nodeId: 'n1', error: 'boom' }), d('execution:failed', { executionId: 'exec_1', status: 'failed', error: 'boom' })],
      outcome: 'ends',
      requests: 1,
    },
    {
      name: 'execution:cancelled is terminal',
      wire: frames([{ event: 'execution:cancelled', data: { executionId: 'exec_1', status: 'cancelled' } }], '\r'),
      events: [d('execution:cancelled', { executionId: 'exec_1', status: 'cancelled' })],
      outcome: 'ends',
      requests: 1,
    },
    {
      name: "no envelopes: an unnamed event stays 'message', and ping is an event here, both for listeners only",
      wire: frames([
        { data: { type: 'node:started', nodeId: 'n1' } },
        { event: 'ping', data: {} },
        { event: 'execution:completed', data: execDone },
      ]),
      events: [d('execution:completed', execDone)],
      outcome: 'ends',
      requests: 1,
      heard: { type: 'message', events: [d('message', { type: 'node:started', nodeId: 'n1' })] },
    },
    {
      name: 'invalid JSON ends the stream with invalid-data',
      wire: frames([{ event: 'node:started', data: node }, { event: 'node:completed', data: '{"nodeId":' }]),
      events: [d('node:started', node)],
      outcome: 'invalid-data',
      requests: 1,
    },
    {
      name: 'a stream that ends before a terminal event reconnects; without ids there is no Last-Event-ID',
      wire: frames([{ event: 'node:started', data: node }]),
      events: [d('node:started', node)],
      outcome: 'ends',
      requests: 2,
    },
  ],
};

// PraisonAI payloads.
const progress = { percentage: 50, current_step: 'analyze' };
const complete = { status: 'succeeded', job_id: 'job_1' };

const jobs: PlatformTable = {
  platform: 'PraisonAI jobs: GET /api/v1/runs/{id}/stream',
  open: (client, options) => client.jobs.stream('job_1', options),
  vectors: [
    {
      name: 'documented form: {event, data} envelopes end at complete',
      wire: frames([
        { data: { event: 'progress', data: progress } },
        { data: { event: 'log', data: { message: 'step 1 ✓' } } },
        { data: { event: 'complete', data: complete } },
        { data: '[DONE]' },
      ]),
      events: [d('progress', progress), d('log', { message: 'step 1 ✓' }), d('complete', complete)],
      outcome: 'ends',
      requests: 1,
    },
    {
      name: 'documented form: [DONE] ends the stream and is not an event',
      wire: frames([{ data: { event: 'progress', data: progress } }, { data: '[DONE]' }, { data: { event: 'log', data: { message: 'late' } } }]),
      events: [d('progress', progress)],
      outcome: 'ends',
      requests: 1,
    },
    {
      name: 'server form: named events with ids, CRLF and ": ping" comments end at result',
      wire: frames(
        [
          { comment: ' ping' },
          { event: 'status', id: '1', data: { status: 'running', job_id: 'job_1' } },
          { event: 'progress', id: '2', data: { percentage: 40, step: 'analyze' } },
          { comment: ' ping' },
          { event: 'result', id: '3', data: { result: 'done', status: 'succeeded' } },
        ],
        '\r\n',
      ),
      events: [
        d('status', { status: 'running', job_id: 'job_1' }, '1'),
        d('progress', { percentage: 40, step: 'analyze' }, '2'),
        d('result', { result: 'done', status: 'succeeded' }, '3'),
      ],
      outcome: 'ends',
      requests: 1,
      lastEventId: '3',
    },
    {
      name: 'heartbeat, named or enveloped, is a keepalive',
      wire: frames([{ event: 'heartbeat', data: {} }, { data: { event: 'heartbeat', data: null } }, { event: 'cancelled', data: { job_id: 'job_1' } }]),
      events: [d('cancelled', { job_id: 'job_1' })],
      outcome: 'ends',
      requests: 1,
      heard: { type: 'heartbeat', events: [] },
    },
    {
      name: 'an error event is delivered, then the stream fails with server-error-event',
      wire: frames([{ event: 'status', id: '1', data: { status: 'running' } }, { event: 'error', id: '2', data: { error: 'agent crashed' } }], '\r\n'),
      events: [d('status', { status: 'running' }, '1'), d('error', { error: 'agent crashed' }, '2')],
      outcome: 'server-error-event',
      requests: 1,
      lastEventId: '2',
    },
    {
      name: 'invalid JSON ends the stream with invalid-data',
      wire: frames([{ data: { event: 'progress', data: progress } }, { data: 'progress: 60%' }]),
      events: [d('progress', progress)],
      outcome: 'invalid-data',
      requests: 1,
    },
    {
      name: 'a stream that ends without complete or [DONE] reconnects with Last-Event-ID',
      wire: frames([{ event: 'progress', id: '5', data: progress }], '\r\n'),
      events: [d('progress', progress, '5')],
      outcome: 'ends',
      requests: 2,
      lastEventId: '5',
    },
  ],
};

// Skills engine payloads.
const engine = (type: string, data: unknown = null) => ({
  type,
  message: `${type} ✓`,
  timestamp: '2026-03-01T10:00:00Z',
  step_id: null,
  trace_id: 'tr_1',
  data,
});
const result = { skill_id: 'my.skill', status: 'completed', outputs: { text: 'Hello 🌍' }, trace_id: 'tr_1' };

const skills: PlatformTable = {
  platform: 'Skills engine: POST /v1/skills/{id}/execute/stream',
  open: (client, options) => client.skills.start('my.skill', { inputs: { text: 'Hello world' } }, options),
  vectors: [
    {
      name: 'engine events end at done, which carries the result',
      wire: frames([
        { event: 'skill_start', data: engine('skill_start') },
        { event: 'step_start', data: engine('step_start') },
        { event: 'step_completed', data: engine('step_completed', { produced_output: { n: 1 } }) },
        { event: 'skill_completed', data: engine('skill_completed') },
        { event: 'done', data: result },
      ]),
      events: [
        d('skill_start', engine('skill_start')),
        d('step_start', engine('step_start')),
        d('step_completed', engine('step_completed', { produced_output: { n: 1 } })),
        d('skill_completed', engine('skill_completed')),
        d('done', result),
      ],
      outcome: 'ends',
      requests: 1,
    },
    {
      name: 'done with an error is delivered, then the stream fails with server-error-event',
      wire: frames([{ event: 'step_failed', data: engine('step_failed') }, { event: 'done', data: { ...result, status: 'failed', error: { code: 'E', message: 'bad' } } }]),
      events: [d('step_failed', engine('step_failed')), d('done', { ...result, status: 'failed', error: { code: 'E', message: 'bad' } })],
      outcome: 'server-error-event',
      requests: 1,
    },
    {
      name: "done with status 'failed' and no error is a failure too",
      wire: frames([{ event: 'done', data: { skill_id: 'my.skill', status: 'failed' } }]),
      events: [d('done', { skill_id: 'my.skill', status: 'failed' })],
      outcome: 'server-error-event',
      requests: 1,
    },
    {
      name: 'a POST stream that ends before done is not sent again: unexpected-end',
      wire: frames([{ event: 'skill_start', id: '1', data: engine('skill_start') }]),
      events: [d('skill_start', engine('skill_start'), '1')],
      outcome: 'unexpected-end',
      requests: 1,
      lastEventId: '1',
    },
    {
      name: 'with onInvalidData, invalid JSON is skipped and the stream goes on to done',
      wire: frames([{ event: 'step_start', data: '<html>' }, { event: 'done', data: result }]),
      events: [d('done', result)],
      outcome: 'ends',
      requests: 1,
      skipped: ['<html>'],
    },
  ],
};

// stax runner payloads.
const runStarted = (runId: string) => ({ runId, run: { id: runId, status: 'in_progress' } });
const stepLog = (runId: string) => ({ runId, jobId: 'build', stepNumber: 1, line: `${runId}: ok\n` });
const runCompleted = (runId: string) => ({ runId, run: { status: 'completed', conclusion: 'success' } });

const runner: PlatformTable = {
  platform: 'stax runner: GET /api/events',
  open: (client, options) => client.runner.events(options),
  vectors: [
    {
      name: 'ping keepalives are not events; the bus has no terminal event, so a clean end reconnects',
      wire: frames([
        { event: 'ping', data: {} },
        { event: 'run.started', data: runStarted('a') },
        { event: 'step.log', data: stepLog('a') },
        { event: 'ping', data: { ts: 1 } },
        { event: 'run.completed', data: runCompleted('a') },
      ]),
      events: [d('run.started', runStarted('a')), d('step.log', stepLog('a')), d('run.completed', runCompleted('a'))],
      outcome: 'ends',
      requests: 2,
      heard: { type: 'ping', events: [] },
    },
    {
      name: "follow(runId) yields only that run's events and ends at its run.completed",
      open: (client, options) => client.runner.stream('a', options),
      wire: frames([
        { event: 'run.started', data: runStarted('b') },
        { event: 'run.started', data: runStarted('a') },
        { event: 'step.log', data: stepLog('b') },
        { event: 'step.log', data: stepLog('a') },
        { event: 'run.completed', data: runCompleted('b') },
        { event: 'run.completed', data: runCompleted('a') },
        { event: 'run.started', data: runStarted('c') },
      ]),
      // Subscribed, follow() asks the runner what happened before: the run's state comes first.
      rest: { path: '/api/runs/a', body: { id: 'a', workflow: 'build', status: 'in_progress' } },
      events: [
        d('resync', { reason: 'subscribed', runId: 'a', run: { id: 'a', workflow: 'build', status: 'in_progress' }, recovered: true }),
        d('run.started', runStarted('a')),
        d('step.log', stepLog('a')),
        d('run.completed', runCompleted('a')),
      ],
      outcome: 'ends',
      requests: 1,
      heard: { type: 'step.log', events: [d('step.log', stepLog('a'))] },
    },
    {
      name: 'invalid JSON ends the stream with invalid-data',
      wire: frames([{ event: 'run.started', data: runStarted('a') }, { event: 'step.log', data: 'a: ok' }]),
      events: [d('run.started', runStarted('a'))],
      outcome: 'invalid-data',
      requests: 1,
    },
  ],
};

export const tables: PlatformTable[] = [runs, executions, jobs, skills, runner];
