/// <reference types="node" />
/**
 * `runstream runs <run_id>`: a Crewship run as the Crewship CLI shows it, a tree of timed lines
 * (`▶ Run started`, `├─ [10:30:02] Researcher agent starting task`, `✅ Run completed in 45.2s`).
 *
 * @module
 */
import { Crewship, StreamError, type CrewshipEventType, type StreamEvent } from '../../index.js';
import { CLIENT_FLAGS, OUTPUT_FLAGS, STREAM_FLAGS, clientConfig, positionals, str, type Flag } from '../args.js';
import { HELP_SHOWN, setup, type Command, type Context } from '../command.js';
import { clock, duration, field, parseTime, short, text, type Output } from '../output.js';
import { crewship } from '../../platforms/crewship/definition.js';
import { errorLines, type EndInfo, type View } from '../watch.js';
import { routeText } from './platform.js';

const FLAGS: Flag[] = [
  { name: 'types', type: 'string', arg: '<a,b>', help: 'only these event types (sent as ?types=; the terminal events always come)' },
  ...CLIENT_FLAGS,
  ...STREAM_FLAGS,
  ...OUTPUT_FLAGS,
];

/** Times a view remembers to measure a run: its start, its latest event time, the first arrival. */
export class RunClock {
  start: Date | undefined;
  last: Date | undefined;
  #first: number | undefined;

  /** Notes an event's arrival and its timestamp (if any); returns the timestamp. */
  see(stamp: unknown): Date | undefined {
    this.#first ??= performance.now();
    const date = parseTime(stamp);
    if (date && (!this.last || date > this.last)) this.last = date;
    return date;
  }

  /** The duration so far, see {@link duration}; `end` is the final event's own time, if it has one. */
  measure(end: Date | undefined, serverMs?: unknown): string {
    const watched = this.#first === undefined ? undefined : performance.now() - this.#first;
    return duration({ start: this.start, end, last: this.last, watched }, serverMs);
  }
}

/** The tree view of a Crewship run. */
export function runsView(output: Output): View {
  const c = output.out;
  const times = new RunClock();
  const terminal = new Set<string>(crewship.terminal);
  let ended = false;
  const branch = (stamp: Date | undefined, line: string) =>
    output.line(`${c.gray('├─')} ${c.dim(`[${stamp ? clock(stamp) : '--:--:--'}]`)} ${line}`);
  const handlers: Record<string, (data: unknown, stamp: Date | undefined) => void> = {
    'run.started': (data) => {
      times.start = parseTime(field(data, 'started_at'));
      output.line(c.bold(`▶ Run started: ${text(data, 'run_id') ?? '?'}`));
    },
    log: (data, stamp) => {
      const level = text(data, 'level');
      const message = text(data, 'message') ?? short(data);
      branch(stamp, level === 'error' ? c.red(message) : level === 'warn' || level === 'warning' ? c.yellow(message) : message);
    },
    'agent.started': (data, stamp) => branch(stamp, `${c.cyan(text(data, 'agent') ?? 'Agent')} agent starting task${taskOf(data, c.dim)}`),
    'agent.completed': (data, stamp) => branch(stamp, `${c.cyan(text(data, 'agent') ?? 'Agent')} agent completed task`),
    'agent.error': (data, stamp) => branch(stamp, c.red(`${text(data, 'agent') ?? 'Agent'} agent failed: ${text(data, 'error') ?? ''}`)),
    'tool.called': (data, stamp) => branch(stamp, `Tool: ${c.magenta(text(data, 'tool') ?? '?')}(${short(JSON.stringify(field(data, 'input')) ?? '', 80)})`),
    'tool.result': (data, stamp) => branch(stamp, c.dim(`Tool result: ${text(data, 'tool') ?? '?'} → ${short(field(data, 'output'), 80)}`)),
    'tool.error': (data, stamp) => branch(stamp, c.red(`Tool error: ${text(data, 'tool') ?? '?'}: ${text(data, 'error') ?? ''}`)),
    artifact: (data, stamp) => branch(stamp, `Artifact: ${c.bold(text(data, 'name') ?? '?')}${artifactInfo(data)}`),
    'run.completed': (data, stamp) => {
      output.line(c.green(`✅ Run completed ${times.measure(stamp, field(data, 'duration_ms'))}`.trimEnd()));
      if (field(data, 'result') !== undefined) output.line(c.dim(`   result: ${short(field(data, 'result'), 200)}`));
    },
    complete: (data, stamp) => {
      output.line(c.green(`✅ Run completed ${times.measure(stamp)} (complete${text(data, 'status') ? `: ${text(data, 'status')}` : ''})`));
    },
    'run.failed': (data, stamp) => {
      output.line(c.red(`❌ Run failed ${times.measure(stamp)}: ${text(data, 'error') ?? ''}`));
      for (const line of (text(data, 'stack_trace') ?? '').split('\n').filter(Boolean)) output.line(c.dim(`   ${line}`));
    },
    'run.canceled': (_data, stamp) => {
      output.line(c.yellow(`⏹ Run cancelled ${times.measure(stamp)}`.trimEnd()));
    },
    timeout: () => {
      output.line(c.yellow('⏱ The server stopped streaming the run (timeout event): no outcome'));
    },
    error: (data) => {
      ended = true;
      output.line(c.red(`❌ Server error: ${text(data, 'message') ?? text(data, 'error') ?? short(data)}`));
    },
  };
  return {
    event(event: StreamEvent<string, unknown>) {
      if (event.type === 'resync') return void output.line(c.yellow(this.resync(event)));
      if (terminal.has(event.type)) ended = true;
      const stamp = times.see(field(event.data, 'timestamp') ?? field(event.data, 'canceled_at') ?? field(event.data, 'completed_at'));
      (handlers[event.type] ?? ((data: unknown) => branch(stamp, `${event.type} ${short(data)}`)))(event.data, stamp);
    },
    end(info: EndInfo) {
      endLines(output, info, ended);
    },
    resync: () => '⟳ reconnected without Last-Event-ID (the server sent no ids): events sent meanwhile may be lost',
  };
}

/** The lines every view prints at the end when its terminal event did not: the error, an interruption, an early end. */
export function endLines(output: Output, { error, interrupted, outcome }: EndInfo, ended: boolean): void {
  const c = output.out;
  if (interrupted) return void output.line(c.yellow('⏸ Interrupted'));
  if (error !== undefined) {
    // A failure the platform reported was shown with its event; the typed error adds its fields.
    const reported = error instanceof StreamError && error.code === 'server-error-event' && ended;
    errorLines(error).forEach((line, index) => output.line(reported || index > 0 ? c.dim(`   ${line}`) : c.red(`✖ ${line}`)));
    return;
  }
  if (ended) return;
  if (outcome?.type === 'closed') output.line(c.dim('■ closed (--max-events)'));
  else if (outcome?.type === 'ended') output.line(c.dim('■ the server ended the stream (no terminal event)'));
  else if (outcome) output.line(c.dim(`■ ${outcome.type}${outcome.message ? `: ${outcome.message}` : ''}`));
}

function taskOf(data: unknown, dim: (text: string) => string): string {
  const task = text(data, 'task');
  return task ? dim(` — ${short(task, 60)}`) : '';
}

function artifactInfo(data: unknown): string {
  const size = field(data, 'size');
  const parts = [typeof size === 'number' ? `${size} bytes` : '', text(data, 'content_type') ?? ''].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** `runstream runs`. */
export const runs: Command = {
  name: 'runs',
  summary: `watch a Crewship run as a tree (${routeText(crewship.routes.stream, { runId: '{id}' })})`,
  usage: ['runstream runs <run_id> [options]'],
  description:
    'Streams a Crewship run and shows it as the Crewship CLI does: one timed line per event under\n' +
    '"▶ Run started", ending with "✅ Run completed in …". Durations are measured from the events\' own\n' +
    'timestamps (or the wall clock, labelled "watched"); the server\'s duration_ms is shown labelled as\n' +
    "the server's. Resumes with Last-Event-ID after a drop. Times are local (TZ=UTC for UTC).",
  flags: FLAGS,
  notes:
    `Environment: RUNSTREAM_BASE_URL, else CREWSHIP_BASE_URL (default ${crewship.baseUrl});\n` +
    '             RUNSTREAM_API_KEY, else CREWSHIP_API_KEY (sent as Authorization: Bearer).',
  examples: [
    'runstream runs run_abc123',
    'runstream runs run_abc123 --base-url http://127.0.0.1:4800 --api-key test-key --json | jq -r .type',
    "runstream runs run_abc123 --record incident.json   # replay: new Crewship({ fetch: scriptedFetch({ 'GET /v1/runs/:id/events': recorded }) })",
  ],
  async run(argv, context: Context) {
    const ready = setup(runs, argv, context);
    if (!ready) return HELP_SHOWN;
    const [runId] = positionals(ready.parsed, ['run_id'], 'runstream runs <run_id>');
    const client = new Crewship({ ...clientConfig(ready.parsed, { baseUrl: 'CREWSHIP_BASE_URL', apiKey: 'CREWSHIP_API_KEY' }, context.env), onCall: ready.session.onCall });
    const types = str(ready.parsed, 'types')?.split(',').map((type) => type.trim()).filter(Boolean) as CrewshipEventType[] | undefined;
    const stream = client.runs.stream(runId!, { ...ready.session.streamOptions(ready.stream), ...(types?.length ? { types } : {}) });
    return ready.session.watch(stream, runsView(context.output));
  },
};
