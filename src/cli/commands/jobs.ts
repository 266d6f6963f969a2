/// <reference types="node" />
/**
 * `runstream jobs run --prompt "…"` and `runstream jobs stream <job_id>`: PraisonAI async jobs,
 * with a progress bar from `percentage` and `current_step`, as `praisonai run stream` shows them.
 *
 * @module
 */
import { PraisonAI, type StreamEvent } from '../../index.js';
import { CLIENT_FLAGS, OUTPUT_FLAGS, STREAM_FLAGS, UsageError, clientConfig, positionals, str, type Flag } from '../args.js';
import { HELP_SHOWN, setup, type Command, type Context } from '../command.js';
import { field, short, text, type Output } from '../output.js';
import { praisonai } from '../../platforms/praisonai/definition.js';
import { EXIT, type EndInfo, type View } from '../watch.js';
import { routeText } from './platform.js';
import { Progress } from './executions.js';
import { RunClock, endLines } from './runs.js';

const FLAGS: Flag[] = [
  { name: 'prompt', type: 'string', arg: '<text>', help: '(jobs run) the task for the agent' },
  { name: 'idempotency-key', type: 'string', arg: '<key>', help: '(jobs run) sent as Idempotency-Key: a retried submit returns the same job' },
  ...CLIENT_FLAGS,
  ...STREAM_FLAGS,
  ...OUTPUT_FLAGS,
];

/** The job view, and the result it saw (a `result` event, or a resync's `/result`). */
export interface JobsView extends View {
  result(): { found: boolean; value: unknown };
  /** True once the job was seen to succeed (its terminal event, or its REST state). */
  succeeded(): boolean;
}

/** The view of a PraisonAI job's stream. */
export function jobsView(output: Output, jobId: string): JobsView {
  const c = output.out;
  const times = new RunClock();
  const progress = new Progress(output);
  let ended = false;
  let succeeded = false;
  let result: { found: boolean; value: unknown } = { found: false, value: undefined };
  const finish = (status: string, detail?: string) => {
    ended = true;
    progress.settle();
    const measured = times.measure(undefined);
    if (status === 'succeeded' || status === 'completed') output.line(c.green(`✅ Job succeeded ${measured}`.trimEnd()));
    else if (status === 'cancelled') output.line(c.yellow(`⏹ Job cancelled ${measured}`.trimEnd()));
    else output.line(c.red(`❌ Job ${status} ${measured}${detail ? `: ${detail}` : ''}`));
  };
  const handlers: Record<string, (data: unknown) => void> = {
    progress: (data) => {
      const value = field(data, 'percentage');
      if (typeof value === 'number') progress.update(value, text(data, 'current_step') ?? text(data, 'step'));
    },
    log: (data) => output.line(`${c.gray('├─')} ${text(data, 'message') ?? short(data)}`),
    status: (data) => output.line(`${c.gray('├─')} ${c.dim(`status: ${text(data, 'status') ?? '?'}`)}`),
    complete: (data) => finish(text(data, 'status') ?? 'succeeded', text(data, 'error')),
    result: (data) => {
      finish(text(data, 'status') ?? 'succeeded');
    },
    error: (data) => finish('failed', text(data, 'error') ?? text(data, 'message')),
    cancelled: () => finish('cancelled'),
    resync: (data) => {
      output.line(c.yellow(resyncLine(jobId, data)));
      const status = text(field(data, 'state'), 'status');
      if (status === 'succeeded' || status === 'failed' || status === 'cancelled') finish(status);
    },
  };
  return {
    event(event: StreamEvent<string, unknown>) {
      times.see(undefined);
      (handlers[event.type] ?? ((data: unknown) => output.line(`${c.gray('├─')} ${event.type} ${short(data)}`)))(event.data);
    },
    observe({ type, data }: StreamEvent<string, unknown>) {
      if (type === 'result') result = { found: true, value: field(data, 'result') };
      const resynced = type === 'resync' ? field(data, 'result') : undefined;
      if (resynced !== undefined) result = { found: true, value: field(resynced, 'result') };
      const status = type === 'resync' ? text(field(data, 'state'), 'status') : type === 'complete' ? text(data, 'status') : type === 'result' ? 'succeeded' : undefined;
      if (status !== undefined) succeeded = status === 'succeeded' || status === 'completed';
    },
    end(info: EndInfo) {
      if (!ended) progress.settle();
      endLines(output, info, ended);
    },
    live: () => progress.live(),
    resync: (event) => resyncLine(jobId, event.data),
    result: () => result,
    succeeded: () => succeeded,
  };
}

/** A job's resync event as one line. */
function resyncLine(jobId: string, data: unknown): string {
  const state = field(data, 'state');
  const route = routeText(praisonai.routes.retrieve, { jobId });
  const summary = state ? `status ${text(state, 'status') ?? '?'}${field(state, 'progress_percentage') !== undefined ? `, ${text(state, 'progress_percentage')}%` : ''}` : '';
  if (field(data, 'reason') === 'http-error') return `⟳ the stream answered 400 (job already finished): state from ${route}: ${summary}`;
  if (field(data, 'recovered') !== true) return `⟳ reconnected without Last-Event-ID: events sent meanwhile may be lost (${route} did not answer)`;
  return `⟳ reconnected without Last-Event-ID: events sent meanwhile may be lost; state recovered from ${route}: ${summary}`;
}

/** Prints a job's result: on stdout in the view, on stderr with `--json`/`--raw` (stdout holds only events). */
function printResult(output: Output, value: unknown, view: boolean): void {
  const body = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  if (view) {
    output.line(output.out.bold('Result:'));
    output.line(body);
  } else output.diag(`result: ${body}`);
}

/** `runstream jobs`. */
export const jobs: Command = {
  name: 'jobs',
  summary: 'submit and stream PraisonAI jobs: jobs run --prompt …, jobs stream <job_id>',
  usage: ['runstream jobs run --prompt <text> [options]', 'runstream jobs stream <job_id> [options]'],
  description:
    `jobs run submits a job (${routeText(praisonai.routes.create)}), streams its progress (${routeText(praisonai.routes.stream, { jobId: '{id}' })}) and\n` +
    `prints its result (${routeText(praisonai.routes.result, { jobId: '{id}' })}). jobs stream follows a job that exists. The progress\n` +
    'bar comes from percentage and current_step (or step): live on a terminal, one line per update when piped.',
  flags: FLAGS,
  notes:
    `Environment: RUNSTREAM_BASE_URL, else PRAISONAI_BASE_URL (default ${praisonai.baseUrl}). No key is sent\n` +
    '             (PraisonAI\'s local server has no auth).',
  examples: [
    'runstream jobs run --prompt "Analyze quarterly sales data"',
    'runstream jobs stream run_abc123 --base-url http://127.0.0.1:4800 --json',
    "runstream jobs run --prompt \"Summarize\" --record job.json   # the job's stream, not the submit; replay: jobs.stream(id) with scriptedFetch({ 'GET /api/v1/runs/:id/stream': recorded })",
  ],
  async run(argv, context: Context) {
    const [sub, ...rest] = argv;
    if (sub === '--help' || sub === '-h' || sub === undefined) {
      if (sub === undefined) throw new UsageError('jobs needs a subcommand: run or stream', 'see runstream jobs --help');
      setup(jobs, ['--help'], context);
      return HELP_SHOWN;
    }
    if (sub !== 'run' && sub !== 'stream') throw new UsageError(`unknown subcommand "jobs ${sub}"`, 'jobs run --prompt <text>, or jobs stream <job_id>');
    const ready = setup(jobs, rest, context);
    if (!ready) return HELP_SHOWN;
    const client = new PraisonAI({ ...clientConfig(ready.parsed, { baseUrl: 'PRAISONAI_BASE_URL' }, context.env), onCall: ready.session.onCall });
    const { output } = context;
    const viewMode = !ready.parsed.values.json && !ready.parsed.values.raw;
    let jobId: string;
    if (sub === 'run') {
      positionals(ready.parsed, [], 'runstream jobs run --prompt <text>');
      const prompt = str(ready.parsed, 'prompt');
      if (!prompt) throw new UsageError('jobs run needs --prompt <text>', 'runstream jobs run --prompt "Analyze quarterly sales data"');
      const key = str(ready.parsed, 'idempotency-key');
      const job = await ready.session.call(() => client.jobs.create({ prompt }, { signal: ready.session.signal, ...(key ? { idempotencyKey: key } : {}) }));
      jobId = job.job_id;
      const line = `▶ Job submitted: ${jobId} (${job.status})`;
      if (viewMode) output.line(output.out.bold(line));
      else output.diag(line);
    } else {
      [jobId] = positionals(ready.parsed, ['job_id'], 'runstream jobs stream <job_id>') as [string];
      if (viewMode) output.line(output.out.bold(`▶ Job ${jobId}`));
    }
    const view = jobsView(output, jobId);
    const code = await ready.session.watch(client.jobs.stream(jobId, ready.session.streamOptions(ready.stream)), view);
    if (code !== EXIT.ok || ready.session.interrupted) return code;
    let { found, value } = view.result();
    if (!found && sub === 'run' && view.succeeded()) ({ found, value } = { found: true, value: (await ready.session.call(() => client.jobs.result(jobId, { signal: ready.session.signal }))).result });
    if (found) printResult(output, value, viewMode);
    return code;
  },
};
