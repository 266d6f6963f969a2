/**
 * Crewship's stories: the runs the reference server plays on `GET /v1/runs/:id/events` and
 * `platformScripts()` scripts, as data. Each block is `event:`, `data:`, then `id:` (the order
 * Crewship documents), ids `evt_001`, `evt_002`, … in order; a replaying server resumes after
 * `Last-Event-ID`. Web APIs only.
 *
 * @module
 */
import type { ScriptStep } from '../../testing/kit/script.js';
import type { Story } from '../../testing/kit/story.js';

const RESEARCH = 'Research AI trends';
const WRITE = 'Write a report on AI agents';

/** One event of a run: `wire` overrides the run's form (`named` or `envelope`), `noId` leaves the id out. */
type Item = readonly [event: string, data: Record<string, unknown>, options?: { wire?: 'named' | 'envelope'; noId?: boolean }];

/**
 * A run's steps: `named` writes `event:` + `data:`, `envelope` an unnamed `data: {"type", "data"}`;
 * ids `evt_001`, … count the events that have one.
 */
function steps(wire: 'named' | 'envelope', items: readonly Item[]): ScriptStep[] {
  let count = 0;
  return items.map(([event, data, options = {}]) => {
    const form = options.wire ?? wire;
    const step = form === 'named' ? { event, data } : { data: { type: event, data } };
    return options.noId ? step : { ...step, id: `evt_${String(++count).padStart(3, '0')}` };
  });
}

function story(name: string, outcome: Story['outcome'], wire: 'named' | 'envelope', items: readonly Item[]): Story {
  return { name, route: `GET /v1/runs/${name}/events`, outcome, connection: { steps: steps(wire, items), resume: true } };
}

/** Crewship's runs, by id: `run_abc123` (the CLI page's story), `run_failed`, `run_envelope`, `run_error`. */
export const crewshipStories: readonly Story[] = [
  story('run_abc123', 'completed', 'named', [
    ['run.started', { run_id: 'run_abc123', started_at: '2024-01-15T10:30:00Z' }],
    ['log', { level: 'info', message: 'Starting crew execution', timestamp: '2024-01-15T10:30:01Z' }],
    ['agent.started', { agent: 'Researcher', task: RESEARCH, timestamp: '2024-01-15T10:30:02Z' }],
    ['tool.called', { tool: 'web_search', input: 'AI agents 2024', timestamp: '2024-01-15T10:30:05Z' }],
    [
      'tool.result',
      { tool: 'web_search', output: 'Found 15 relevant results — “Agentic AI in 2024”, “Multi-agent systems: état de l’art” …', timestamp: '2024-01-15T10:30:06Z' },
    ],
    ['agent.completed', { agent: 'Researcher', task: RESEARCH, output: 'Key trends: tool use, multi-agent crews, evals ✓', timestamp: '2024-01-15T10:30:12Z' }],
    ['agent.started', { agent: 'Writer', task: WRITE, timestamp: '2024-01-15T10:30:13Z' }],
    ['agent.completed', { agent: 'Writer', task: WRITE, output: '# AI Agents in 2024 — a field report 📝', timestamp: '2024-01-15T10:30:45Z' }],
    ['artifact', { name: 'report.md', size: 4821, content_type: 'text/markdown' }],
    ['run.completed', { run_id: 'run_abc123', duration_ms: 45_200, result: { report: 'report.md', summary: 'AI agents in 2024: tool use, crews and evals.' } }],
  ]),
  story('run_failed', 'failed', 'named', [
    ['run.started', { run_id: 'run_failed', started_at: '2024-01-15T11:00:00Z' }],
    ['agent.started', { agent: 'Researcher', task: RESEARCH, timestamp: '2024-01-15T11:00:01Z' }],
    ['tool.called', { tool: 'web_search', input: 'AI agents 2024', timestamp: '2024-01-15T11:00:02Z' }],
    ['tool.error', { tool: 'web_search', error: 'Rate limit exceeded (429)', timestamp: '2024-01-15T11:00:03Z' }],
    ['agent.error', { agent: 'Researcher', error: 'Tool web_search failed 3 times', timestamp: '2024-01-15T11:00:09Z' }],
    [
      'run.failed',
      {
        run_id: 'run_failed',
        error: 'Agent Researcher failed: Tool web_search failed 3 times',
        stack_trace: 'Traceback (most recent call last):\n  File "crew.py", line 42, in kickoff\nToolError: rate limited',
      },
    ],
  ]),
  // The API reference's variant: unnamed envelopes, a heartbeat, and a named `complete` at the end.
  story('run_envelope', 'completed', 'envelope', [
    ['run.started', { run_id: 'run_envelope', started_at: '2024-01-15T12:00:00Z' }],
    ['agent.started', { agent: 'Researcher', task: RESEARCH, timestamp: '2024-01-15T12:00:01Z' }],
    ['heartbeat', {}, { wire: 'named', noId: true }],
    ['tool.called', { tool: 'web_search', input: 'AI agents 2024', timestamp: '2024-01-15T12:00:02Z' }],
    ['tool.result', { tool: 'web_search', output: '15 résultats', timestamp: '2024-01-15T12:00:03Z' }],
    ['agent.completed', { agent: 'Researcher', task: RESEARCH, output: 'Done.', timestamp: '2024-01-15T12:00:04Z' }],
    ['complete', { run_id: 'run_envelope', status: 'completed', duration_ms: 4_000 }, { wire: 'named' }],
  ]),
  // A server error inside a 200 stream: the error event carries no id (nothing to resume after).
  story('run_error', 'failed', 'named', [
    ['run.started', { run_id: 'run_error', started_at: '2024-01-15T13:00:00Z' }],
    ['log', { level: 'info', message: 'Starting crew execution', timestamp: '2024-01-15T13:00:01Z' }],
    ['agent.started', { agent: 'Researcher', task: RESEARCH, timestamp: '2024-01-15T13:00:02Z' }],
    ['error', { message: 'Internal error: event store unavailable' }, { noId: true }],
  ]),
];
