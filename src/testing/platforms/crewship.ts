/**
 * Crewship: `GET /v1/runs/:id/events` with Bearer auth, `Last-Event-ID` replay and `?types=`.
 *
 * @module
 */
import { errorBody, play, resumeIndex, type RequestContext, type Route } from '../context.js';
import type { SseEntry } from '../sse.js';

/** One scripted event; `wire` overrides the run's wire form, `noId` leaves the id out. */
interface ScriptEvent {
  event: string;
  data: Record<string, unknown>;
  wire?: 'named' | 'envelope' | undefined;
  noId?: boolean | undefined;
  keepalive?: boolean | undefined;
}

interface RunScript {
  /** `named`: `event:` + `data:`; `envelope`: unnamed `data: {"type", "data"}`. */
  wire: 'named' | 'envelope';
  events: readonly ScriptEvent[];
}

const RESEARCH_TASK = 'Research AI trends';
const WRITE_TASK = 'Write a report on AI agents';

/** The CLI page's story ("▶ Run started: run_abc123 … ✅ Run completed in 45.2s"). */
const STORY: readonly ScriptEvent[] = [
  { event: 'run.started', data: { run_id: 'run_abc123', started_at: '2024-01-15T10:30:00Z' } },
  { event: 'log', data: { level: 'info', message: 'Starting crew execution', timestamp: '2024-01-15T10:30:01Z' } },
  { event: 'agent.started', data: { agent: 'Researcher', task: RESEARCH_TASK, timestamp: '2024-01-15T10:30:02Z' } },
  { event: 'tool.called', data: { tool: 'web_search', input: 'AI agents 2024', timestamp: '2024-01-15T10:30:05Z' } },
  {
    event: 'tool.result',
    data: {
      tool: 'web_search',
      output: 'Found 15 relevant results — “Agentic AI in 2024”, “Multi-agent systems: état de l’art” …',
      timestamp: '2024-01-15T10:30:06Z',
    },
  },
  {
    event: 'agent.completed',
    data: { agent: 'Researcher', task: RESEARCH_TASK, output: 'Key trends: tool use, multi-agent crews, evals ✓', timestamp: '2024-01-15T10:30:12Z' },
  },
  { event: 'agent.started', data: { agent: 'Writer', task: WRITE_TASK, timestamp: '2024-01-15T10:30:13Z' } },
  {
    event: 'agent.completed',
    data: { agent: 'Writer', task: WRITE_TASK, output: '# AI Agents in 2024 — a field report 📝', timestamp: '2024-01-15T10:30:45Z' },
  },
  { event: 'artifact', data: { name: 'report.md', size: 4821, content_type: 'text/markdown' } },
  {
    event: 'run.completed',
    data: { run_id: 'run_abc123', duration_ms: 45_200, result: { report: 'report.md', summary: 'AI agents in 2024: tool use, crews and evals.' } },
  },
];

/** The runs the server knows, by id. */
const RUNS: Readonly<Record<string, RunScript>> = {
  run_abc123: { wire: 'named', events: STORY },
  run_failed: {
    wire: 'named',
    events: [
      { event: 'run.started', data: { run_id: 'run_failed', started_at: '2024-01-15T11:00:00Z' } },
      { event: 'agent.started', data: { agent: 'Researcher', task: RESEARCH_TASK, timestamp: '2024-01-15T11:00:01Z' } },
      { event: 'tool.called', data: { tool: 'web_search', input: 'AI agents 2024', timestamp: '2024-01-15T11:00:02Z' } },
      { event: 'tool.error', data: { tool: 'web_search', error: 'Rate limit exceeded (429)', timestamp: '2024-01-15T11:00:03Z' } },
      { event: 'agent.error', data: { agent: 'Researcher', error: 'Tool web_search failed 3 times', timestamp: '2024-01-15T11:00:09Z' } },
      {
        event: 'run.failed',
        data: {
          run_id: 'run_failed',
          error: 'Agent Researcher failed: Tool web_search failed 3 times',
          stack_trace: 'Traceback (most recent call last):\n  File "crew.py", line 42, in kickoff\nToolError: rate limited',
        },
      },
    ],
  },
  // The API reference's variant: unnamed envelopes, a heartbeat, and a named `complete` at the end.
  run_envelope: {
    wire: 'envelope',
    events: [
      { event: 'run.started', data: { run_id: 'run_envelope', started_at: '2024-01-15T12:00:00Z' } },
      { event: 'agent.started', data: { agent: 'Researcher', task: RESEARCH_TASK, timestamp: '2024-01-15T12:00:01Z' } },
      { event: 'heartbeat', data: {}, wire: 'named', noId: true, keepalive: true },
      { event: 'tool.called', data: { tool: 'web_search', input: 'AI agents 2024', timestamp: '2024-01-15T12:00:02Z' } },
      { event: 'tool.result', data: { tool: 'web_search', output: '15 résultats', timestamp: '2024-01-15T12:00:03Z' } },
      { event: 'agent.completed', data: { agent: 'Researcher', task: RESEARCH_TASK, output: 'Done.', timestamp: '2024-01-15T12:00:04Z' } },
      { event: 'complete', data: { run_id: 'run_envelope', status: 'completed', duration_ms: 4_000 }, wire: 'named' },
    ],
  },
  // A server error inside a 200 stream: the error event carries no id (nothing to resume after).
  run_error: {
    wire: 'named',
    events: [
      { event: 'run.started', data: { run_id: 'run_error', started_at: '2024-01-15T13:00:00Z' } },
      { event: 'log', data: { level: 'info', message: 'Starting crew execution', timestamp: '2024-01-15T13:00:01Z' } },
      { event: 'agent.started', data: { agent: 'Researcher', task: RESEARCH_TASK, timestamp: '2024-01-15T13:00:02Z' } },
      { event: 'error', data: { message: 'Internal error: event store unavailable' }, noId: true },
    ],
  },
};

/** A scripted event on the wire, with the type the `?types=` filter sees. */
interface WireEvent {
  type: string;
  entry: SseEntry;
}

/** Builds the wire entries of a run: ids `evt_001`, `evt_002`, … in script order. */
function wireEvents(script: RunScript): WireEvent[] {
  let count = 0;
  return script.events.map((item) => {
    const id = item.noId ? undefined : `evt_${String(++count).padStart(3, '0')}`;
    const wire = item.wire ?? script.wire;
    const entry: SseEntry =
      wire === 'named' ? { event: item.event, data: item.data } : { data: { type: item.event, data: item.data } };
    if (id !== undefined) entry.id = id;
    if (item.keepalive) entry.keepalive = true;
    return { type: item.event, entry };
  });
}

/** The Crewship routes of one server. @internal */
export function crewshipRoutes(): Route[] {
  const runs = new Map(Object.entries(RUNS).map(([id, script]) => [id, wireEvents(script)]));

  function stream(ctx: RequestContext): void {
    if (ctx.header('authorization') !== `Bearer ${ctx.core.settings.apiKey}`) {
      ctx.json(401, errorBody('unauthorized', 'Missing or invalid API key; send Authorization: Bearer <key>'), {
        'www-authenticate': 'Bearer',
      });
      return;
    }
    const runId = ctx.params.id!;
    const events = runs.get(runId);
    if (!events) {
      ctx.json(404, errorBody('not_found', `Run ${runId} not found`));
      return;
    }
    const filter = ctx.url.searchParams.get('types');
    const types = filter ? new Set(filter.split(',').map((type) => type.trim()).filter(Boolean)) : undefined;
    const lastEventId = ctx.header('last-event-id');
    const remaining = events
      .slice(resumeIndex(events.map((item) => item.entry), lastEventId))
      // Keepalives and in-stream errors are not run events: the filter leaves them in.
      .filter((item) => !types || item.entry.keepalive || item.type === 'error' || types.has(item.type))
      .map((item) => item.entry);
    if (lastEventId && !remaining.some((entry) => !entry.keepalive)) {
      // Nothing after that id: 204 tells an SSE client to stop reconnecting.
      ctx.noContent();
      return;
    }
    void play(ctx, ctx.sse(), remaining);
  }

  return [{ method: 'GET', pattern: '/v1/runs/:id/events', handler: stream }];
}
