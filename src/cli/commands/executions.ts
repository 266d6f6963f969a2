/// <reference types="node" />
/**
 * `runstream executions <execution_id>`: a FlowMaestro execution, its nodes as they start and
 * finish, and a progress bar from `execution:progress`.
 *
 * @module
 */
import { FlowMaestro, type StreamEvent } from '../../index.js';
import { CLIENT_FLAGS, OUTPUT_FLAGS, STREAM_FLAGS, clientConfig, positionals, type Flag } from '../args.js';
import { HELP_SHOWN, setup, type Command, type Context } from '../command.js';
import { field, progressBar, seconds, short, text, type Output } from '../output.js';
import { flowmaestro } from '../../platforms/flowmaestro/definition.js';
import { liveProgress, type EndInfo, type View } from '../watch.js';
import { routeText } from './platform.js';
import { RunClock, endLines } from './runs.js';

const FLAGS: Flag[] = [...CLIENT_FLAGS, ...STREAM_FLAGS, ...OUTPUT_FLAGS];

/** A key in camelCase or snake_case, as FlowMaestro's docs and servers disagree. */
function either(data: unknown, camel: string, snake: string): string | undefined {
  return text(data, camel) ?? text(data, snake);
}

/**
 * A progress bar that is live on a terminal (in the status line, with a final copy when the
 * stream ends) and one plain line per update when piped.
 */
export class Progress {
  percent: number | undefined;
  label: string | undefined;
  readonly #output: Output;
  #printed: string | undefined;

  constructor(output: Output) {
    this.#output = output;
  }

  /** A new value. */
  update(percent: number, label: string | undefined): void {
    this.percent = percent;
    this.label = label;
    if (!this.#output.live) this.#print();
  }

  /** The live text, for the status line. */
  live(): string | undefined {
    return liveProgress(this.percent, this.label);
  }

  /** On a terminal, prints the last value once, so it stays on screen after the status line is erased. */
  settle(): void {
    if (this.#output.live) this.#print();
  }

  #print(): void {
    if (this.percent === undefined) return;
    const line = `${progressBar(this.percent)}${this.label ? ` ${this.label}` : ''}`;
    if (line === this.#printed) return;
    this.#printed = line;
    this.#output.line(this.#output.out.blue(line));
  }
}

/** The view of a FlowMaestro execution. */
export function executionsView(output: Output): View {
  const c = output.out;
  const times = new RunClock();
  const progress = new Progress(output);
  const types = new Map<string, string>();
  let ended = false;
  const branch = (line: string) => output.line(`${c.gray('├─')} ${line}`);
  const node = (data: unknown) => {
    const id = either(data, 'nodeId', 'node_id') ?? '?';
    const type = types.get(id);
    return `${c.cyan(id)}${type ? c.dim(` (${type})`) : ''}`;
  };
  const finish = (line: string) => {
    ended = true;
    progress.settle();
    output.line(line);
  };
  const handlers: Record<string, (data: unknown) => void> = {
    connected: (data) => output.line(c.dim(`● connected to ${either(data, 'executionId', 'execution_id') ?? 'the execution'}`)),
    'execution:started': (data) => {
      times.start = times.see(either(data, 'startedAt', 'started_at'));
      output.line(c.bold(`▶ Execution started: ${either(data, 'executionId', 'execution_id') ?? '?'}`));
    },
    'node:started': (data) => {
      const id = either(data, 'nodeId', 'node_id') ?? '?';
      const type = either(data, 'nodeType', 'node_type');
      if (type) types.set(id, type);
      times.see(either(data, 'startedAt', 'started_at'));
      branch(`● ${node(data)} started`);
    },
    'node:completed': (data) => {
      const ms = field(data, 'durationMs') ?? field(data, 'duration_ms');
      const outputs = field(data, 'outputs');
      branch(`${c.green('✓')} ${node(data)} completed${typeof ms === 'number' ? c.dim(` (server: ${seconds(ms)})`) : ''}${outputs !== undefined ? c.dim(` → ${short(outputs, 80)}`) : ''}`);
    },
    'node:failed': (data) => branch(c.red(`✗ ${either(data, 'nodeId', 'node_id') ?? '?'} failed: ${text(data, 'error') ?? ''}`)),
    'execution:progress': (data) => {
      const value = field(data, 'progress');
      if (typeof value === 'number') progress.update(value, either(data, 'currentNode', 'current_node'));
    },
    'execution:completed': (data) => {
      finish(c.green(`✅ Execution completed ${times.measure(undefined)}`.trimEnd()));
      if (field(data, 'outputs') !== undefined) output.line(c.dim(`   outputs: ${short(field(data, 'outputs'), 200)}`));
    },
    'execution:failed': (data) => finish(c.red(`❌ Execution failed ${times.measure(undefined)}: ${text(data, 'error') ?? ''}`)),
    'execution:cancelled': () => finish(c.yellow(`⏹ Execution cancelled ${times.measure(undefined)}`.trimEnd())),
  };
  return {
    event(event: StreamEvent<string, unknown>) {
      if (event.type === 'resync') return void output.line(c.yellow(this.resync(event)));
      times.see(undefined);
      (handlers[event.type] ?? ((data: unknown) => branch(`${event.type} ${short(data)}`)))(event.data);
    },
    end(info: EndInfo) {
      if (!ended) progress.settle();
      endLines(output, info, ended);
    },
    live: () => progress.live(),
    resync: () =>
      '⟳ reconnected without Last-Event-ID (FlowMaestro sends no ids): events sent meanwhile may be lost, or repeated by a server that replays',
  };
}

/** `runstream executions`. */
export const executions: Command = {
  name: 'executions',
  summary: 'watch a FlowMaestro execution: nodes and a progress bar',
  usage: ['runstream executions <execution_id> [options]'],
  description:
    `Streams a FlowMaestro execution (${routeText(flowmaestro.routes.stream, { executionId: '{id}' })} below the base URL): each node as it starts and\n` +
    'finishes (the node duration shown is the server\'s durationMs, labelled), and a progress bar from\n' +
    'execution:progress: live in the status line on a terminal, one line per update when piped.',
  flags: FLAGS,
  notes:
    `Environment: RUNSTREAM_BASE_URL, else FLOWMAESTRO_BASE_URL (default ${flowmaestro.baseUrl}; add /api if\n` +
    '             your server needs it); RUNSTREAM_API_KEY, else FLOWMAESTRO_API_KEY (sent as X-API-Key).',
  examples: [
    'runstream executions exec_xyz789',
    'runstream executions exec_xyz789 --base-url http://127.0.0.1:4800/api --api-key test-key',
    "runstream executions exec_xyz789 --record incident.json   # replay: new FlowMaestro({ fetch: scriptedFetch({ 'GET /v1/executions/:id/events': recorded }) })",
  ],
  async run(argv, context: Context) {
    const ready = setup(executions, argv, context);
    if (!ready) return HELP_SHOWN;
    const [id] = positionals(ready.parsed, ['execution_id'], 'runstream executions <execution_id>');
    const client = new FlowMaestro({ ...clientConfig(ready.parsed, { baseUrl: 'FLOWMAESTRO_BASE_URL', apiKey: 'FLOWMAESTRO_API_KEY' }, context.env), onCall: ready.session.onCall });
    const stream = client.executions.stream(id!, ready.session.streamOptions(ready.stream));
    return ready.session.watch(stream, executionsView(context.output));
  },
};
