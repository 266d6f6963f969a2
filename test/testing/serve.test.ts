/**
 * The same script, served three ways (scriptedFetch, msw, the reference server over a real
 * socket), gives the same events to `connect()` and to every resource, in every chunking the
 * conformance harness makes.
 */
import { describe, expect, it } from 'vitest';
import { connect, type EventStream, type Runstream, type StreamEvent } from '../../src/index.js';
import { collectEvents, encodeScript, platformScripts, scriptedFetch, type ScriptInput } from '../../src/testing/index.js';
import { chunkingsOf } from '../conformance/harness.js';
import { clientOf, firstConnection, rechunked, shape, useWays, type Way } from './support.js';

const ways = useWays();
const platforms = platformScripts();

/** A `connect()` script with what framing tests need: CRLF, multi-line data, multi-byte text, a comment, `retry`. */
const CONNECT: ScriptInput = {
  eol: '\r\n',
  steps: [
    { comment: 'welcome' },
    { retry: 1500, event: 'greeting', id: '1', data: 'Grüße 👋' },
    { event: 'multi', id: '2', data: 'line one\nline two' },
    { data: { unnamed: true, text: '日本語' } },
  ],
};

/** Any resource's stream, as the cases open them. */
type AnyStream = AsyncIterable<StreamEvent> & Pick<EventStream, 'outcome' | 'close'>;

interface Case {
  name: string;
  route: string;
  script: ScriptInput;
  open(client: Runstream, way: Way): AnyStream;
  types: string[];
}

const CASES: Case[] = [
  {
    name: 'connect()',
    route: 'GET /events',
    script: CONNECT,
    open: (_client, way) => connect(`${way.baseUrl}/events`, { fetch: way.fetch, reconnect: false }),
    types: ['greeting', 'multi', 'message'],
  },
  {
    name: 'Crewship runs',
    route: 'GET /v1/runs/run_abc123/events',
    script: platforms['GET /v1/runs/run_abc123/events']!,
    open: (client) => client.runs.stream('run_abc123'),
    types: ['run.started', 'log', 'agent.started', 'tool.called', 'tool.result', 'agent.completed', 'agent.started', 'agent.completed', 'artifact', 'run.completed'],
  },
  {
    name: 'FlowMaestro executions',
    route: 'GET /v1/executions/exec_xyz789/events',
    script: platforms['GET /v1/executions/exec_xyz789/events']!,
    open: (client) => client.executions.stream('exec_xyz789'),
    types: [
      'connected',
      'execution:started',
      ...['node_1', 'node_2', 'node_3'].flatMap(() => ['node:started', 'execution:progress', 'node:completed']),
      'execution:progress',
      'execution:completed',
    ],
  },
  {
    name: 'PraisonAI jobs, server form (CRLF, id first)',
    route: 'GET /api/v1/runs/run_named/stream',
    script: platforms['GET /api/v1/runs/run_named/stream']!,
    open: (client) => client.jobs.stream('run_named'),
    types: ['status', 'progress', 'progress', 'progress', 'progress', 'progress', 'result'],
  },
  {
    name: 'PraisonAI jobs, documented form',
    route: 'GET /api/v1/runs/run_abc123/stream',
    script: platforms['GET /api/v1/runs/run_abc123/stream']!,
    open: (client) => client.jobs.stream('run_abc123'),
    types: ['progress', 'log', 'progress', 'progress', 'log', 'progress', 'progress', 'complete'],
  },
  {
    name: 'skills engine (POST)',
    route: 'POST /v1/skills/my.skill/execute/stream',
    script: platforms['POST /v1/skills/my.skill/execute/stream']!,
    open: (client) => client.skills.start('my.skill', { inputs: { text: 'Hello world' } }),
    types: ['skill_start', 'step_start', 'step_completed', 'step_start', 'step_skipped', 'skill_completed', 'done'],
  },
  {
    name: 'stax bus, follow()',
    route: 'GET /api/events',
    script: platforms['GET /api/events']!,
    open: (client) => client.runner.stream('a1b2c3d4'),
    // The build workflow: Checkout (1 log line), Install (2), Test (3).
    types: ['resync', 'run.started', 'job.started', ...[1, 2, 3].flatMap((lines) => ['step.started', ...Array<string>(lines).fill('step.log'), 'step.completed']), 'job.completed', 'run.completed'],
  },
];

/** Events through scriptedFetch, whole: what every other way and chunking must match. */
async function baseline(testCase: Case): Promise<ReturnType<typeof shape>> {
  const way: Way = { name: 'scriptedFetch', baseUrl: 'https://api.test', fetch: scriptedFetch({ ...platforms, [testCase.route]: testCase.script }), serve: () => () => [] };
  const { events, outcome, error } = await collectEvents(testCase.open(clientOf(way), way), { timeout: 5000 });
  expect(error).toBeUndefined();
  expect(outcome?.type).toMatch(/^(completed|ended)$/);
  return shape(events);
}

describe.each(CASES)('$name', (testCase) => {
  const bytes = encodeScript(firstConnection(testCase.script));
  const chunkings = chunkingsOf(testCase.name, bytes);

  it('plays the expected events through scriptedFetch', async () => {
    expect((await baseline(testCase)).map((event) => event.type)).toEqual(testCase.types);
  });

  describe.each(ways.map((way) => ({ way, name: way.name })))('served by $name', ({ way }) => {
    it.each(chunkings.map((chunking) => ({ chunking, name: chunking.name })))('gives the same events, $name', async ({ chunking }) => {
      const expected = await baseline(testCase);
      way.serve({ ...platforms, [testCase.route]: rechunked(testCase.script, chunking.chunks) });
      const { events, outcome, error } = await collectEvents(testCase.open(clientOf(way), way), { timeout: 10_000 });
      expect(error).toBeUndefined();
      expect(outcome?.type).toMatch(/^(completed|ended)$/);
      expect(shape(events)).toEqual(expected);
    });
  });
});
