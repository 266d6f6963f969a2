/**
 * `npm run demo`: starts the bundled reference server and streams one run from each of the five
 * platforms through runstream's public API. The five streams run concurrently; each platform's
 * lines are buffered and printed as one block under its own heading, in a fixed order, once that
 * platform is done, so no block is ever interleaved with another.
 *
 * Exits 0 when every stream ended as the reference server scripts it (including the skills
 * engine's scripted failure, `failing.skill`), 1 otherwise; an unexpected error is printed in the
 * block of the platform it happened in. Colours only when stdout is a TTY and NO_COLOR is unset.
 */
import { Runstream, SDKError, StreamError } from 'runstream';
import { startReferenceServer } from 'runstream/testing';

const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const paint = (code: number) => (text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const dim = paint(2);
const bold = paint(1);
const green = paint(32);
const yellow = paint(33);
const red = paint(31);
const cyan = paint(36);

const eventDelay = Number(process.env.DEMO_EVENT_DELAY ?? 60);
/** Longest a platform may take before the demo gives up on it (it then counts as a failure). */
const PLATFORM_LIMIT_MS = Math.max(15_000, 50 * eventDelay);

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)}s`;

// ─── Values: printed whole, or cut only where the cut cannot be misread ───────────────────────

const MAX_TEXT = 100;
const MAX_KEYS = 6;

/**
 * A string as a JSON literal. Past MAX_TEXT characters it is cut at the last space before the
 * limit and an explicit `…(+N chars)` follows the closing quote, so no word or number is ever
 * split; a string with no space to cut at is printed whole.
 */
function quote(text: string): string {
  const chars = [...text];
  if (chars.length <= MAX_TEXT) return JSON.stringify(text);
  const head = chars.slice(0, MAX_TEXT).join('');
  const cut = head.search(/\s\S*$/);
  if (cut <= 0) return JSON.stringify(text);
  const kept = head.slice(0, cut);
  return `${JSON.stringify(kept)}…(+${chars.length - [...kept].length} chars)`;
}

/** Any value, JSON-like: numbers and keys whole; past MAX_KEYS keys (or items) the rest are counted, not cut. */
function show(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (value === null || typeof value !== 'object') return String(value);
  const more = (count: number, what: string) => (count > 0 ? [`… ${count} more ${what}${count === 1 ? '' : 's'}`] : []);
  if (Array.isArray(value)) {
    return `[${[...value.slice(0, MAX_KEYS).map(show), ...more(value.length - MAX_KEYS, 'item')].join(', ')}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  const shown = entries.slice(0, MAX_KEYS).map(([key, item]) => `${JSON.stringify(key)}: ${show(item)}`);
  return `{${[...shown, ...more(entries.length - MAX_KEYS, 'key')].join(', ')}}`;
}

function describeError(error: unknown): string {
  if (error instanceof SDKError) {
    const code = (error as { code?: unknown }).code;
    return `${error.name}${typeof code === 'string' ? ` [${code}]` : ''}: ${error.message}`;
  }
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

// ─── One platform's block ─────────────────────────────────────────────────────────────────────

/** Measures one stream: wall clock from its first event to the moment `elapsed()` is read. */
function stopwatch(): { event(): void; elapsed(): string } {
  let first: number | undefined;
  return {
    event: () => {
      first ??= performance.now();
    },
    elapsed: () => (first === undefined ? 'n/a (no event arrived)' : seconds(performance.now() - first)),
  };
}

/** The buffered output of one platform, and whether everything in it ended as expected. */
class Section {
  readonly #lines: string[] = [];
  readonly #opened = performance.now();
  #problems = 0;

  constructor(readonly name: string, readonly title: string) {}

  /** A progress line, stamped with the time since this platform's block started. */
  line(text: string): void {
    this.#lines.push(`${dim(`+${seconds(performance.now() - this.#opened)}`)} ${text}`);
  }

  /** An outcome the server scripted: success, or a failure the demo means to show. */
  outcome(text: string): void {
    this.#lines.push(text);
  }

  /** Something that did not go as scripted: the demo will exit 1. */
  problem(text: string): void {
    this.#problems++;
    this.#lines.push(red(`✖ ${text}`));
  }

  get ok(): boolean {
    return this.#problems === 0;
  }

  render(): string {
    const body = this.#lines.map((text, index) => `${index === this.#lines.length - 1 ? '└─' : '├─'} ${text}`);
    return [`\n${bold(`▶ ${this.title}`)}`, ...body].join('\n');
  }
}

type Platform = (section: Section, signal: AbortSignal) => Promise<void>;

/** Runs one platform into its own section; whatever it throws is reported in that section. */
async function run(name: string, title: string, platform: Platform): Promise<Section> {
  const section = new Section(name, title);
  const signal = AbortSignal.timeout(PLATFORM_LIMIT_MS);
  try {
    await platform(section, signal);
    if (signal.aborted) section.problem(`Gave up after ${seconds(PLATFORM_LIMIT_MS)} without the stream's terminal event`);
  } catch (error) {
    section.problem(`Unexpected error: ${describeError(error)}`);
  }
  return section;
}

/** Reports a stream that ended before the event that should have ended it (a timeout is reported by `run`). */
function requireEnd(section: Section, seen: boolean, terminal: string, signal: AbortSignal): void {
  if (!seen && !signal.aborted) section.problem(`The stream ended without ${terminal}`);
}

// ─── The five platforms ───────────────────────────────────────────────────────────────────────

async function crewship(client: Runstream, section: Section, signal: AbortSignal): Promise<void> {
  const watch = stopwatch();
  let ended = false;
  for await (const event of client.runs.stream('run_abc123', { signal })) {
    watch.event();
    switch (event.type) {
      case 'run.started':
        section.line(`Run started: ${event.data.run_id}`);
        break;
      case 'agent.started':
        section.line(`${event.data.agent} agent starting task: ${event.data.task}`);
        break;
      case 'agent.completed':
        section.line(`${event.data.agent} agent completed task, output ${show(event.data.output)}`);
        break;
      case 'tool.called':
        section.line(`Tool: ${event.data.tool}(${show(event.data.input)})`);
        break;
      case 'tool.result':
        section.line(`Tool ${event.data.tool} returned ${show(event.data.output)}`);
        break;
      case 'log':
        section.line(dim(`${event.data.level}: ${event.data.message}`));
        break;
      case 'artifact':
        section.line(`Artifact: ${event.data.name} (${event.data.size} bytes, ${event.data.content_type})`);
        break;
      case 'run.completed':
        ended = true;
        section.outcome(
          green(`✔ Run completed in ${watch.elapsed()} (measured, first event → run.completed)`) +
            dim(`  server's scripted duration_ms: ${event.data.duration_ms}; last event id ${event.id}`),
        );
        break;
      case 'run.failed':
      case 'run.canceled':
        // run_abc123 is scripted to complete: anything else is a real failure.
        ended = true;
        section.problem(`Run ended with ${event.type}: ${show(event.data)}`);
        break;
      default:
        section.line(dim(`${event.type} ${show(event.data)}`));
    }
  }
  requireEnd(section, ended, 'run.completed', signal);
}

async function flowmaestro(client: Runstream, section: Section, signal: AbortSignal): Promise<void> {
  const watch = stopwatch();
  let ended = false;
  for await (const event of client.executions.streamIterator('exec_xyz789', { signal })) {
    watch.event();
    if (event.type === 'execution:progress') {
      const width = 20;
      const filled = Math.round((Math.min(Math.max(event.data.progress, 0), 100) / 100) * width);
      section.line(`[${cyan('█'.repeat(filled))}${' '.repeat(width - filled)}] ${event.data.progress}%`);
    } else if (event.type === 'node:started') {
      section.line(`node:started   ${event.data.nodeId ?? event.data.node_id} (${event.data.nodeType ?? event.data.node_type})`);
    } else if (event.type === 'node:completed') {
      section.line(`node:completed ${event.data.nodeId ?? event.data.node_id} → outputs ${show(event.data.outputs)}`);
    } else if (event.type === 'node:failed') {
      section.line(`node:failed    ${event.data.nodeId ?? event.data.node_id}: ${event.data.error}`);
    } else if (event.type === 'execution:completed') {
      ended = true;
      section.outcome(green(`✔ Execution completed in ${watch.elapsed()} (measured, first event → execution:completed): outputs ${show(event.data.outputs)}`));
    } else if (event.type === 'execution:failed' || event.type === 'execution:cancelled') {
      // exec_xyz789 is scripted to complete: anything else is a real failure.
      ended = true;
      section.problem(`Execution ended with ${event.type}: ${show(event.data)}`);
    } else {
      section.line(dim(event.type));
    }
  }
  requireEnd(section, ended, 'execution:completed', signal);
}

async function praisonai(client: Runstream, section: Section, signal: AbortSignal): Promise<void> {
  const watch = stopwatch();
  let terminal: { elapsed: string; type: string } | undefined;
  const result = await client.jobs.run(
    { prompt: 'Analyze quarterly sales data' },
    {
      signal,
      onEvent: (event) => {
        // runstream's own first event: the job exists, its stream is asked for next.
        if (event.type === 'created') {
          section.line(dim(`Job ${event.data.job_id} submitted`));
          return;
        }
        watch.event();
        if (event.type === 'progress') {
          const step = event.data.current_step ?? event.data.step ?? '';
          section.line(`Progress: ${String(event.data.percentage).padStart(3)}% - ${step}`);
        } else if (event.type === 'log') {
          section.line(dim(`Log: ${event.data.message}`));
        } else {
          if (event.type === 'complete' || event.type === 'result') {
            terminal = { elapsed: watch.elapsed(), type: event.type };
          }
          section.line(dim(`${event.type} ${show(event.data)}`));
        }
      },
    },
  );
  // jobs.run() throws for a failed or cancelled job, so reaching here means it succeeded.
  const timing = terminal ? ` in ${terminal.elapsed} (measured, first event → ${terminal.type})` : '';
  section.outcome(green(`✔ Job succeeded${timing}: result ${show(result)}`));
}

async function skills(client: Runstream, section: Section, signal: AbortSignal): Promise<void> {
  // my.skill is scripted to complete.
  {
    const watch = stopwatch();
    let ended = false;
    for await (const event of client.skills.start('my.skill', { inputs: { text: 'Hello world' } }, { signal })) {
      watch.event();
      if (event.type === 'done') {
        ended = true;
        if (event.data.status === 'completed') {
          section.outcome(
            green(`✔ my.skill ${event.data.status} in ${watch.elapsed()} (measured, first event → done): outputs ${show(event.data.outputs)}`) +
              dim(`  trace ${event.data.trace_id}`),
          );
        } else {
          section.problem(`my.skill ended ${event.data.status}: ${show(event.data.error)}`);
        }
      } else {
        section.line(`${event.type.padEnd(15)} ${event.data.message}`);
      }
    }
    requireEnd(section, ended, 'done', signal);
  }

  // failing.skill is scripted to fail: its `done` carries only an error (STEP_FAILED) and a null
  // trace_id, as the engine sends it; runstream then fails the stream with StreamError
  // 'server-error-event', whose fields say how. That is the expected outcome.
  section.line(bold('failing.skill') + dim(' (the reference server scripts it to fail)'));
  const watch = stopwatch();
  let elapsed: string | undefined;
  try {
    for await (const event of client.skills.start('failing.skill', { inputs: { text: 'boom' } }, { signal })) {
      watch.event();
      if (event.type === 'done') elapsed = watch.elapsed();
      else section.line(`${event.type.padEnd(15)} ${event.data.message}`);
    }
    if (!signal.aborted) section.problem('failing.skill: the stream ended without the StreamError its failed result should raise');
  } catch (error) {
    const scripted = elapsed && error instanceof StreamError && error.outcome === 'failed' && error.serverCode === 'STEP_FAILED';
    if (!scripted) throw error;
    section.outcome(
      yellow(`✖ Skill failed (scripted outcome) after ${elapsed} (measured, first event → done): ${error.serverCode} (status ${String(error.status)})`) +
        dim(`  trace ${error.traceId ?? 'none'}; runstream raised StreamError server-error-event with outcome 'failed', as documented`),
    );
  }
}

async function stax(client: Runstream, section: Section, signal: AbortSignal): Promise<void> {
  const watch = stopwatch();
  let ended = false;
  // runner.start() subscribes to the bus first and POSTs /api/runs once the subscription is open:
  // the bus does not replay, and the runner puts run.started on it before it answers.
  section.line(dim('Subscribing to /api/events, then POST /api/runs {"workflow": "build"}'));
  const stream = client.runner.start({ workflow: 'build' }, { signal });
  for await (const event of stream) {
    watch.event();
    switch (event.type) {
      case 'run.started':
        section.line(`Run ${event.data.runId} started`);
        break;
      case 'job.started':
        section.line(`Job ${event.data.jobId} started`);
        break;
      case 'step.started':
        section.line(`  Step ${event.data.stepNumber}: ${event.data.step.name ?? ''}`);
        break;
      case 'step.log':
        section.line(dim(`    │ ${event.data.line.trimEnd()}`));
        break;
      case 'step.completed':
        section.line(`  Step ${event.data.stepNumber} ${event.data.step.conclusion ?? ''}`);
        break;
      case 'job.completed':
        section.line(`Job ${event.data.jobId} ${event.data.job.conclusion ?? ''}`);
        break;
      case 'run.completed': {
        ended = true;
        const conclusion = event.data.run.conclusion ?? event.data.run.status ?? 'completed';
        const text = `Run ${event.data.runId} ${conclusion} in ${watch.elapsed()} (measured, first event → run.completed)`;
        if (conclusion === 'success') section.outcome(green(`✔ ${text}`));
        else section.problem(text);
        break;
      }
    }
  }
  requireEnd(section, ended, 'run.completed', signal);
}

// ─── Main ─────────────────────────────────────────────────────────────────────────────────────

async function main(): Promise<boolean> {
  const started = performance.now();
  const server = await startReferenceServer({ eventDelay });
  try {
    console.log(`${bold('runstream demo')} ${dim(`reference server at ${server.url}`)}`);
    console.log(
      dim('The five platforms stream concurrently; each block is printed whole once its platform is done. ' +
        '+s.ss = time since that platform started.'),
    );
    const client = new Runstream({ baseUrl: server.url, apiKey: 'test-key' });
    const sections = [
      run('Crewship', 'Crewship run run_abc123   client.runs.stream()', (s, signal) => crewship(client, s, signal)),
      run('FlowMaestro', 'FlowMaestro execution exec_xyz789   client.executions.streamIterator()', (s, signal) =>
        flowmaestro(client, s, signal)),
      run('PraisonAI', 'PraisonAI async job   client.jobs.run()', (s, signal) => praisonai(client, s, signal)),
      run('Skills engine', 'Skills engine my.skill, failing.skill   client.skills.start() (POST body streaming)', (s, signal) =>
        skills(client, s, signal)),
      run('stax', 'stax runner   client.runner.start()', (s, signal) => stax(client, s, signal)),
    ];
    // Fixed order: each block is printed as soon as it and every block before it are done.
    const failed: string[] = [];
    for (const pending of sections) {
      const section = await pending;
      console.log(section.render());
      if (!section.ok) failed.push(section.name);
    }
    const total = seconds(performance.now() - started);
    if (failed.length === 0) {
      console.log(`\n${green(bold('All five platforms ended as scripted.'))} ${dim(`${total} wall clock`)}`);
    } else {
      console.log(`\n${red(bold(`✖ ${failed.length} of 5 platforms did not end as scripted: ${failed.join(', ')}.`))} ${dim(total)}`);
    }
    return failed.length === 0;
  } finally {
    await server.close();
  }
}

main().then(
  (ok) => {
    process.exitCode = ok ? 0 : 1;
  },
  (error: unknown) => {
    // Only failures outside every platform's block land here (e.g. the server did not start).
    console.error(red(`demo failed: ${describeError(error)}`));
    process.exitCode = 1;
  },
);
