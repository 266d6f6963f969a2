/**
 * Ready scripts of the five platforms: compact, realistic runs in each platform's wire form,
 * modelled on the runs the reference server plays but written apart from them (some payloads
 * differ in detail), as {@link ScriptRoutes}. Web APIs only.
 *
 * @module
 */
import type { Script, ScriptRoutes, ScriptStep } from './script.js';

/** A platform runstream supports, as {@link platformScripts} names it. */
export type PlatformName = 'crewship' | 'flowmaestro' | 'praisonai' | 'skills' | 'stax';

/** Options of {@link platformScripts}. */
export interface PlatformScriptOptions {
  /** Only these platforms. @defaultValue all five */
  platforms?: readonly PlatformName[] | undefined;
  /**
   * Prefix of every route: an origin with an optional path (`'https://api.test'`,
   * `'http://127.0.0.1:3000/api'`) or a path (`'/api'`). @defaultValue none: routes match the path alone, on any origin
   */
  baseUrl?: string | undefined;
}

const RESEARCH = 'Research AI trends';
const WRITE = 'Write a report on AI agents';

/** Crewship's documented order: `event:`, `data:`, then `id:`, ids `evt_001`, …; replays after `Last-Event-ID`. */
function crewship(events: readonly (readonly [string, Record<string, unknown>])[]): Script {
  const steps: ScriptStep[] = events.map(([event, data], index) => ({ event, data, id: `evt_${String(index + 1).padStart(3, '0')}` }));
  return { connections: [{ steps, resume: true }], afterLast: 'repeat' };
}

const CREWSHIP: ScriptRoutes = {
  'GET /v1/runs/run_abc123/events': crewship([
    ['run.started', { run_id: 'run_abc123', started_at: '2024-01-15T10:30:00Z' }],
    ['log', { level: 'info', message: 'Starting crew execution', timestamp: '2024-01-15T10:30:01Z' }],
    ['agent.started', { agent: 'Researcher', task: RESEARCH, timestamp: '2024-01-15T10:30:02Z' }],
    ['tool.called', { tool: 'web_search', input: 'AI agents 2024', timestamp: '2024-01-15T10:30:05Z' }],
    ['tool.result', { tool: 'web_search', output: 'Found 15 relevant results — “Agentic AI in 2024” …', timestamp: '2024-01-15T10:30:06Z' }],
    ['agent.completed', { agent: 'Researcher', task: RESEARCH, output: 'Key trends: tool use, multi-agent crews, evals ✓', timestamp: '2024-01-15T10:30:12Z' }],
    ['agent.started', { agent: 'Writer', task: WRITE, timestamp: '2024-01-15T10:30:13Z' }],
    ['agent.completed', { agent: 'Writer', task: WRITE, output: '# AI Agents in 2024 — a field report 📝', timestamp: '2024-01-15T10:30:45Z' }],
    ['artifact', { name: 'report.md', size: 4821, content_type: 'text/markdown' }],
    ['run.completed', { run_id: 'run_abc123', duration_ms: 45_200, result: { report: 'report.md', summary: 'AI agents in 2024: tool use, crews and evals.' } }],
  ]),
  'GET /v1/runs/run_failed/events': crewship([
    ['run.started', { run_id: 'run_failed', started_at: '2024-01-15T11:00:00Z' }],
    ['agent.started', { agent: 'Researcher', task: RESEARCH, timestamp: '2024-01-15T11:00:01Z' }],
    ['tool.called', { tool: 'web_search', input: 'AI agents 2024', timestamp: '2024-01-15T11:00:02Z' }],
    ['tool.error', { tool: 'web_search', error: 'Rate limit exceeded (429)', timestamp: '2024-01-15T11:00:03Z' }],
    ['agent.error', { agent: 'Researcher', error: 'Tool web_search failed 3 times', timestamp: '2024-01-15T11:00:09Z' }],
    ['run.failed', { run_id: 'run_failed', error: 'Agent Researcher failed: Tool web_search failed 3 times', stack_trace: 'Traceback (most recent call last):\n  File "crew.py", line 42, in kickoff\nToolError: rate limited' }],
  ]),
};

/** FlowMaestro: camelCase, no ids, a `: keepalive` comment after `connected`; both route prefixes. */
function flowmaestro(executionId: string, steps: readonly (readonly [string, Record<string, unknown>])[]): ScriptRoutes {
  const script: Script = {
    connections: [{ steps: [{ event: 'connected', data: { executionId } }, { comment: 'keepalive' }, ...steps.map(([event, data]) => ({ event, data }))] }],
    afterLast: 'repeat',
  };
  return { [`GET /v1/executions/${executionId}/events`]: script, [`GET /api/v1/executions/${executionId}/events`]: script };
}

const node = (nodeId: string, nodeType: string): readonly [string, Record<string, unknown>] => ['node:started', { nodeId, nodeType, startedAt: '2024-01-15T10:30:00.050Z' }];

const FLOWMAESTRO: ScriptRoutes = {
  ...flowmaestro('exec_xyz789', [
    ['execution:started', { executionId: 'exec_xyz789', startedAt: '2024-01-15T10:30:00.000Z' }],
    node('node_1', 'ai_chat'),
    ['execution:progress', { progress: 50, currentNode: 'node_1' }],
    ['node:completed', { nodeId: 'node_1', outputs: { text: 'Résumé: 3 key points…' }, durationMs: 1200 }],
    node('node_2', 'transform'),
    ['node:completed', { nodeId: 'node_2', outputs: { wordCount: 128 }, durationMs: 15 }],
    ['execution:progress', { progress: 100, currentNode: 'node_2' }],
    ['execution:completed', { executionId: 'exec_xyz789', status: 'completed', outputs: { summary: 'Résumé: 3 key points…', wordCount: 128 } }],
  ]),
  ...flowmaestro('exec_failed', [
    ['execution:started', { executionId: 'exec_failed', startedAt: '2024-01-15T11:00:00.000Z' }],
    node('node_1', 'http_request'),
    ['node:failed', { nodeId: 'node_1', error: 'HTTP 503 from https://example.com/api' }],
    ['execution:failed', { executionId: 'exec_failed', status: 'failed', error: 'Node node_1 failed: HTTP 503 from https://example.com/api' }],
  ]),
};

const PROMPT = 'Analyze quarterly sales data';
const PRAISON_RESULT = `Analysis complete for “${PROMPT}” (${PROMPT.length} characters).`;
const envelope = (event: string, data: Record<string, unknown>): ScriptStep => ({ data: { event, data } });

const PRAISONAI: ScriptRoutes = {
  // The documented form: unnamed envelopes, LF, no ids, then `data: [DONE]`.
  'GET /api/v1/runs/run_abc123/stream': {
    connections: [
      {
        steps: [
          envelope('progress', { percentage: 0, current_step: 'Initializing' }),
          envelope('log', { message: 'Agent started processing' }),
          envelope('progress', { percentage: 50, current_step: 'Processing data' }),
          envelope('progress', { percentage: 100, current_step: 'Complete' }),
          envelope('complete', { status: 'succeeded', job_id: 'run_abc123' }),
          { data: '[DONE]' },
        ],
      },
    ],
    afterLast: 'repeat',
  },
  // The server's form (sse-starlette): named events, CRLF, `id:` first, a heartbeat and a ping.
  'GET /api/v1/runs/run_named/stream': {
    connections: [
      {
        eol: '\r\n',
        idFirst: true,
        resume: true,
        headers: { 'content-type': 'text/event-stream; charset=utf-8' },
        steps: [
          { event: 'status', id: '1', data: { job_id: 'run_named', status: 'running' } },
          { event: 'progress', id: '2', data: { percentage: 0, step: 'Initializing' } },
          { event: 'heartbeat', data: {} },
          { comment: 'ping - 2024-01-15T10:30:05Z' },
          { event: 'progress', id: '3', data: { percentage: 50, step: 'Processing data' } },
          { event: 'progress', id: '4', data: { percentage: 100, step: 'Complete' } },
          { event: 'result', id: '5', data: { job_id: 'run_named', status: 'succeeded', result: PRAISON_RESULT } },
        ],
      },
    ],
    afterLast: 'repeat',
  },
  'POST /api/v1/runs': {
    connections: [
      {
        status: 202,
        headers: { location: '/api/v1/runs/run_abc123', 'retry-after': '2' },
        body: { job_id: 'run_abc123', status: 'queued', created_at: '2024-01-15T10:30:00Z', poll_url: '/api/v1/runs/run_abc123', stream_url: '/api/v1/runs/run_abc123/stream' },
      },
    ],
    afterLast: 'repeat',
  },
  'GET /api/v1/runs/run_abc123': {
    connections: [{ body: { job_id: 'run_abc123', status: 'succeeded', progress_percentage: 100, created_at: '2024-01-15T10:30:00Z', retry_after: null } }],
    afterLast: 'repeat',
  },
  'GET /api/v1/runs/run_abc123/result': {
    connections: [{ body: { job_id: 'run_abc123', status: 'succeeded', result: PRAISON_RESULT } }],
    afterLast: 'repeat',
  },
};

const TRACE = '0b6f3c1e-9a57-4d8e-b1a2-6f0d3c9e4b21';
/** The engine's timestamp: microseconds, an offset and a `Z`, which `new Date()` rejects. */
const stamp = (second: number) => `2026-11-21T09:32:${String(41 + second).padStart(2, '0')}.880357+00:00Z`;

function engine(steps: readonly (readonly [type: string, message: string, stepId: string | null, data: unknown])[], done: Record<string, unknown>): Script {
  return {
    connections: [
      {
        steps: [
          ...steps.map(([type, message, step_id, data], index): ScriptStep => ({ event: type, data: { type, message, timestamp: stamp(index), step_id, trace_id: TRACE, data } })),
          { event: 'done', data: done },
        ],
      },
    ],
    afterLast: 'repeat',
  };
}

const MY_SKILL_DONE = { skill_id: 'my.skill', status: 'completed', outputs: { result: 'Analyzed 11 characters: “Hello world”', length: 11 }, trace_id: TRACE };
const FAILING_DONE = {
  error: { code: 'STEP_FAILED', message: "Step 'fetch' failed: upstream timed out after 30000 ms.", type: 'execution_error', status: 500 },
  trace_id: null,
};

const SKILLS: ScriptRoutes = {
  'POST /v1/skills/my.skill/execute/stream': engine(
    [
      ['skill_start', "Starting skill 'my.skill'.", null, null],
      ['step_start', "Starting step 'analyze'.", 'analyze', null],
      ['step_completed', "Step 'analyze' completed.", 'analyze', { produced_output: { summary: '11 characters: “Hello world”' } }],
      ['step_start', "Starting step 'translate'.", 'translate', null],
      ['step_skipped', "Step 'translate' skipped (condition 'inputs.language' is false).", 'translate', null],
      ['skill_completed', "Skill 'my.skill' completed.", null, null],
    ],
    MY_SKILL_DONE,
  ),
  'POST /v1/skills/failing.skill/execute/stream': engine(
    [
      ['skill_start', "Starting skill 'failing.skill'.", null, null],
      ['step_start', "Starting step 'fetch'.", 'fetch', null],
      ['step_failed', "Step 'fetch' failed: upstream timed out after 30000 ms.", 'fetch', { error: 'upstream timed out after 30000 ms' }],
      ['skill_completed', "Skill 'failing.skill' completed with errors.", null, null],
    ],
    FAILING_DONE,
  ),
  'POST /v1/skills/my.skill/execute': { connections: [{ body: MY_SKILL_DONE }], afterLast: 'repeat' },
};

const RUN_ID = 'a1b2c3d4';
const AT = '2024-01-15T10:30:00.000Z';
const step = (number: number, name: string, status: string, logs: string[], conclusion?: string) => ({
  name,
  number,
  status,
  ...(conclusion ? { conclusion } : {}),
  logs,
  startedAt: AT,
  completedAt: conclusion ? AT : null,
});
const runState = (status: string, jobs: unknown[], conclusion?: string) => ({
  workflow: 'build',
  status,
  ...(conclusion ? { conclusion } : {}),
  inputs: {},
  sandbox: null,
  jobs,
  createdAt: AT,
  startedAt: AT,
  completedAt: conclusion ? AT : null,
});
const CHECKOUT = 'Workspace already available\n';
const TESTS = ['$ npm test\n', '✓ 42 tests passed (1.2 s)\n'];
const jobDone = { id: 'build', name: 'build', status: 'completed', conclusion: 'success', steps: [step(1, 'Checkout', 'completed', [CHECKOUT], 'success'), step(2, 'Test', 'completed', TESTS, 'success')], startedAt: AT, completedAt: AT };

const STAX: ScriptRoutes = {
  // The bus: a ping on connect, one `build` run, then open until the client leaves (no ids, no replay).
  'GET /api/events': {
    connections: [
      {
        steps: [
          { event: 'ping', data: {} },
          { event: 'run.started', data: { runId: RUN_ID, run: { id: RUN_ID, ...runState('in_progress', []) } } },
          { event: 'job.started', data: { runId: RUN_ID, jobId: 'build', job: { id: 'build', name: 'build', status: 'in_progress', steps: [], startedAt: AT, completedAt: null } } },
          { event: 'step.started', data: { runId: RUN_ID, jobId: 'build', stepNumber: 1, step: step(1, 'Checkout', 'in_progress', []) } },
          { event: 'step.log', data: { runId: RUN_ID, jobId: 'build', stepNumber: 1, line: CHECKOUT } },
          { event: 'step.completed', data: { runId: RUN_ID, jobId: 'build', stepNumber: 1, step: step(1, 'Checkout', 'completed', [CHECKOUT], 'success') } },
          { event: 'step.started', data: { runId: RUN_ID, jobId: 'build', stepNumber: 2, step: step(2, 'Test', 'in_progress', []) } },
          ...TESTS.map((line): ScriptStep => ({ event: 'step.log', data: { runId: RUN_ID, jobId: 'build', stepNumber: 2, line } })),
          { event: 'step.completed', data: { runId: RUN_ID, jobId: 'build', stepNumber: 2, step: step(2, 'Test', 'completed', TESTS, 'success') } },
          { event: 'job.completed', data: { runId: RUN_ID, jobId: 'build', job: jobDone } },
          { event: 'run.completed', data: { runId: RUN_ID, run: runState('completed', [jobDone], 'success') } },
          { wait: Infinity },
        ],
      },
    ],
    afterLast: 'repeat',
  },
  'POST /api/runs': { connections: [{ status: 201, body: { id: RUN_ID, ...runState('in_progress', []) } }], afterLast: 'repeat' },
  [`GET /api/runs/${RUN_ID}`]: { connections: [{ body: { id: RUN_ID, ...runState('in_progress', []) } }], afterLast: 'repeat' },
};

const PLATFORMS: Readonly<Record<PlatformName, ScriptRoutes>> = { crewship: CREWSHIP, flowmaestro: FLOWMAESTRO, praisonai: PRAISONAI, skills: SKILLS, stax: STAX };

/**
 * Ready scripts of runstream's platforms, by route, for {@link scriptedFetch} and the msw
 * handlers (`platformHandlers()` of `runstream/testing/msw`). Each replays on every request
 * (Crewship and PraisonAI's named form resume after `Last-Event-ID`); no route checks
 * credentials (use the reference server for auth errors). The ids:
 *
 * - Crewship, `GET /v1/runs/:id/events`: `run_abc123` (10 events `evt_001`–`evt_010`, ends
 *   `run.completed`), `run_failed` (6 events, ends `run.failed`).
 * - FlowMaestro, `GET /v1/executions/:id/events` (and `/api/v1/…`): `exec_xyz789` (completes),
 *   `exec_failed` (fails); `connected` then a `: keepalive` comment; no ids.
 * - PraisonAI: `GET /api/v1/runs/run_abc123/stream` (documented envelopes, then `[DONE]`),
 *   `GET /api/v1/runs/run_named/stream` (named events, CRLF, `id:` first, ids `1`–`5`, a
 *   heartbeat and a `: ping`); `POST /api/v1/runs` (202, job `run_abc123`), `GET
 *   /api/v1/runs/run_abc123` and `/result` (succeeded).
 * - Skills engine: `POST /v1/skills/my.skill/execute/stream` (7 events ending `done`, whatever
 *   the inputs), `failing.skill` (its `done` carries `error` `STEP_FAILED`), `POST
 *   /v1/skills/my.skill/execute` (JSON).
 * - stax runner: `GET /api/events` (a `ping`, then run `a1b2c3d4` of workflow `build` from
 *   `run.started` to `run.completed`, then open until closed), `POST /api/runs` (201, run
 *   `a1b2c3d4`), `GET /api/runs/a1b2c3d4` (in progress).
 *
 * @example
 * ```ts
 * const client = new Crewship({ apiKey: 'test', fetch: scriptedFetch(platformScripts()) });
 * for await (const event of client.runs.stream('run_abc123')) console.log(event.type);
 * ```
 *
 * @param options - which platforms, and a route prefix; see {@link PlatformScriptOptions}.
 * @returns the scripts by route (`'GET /v1/runs/run_abc123/events'`, …).
 * @throws TypeError for an unknown platform name.
 */
export function platformScripts(options: PlatformScriptOptions = {}): ScriptRoutes {
  const names = options.platforms ?? (Object.keys(PLATFORMS) as PlatformName[]);
  const prefix = (options.baseUrl ?? '').replace(/\/+$/, '');
  const out: Record<string, ScriptRoutes[string]> = {};
  for (const name of names) {
    if (!Object.hasOwn(PLATFORMS, name)) throw new TypeError(`platformScripts: unknown platform ${JSON.stringify(name)}; one of ${Object.keys(PLATFORMS).join(', ')}`);
    for (const [key, script] of Object.entries(PLATFORMS[name])) {
      const [method, path] = key.split(' ') as [string, string];
      out[`${method} ${prefix}${path}`] = script;
    }
  }
  return out;
}
