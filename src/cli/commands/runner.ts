/// <reference types="node" />
/**
 * `runstream runner follow <run_id>`, `runner run --workflow <name>` and `runner tail`: the stax
 * runner's jobs and steps with their log lines, like `stax log -f`, every line prefixed with its
 * run id (in a colour per run) so that several runs on the bus are told apart.
 *
 * @module
 */
import { Stax, type StreamEvent } from '../../index.js';
import { CLIENT_FLAGS, OUTPUT_FLAGS, STREAM_FLAGS, UsageError, clientConfig, positionals, str, type Flag } from '../args.js';
import { HELP_SHOWN, setup, type Command, type Context } from '../command.js';
import { field, parseTime, short, text, type Output, type Style } from '../output.js';
import { stax } from '../../platforms/stax/definition.js';
import { type EndInfo, type View } from '../watch.js';
import { routeText } from './platform.js';
import { RunClock, endLines } from './runs.js';

const FLAGS: Flag[] = [
  { name: 'workflow', type: 'string', arg: '<name>', help: '(runner run) the workflow to start, e.g. build' },
  { name: 'inputs', type: 'string', arg: '<json>', help: '(runner run) the workflow inputs, a JSON object' },
  ...CLIENT_FLAGS,
  ...STREAM_FLAGS,
  ...OUTPUT_FLAGS,
];

const RUN_COLOURS: Style[] = ['cyan', 'magenta', 'blue', 'yellow', 'green'];

/** A stable colour for a run id. */
function colourOf(runId: string): Style {
  let hash = 0;
  for (const char of runId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return RUN_COLOURS[hash % RUN_COLOURS.length]!;
}

interface StepState {
  name: string;
  logs: number;
  done: boolean;
}

/** The view of stax runs: one prefixed line per job, step and log line. */
export function runnerView(output: Output, mode: 'one' | 'bus'): View {
  const c = output.out;
  const steps = new Map<string, StepState>();
  const clocks = new Map<string, RunClock>();
  let ended = false;
  const say = (runId: string, line: string) => output.line(`${c[colourOf(runId)](runId)} ${line}`);
  const step = (runId: string, jobId: string, number: number, name?: string): StepState => {
    const key = `${runId}/${jobId}/${number}`;
    let found = steps.get(key);
    if (!found) steps.set(key, (found = { name: name ?? `step ${number}`, logs: 0, done: false }));
    if (name) found.name = name;
    return found;
  };
  const conclusionMark = (conclusion: string | undefined, label: string) =>
    conclusion === 'success' ? `${c.green('✓')} ${label}` : conclusion === 'failure' ? c.red(`✗ ${label} (failure)`) : conclusion === 'skipped' ? c.dim(`↷ ${label} (skipped)`) : c.yellow(`⏹ ${label} (${conclusion ?? '?'})`);
  const log = (runId: string, state: StepState, line: string) => {
    state.logs++;
    say(runId, `${c.gray('│  │')} ${line.replace(/\r?\n$/, '')}`);
  };
  const finishStep = (runId: string, state: StepState, number: number, conclusion: string | undefined) => {
    if (state.done) return;
    state.done = true;
    say(runId, `${c.gray('│  └─')} ${conclusionMark(conclusion, `${number}. ${state.name}`)}`);
  };
  /** Renders the parts of a run's REST state not shown yet (after a subscribe or a reconnect). */
  const replay = (runId: string, run: unknown) => {
    for (const job of (field(run, 'jobs') as unknown[] | undefined) ?? []) {
      const jobId = text(job, 'id') ?? text(job, 'name') ?? '?';
      for (const s of (field(job, 'steps') as unknown[] | undefined) ?? []) {
        const number = Number(field(s, 'number'));
        const state = step(runId, jobId, number, text(s, 'name'));
        const logs = ((field(s, 'logs') as string[] | undefined) ?? []).slice(state.logs);
        if (field(s, 'startedAt') === null && text(s, 'conclusion') === 'skipped') finishStep(runId, state, number, 'skipped');
        else for (const line of logs) log(runId, state, line);
        if (text(s, 'conclusion') && !state.done) finishStep(runId, state, number, text(s, 'conclusion'));
      }
    }
  };
  const handlers: Record<string, (runId: string, data: unknown) => void> = {
    'run.started': (runId, data) => {
      const run = field(data, 'run');
      clockOf(runId).start = parseTime(field(run, 'startedAt') ?? field(run, 'createdAt'));
      say(runId, c.bold(`▶ run started: ${text(run, 'workflow') ?? ''}`.trimEnd()));
    },
    'job.started': (runId, data) => say(runId, `${c.gray('├─')} job ${c.bold(text(data, 'jobId') ?? '?')} started`),
    'step.started': (runId, data) => {
      const number = Number(field(data, 'stepNumber'));
      const state = step(runId, text(data, 'jobId') ?? '?', number, text(field(data, 'step'), 'name'));
      say(runId, `${c.gray('│  ●')} ${number}. ${state.name}`);
    },
    'step.log': (runId, data) => log(runId, step(runId, text(data, 'jobId') ?? '?', Number(field(data, 'stepNumber'))), text(data, 'line') ?? ''),
    'step.completed': (runId, data) => {
      const number = Number(field(data, 'stepNumber'));
      const s = field(data, 'step');
      finishStep(runId, step(runId, text(data, 'jobId') ?? '?', number, text(s, 'name')), number, text(s, 'conclusion'));
    },
    'job.completed': (runId, data) => {
      const jobId = text(data, 'jobId') ?? '?';
      // A step skipped after a failure appears only here.
      replay(runId, { jobs: [{ ...(field(data, 'job') as object), id: jobId }] });
      say(runId, `${c.gray('├─')} ${conclusionMark(text(field(data, 'job'), 'conclusion'), `job ${jobId}`)}`);
    },
    'run.completed': (runId, data) => {
      if (mode === 'one') ended = true;
      const run = field(data, 'run');
      const status = text(run, 'status');
      const measured = clockOf(runId).measure(parseTime(field(run, 'completedAt')));
      const conclusion = text(run, 'conclusion') ?? '';
      const line = `run ${status ?? 'completed'}${conclusion ? `: ${conclusion}` : ''} ${measured}`.trimEnd();
      say(runId, status === 'failed' ? c.red(`❌ ${line}`) : status === 'cancelled' ? c.yellow(`⏹ ${line}`) : c.green(`✅ ${line}`));
    },
    resync: (runId, data) => {
      say(runId, c.yellow(resyncLine(data)));
      const run = field(data, 'run');
      if (run === undefined) return;
      replay(runId, run);
      const status = text(run, 'status');
      if (status === 'completed' || status === 'failed' || status === 'cancelled') handlers['run.completed']!(runId, { run });
    },
  };
  function clockOf(runId: string): RunClock {
    let clock = clocks.get(runId);
    if (!clock) clocks.set(runId, (clock = new RunClock()));
    return clock;
  }
  return {
    event(event: StreamEvent<string, unknown>) {
      const runId = text(event.data, 'runId') ?? (event.type === 'resync' ? 'bus' : '?');
      clockOf(runId).see(undefined);
      (handlers[event.type] ?? ((id: string, data: unknown) => say(id, `${event.type} ${short(data)}`)))(runId, event.data);
    },
    end(info: EndInfo) {
      endLines(output, info, ended);
    },
    resync: (event) => resyncLine(event.data),
  };
}

/** A runner resync event as one line. */
function resyncLine(data: unknown): string {
  const runId = text(data, 'runId');
  if (!runId) return '⟳ reconnected: bus events sent while disconnected are lost (the bus does not replay)';
  const route = routeText(stax.routes.retrieve, { runId });
  const run = field(data, 'run');
  const state = run === undefined ? '' : `status ${text(run, 'status') ?? '?'}, ${((field(run, 'jobs') as unknown[] | undefined) ?? []).length} job(s)`;
  if (field(data, 'reason') === 'subscribed') return `⟳ subscribed: the run's state so far from ${route}: ${state}`;
  if (field(data, 'recovered') !== true) return `⟳ reconnected without Last-Event-ID: events sent meanwhile are lost (${route} did not answer)`;
  return `⟳ reconnected without Last-Event-ID (the bus does not replay): state recovered from ${route}: ${state}`;
}

/** `--inputs` of `runner run`. @throws UsageError when it is not a JSON object. */
function inputsOf(value: string | undefined): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  try {
    const inputs: unknown = JSON.parse(value);
    if (inputs !== null && typeof inputs === 'object' && !Array.isArray(inputs)) return inputs as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new UsageError('--inputs must be a JSON object', `e.g. --inputs '{"target": "prod"}'`);
}

/** `runstream runner`. */
export const runner: Command = {
  name: 'runner',
  summary: 'follow stax runner runs like stax log -f: runner follow <id>, runner run --workflow <w>, runner tail',
  usage: ['runstream runner follow <run_id> [options]', 'runstream runner run --workflow <name> [--inputs json] [options]', 'runstream runner tail [options]'],
  description:
    'Shows stax runs as jobs and steps with their log lines, like stax log -f. follow attaches to a run\n' +
    `(its state so far comes first, from ${routeText(stax.routes.retrieve, { runId: '{id}' })}); run starts one (${routeText(stax.routes.create)}) and follows it\n` +
    `from its first event; tail shows the whole bus (${routeText(stax.routes.events)}) until Ctrl-C or --max-events. Every\n` +
    'line starts with its run id, in a colour per run. The bus does not replay: after a drop, follow and run\n' +
    'recover the run\'s state from the runner, tail shows the gap.',
  flags: FLAGS,
  notes: `Environment: RUNSTREAM_BASE_URL, else STAX_BASE_URL (default ${stax.baseUrl}). No key is sent (no auth).`,
  examples: [
    'runstream runner run --workflow build',
    'runstream runner follow a1b2c3d4',
    'runstream runner tail --json | jq -c "select(.type == \\"step.log\\")"',
    'runstream runner tail --record bus.json   # the bus stream (GET /api/events); the REST calls of follow and run are not recorded',
  ],
  async run(argv, context: Context) {
    const [sub, ...rest] = argv;
    if (sub === undefined) throw new UsageError('runner needs a subcommand: follow, run or tail', 'see runstream runner --help');
    if (sub === '--help' || sub === '-h') {
      setup(runner, ['--help'], context);
      return HELP_SHOWN;
    }
    if (sub !== 'follow' && sub !== 'run' && sub !== 'tail') throw new UsageError(`unknown subcommand "runner ${sub}"`, 'runner follow <run_id>, runner run --workflow <name>, or runner tail');
    const ready = setup(runner, rest, context);
    if (!ready) return HELP_SHOWN;
    const stax = new Stax({ ...clientConfig(ready.parsed, { baseUrl: 'STAX_BASE_URL' }, context.env), onCall: ready.session.onCall });
    const options = ready.session.streamOptions(ready.stream);
    if (sub === 'tail') {
      positionals(ready.parsed, [], 'runstream runner tail');
      return ready.session.watch(stax.runner.events(options), runnerView(context.output, 'bus'));
    }
    if (sub === 'follow') {
      const [runId] = positionals(ready.parsed, ['run_id'], 'runstream runner follow <run_id>');
      return ready.session.watch(stax.runner.stream(runId!, options), runnerView(context.output, 'one'));
    }
    positionals(ready.parsed, [], 'runstream runner run --workflow <name>');
    const workflow = str(ready.parsed, 'workflow');
    if (!workflow) throw new UsageError('runner run needs --workflow <name>', 'runstream runner run --workflow build');
    const inputs = inputsOf(str(ready.parsed, 'inputs'));
    return ready.session.watch(stax.runner.start({ workflow, ...(inputs ? { inputs } : {}) }, options), runnerView(context.output, 'one'));
  },
};
