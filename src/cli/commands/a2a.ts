/// <reference types="node" />
/**
 * `runstream a2a <text>` / `runstream a2a --task <id>`: an A2A v1.0 agent's answer (a message
 * sent with `SendStreamingMessage`, or a task followed with `SubscribeToTask`): the task's status
 * updates, its artifacts as they grow, and how it ended.
 *
 * @module
 */
import { A2A, type StreamEvent } from '../../index.js';
import { CLIENT_FLAGS, OUTPUT_FLAGS, UsageError, clientConfig, int, positionals, str, type Flag } from '../args.js';
import { HELP_SHOWN, setup, type Command, type Context } from '../command.js';
import { field, short, text, type Output } from '../output.js';
import { a2a as definition } from '../../platforms/a2a/definition.js';
import type { EndInfo, View } from '../watch.js';
import { endLines } from './runs.js';

const FLAGS: Flag[] = [
  { name: 'task', type: 'string', arg: '<task_id>', help: 'follow this task (SubscribeToTask) instead of sending a message' },
  { name: 'binding', type: 'string', arg: '<jsonrpc|rest>', help: 'the protocol binding (default jsonrpc)' },
  { name: 'idle-timeout', type: 'string', arg: '<ms>', help: 'fail after this much silence (0: never, the default)' },
  ...CLIENT_FLAGS,
  ...OUTPUT_FLAGS,
];

/** The text of a message's (or an artifact's) text parts, joined. */
function partsText(holder: unknown, separator = ' '): string {
  const parts = field(holder, 'parts');
  return Array.isArray(parts) ? parts.map((part) => text(part, 'text') ?? (field(part, 'data') !== undefined ? short(field(part, 'data'), 60) : '')).join(separator) : '';
}

/** A task state without its `TASK_STATE_` prefix, lower-case: `working`, `input_required`. */
function stateText(status: unknown): string {
  return (text(status, 'state') ?? 'unknown').replace(/^TASK_STATE_/, '').toLowerCase();
}

/** The view of an A2A stream. */
export function a2aView(output: Output): View {
  const c = output.out;
  let ended = false;
  const statusLine = (status: unknown) => {
    const state = stateText(status);
    const note = partsText(field(status, 'message'));
    const paint = state === 'completed' ? c.green : state === 'failed' || state === 'rejected' ? c.red : state.endsWith('required') || state === 'canceled' ? c.yellow : c.cyan;
    return `${paint(`● ${state}`)}${note ? ` ${note}` : ''}`;
  };
  return {
    event(event: StreamEvent<string, unknown>) {
      const { type, data } = event;
      if (type === 'task') return void output.line(c.bold(`▶ task ${text(data, 'id') ?? '?'}`) + c.dim(` (context ${text(data, 'contextId') ?? '?'})`) + ` ${statusLine(field(data, 'status'))}`);
      if (type === 'statusUpdate') {
        const state = stateText(field(data, 'status'));
        ended ||= ['completed', 'failed', 'rejected', 'canceled', 'input_required', 'auth_required'].includes(state);
        return void output.line(`${c.gray('├─')} ${statusLine(field(data, 'status'))}`);
      }
      if (type === 'artifactUpdate') {
        const artifact = field(data, 'artifact');
        const name = text(artifact, 'name') || text(artifact, 'artifactId') || 'artifact';
        const more = field(data, 'append') === true ? c.dim(' (+)') : '';
        const last = field(data, 'lastChunk') === true ? c.dim(' ✓') : '';
        return void output.line(`${c.gray('├─')} ${c.magenta(`▤ ${name}`)}${more}${last} ${partsText(artifact, '')}`);
      }
      if (type === 'message') {
        ended = true;
        return void output.line(`${c.green('✉')} ${partsText(data)}`);
      }
      if (type === 'resync') return void output.line(c.yellow(`⟳ re-subscribed after a drop: the task as it stands, ${statusLine(field(field(data, 'task'), 'status'))}`));
      if (type === 'error') {
        ended = true;
        return void output.line(c.red(`❌ A2A error ${String(field(data, 'code'))}: ${text(data, 'message') ?? short(data)}`));
      }
      output.line(`${type} ${short(data)}`);
    },
    end(info: EndInfo) {
      const outcome = info.outcome;
      if (!info.error && !info.interrupted && outcome?.type === 'interrupted') return void output.line(c.yellow(`⏸ the agent waits for you${outcome.message ? `: ${outcome.message}` : ''} (answer with the task id)`));
      endLines(output, info, ended);
    },
    resync: (event) => `⟳ re-subscribed to task ${text(field(event.data, 'task'), 'id') ?? '?'} after a drop (the snapshot replaces the missed updates)`,
  };
}

/** `runstream a2a`. */
export const a2a: Command = {
  name: 'a2a',
  summary: 'send a message to an A2A v1.0 agent and watch the task (SendStreamingMessage, SubscribeToTask)',
  usage: ['runstream a2a <text> [--binding jsonrpc|rest] [options]', 'runstream a2a --task <task_id> [options]'],
  description:
    "Sends the text to an A2A agent (--base-url: its interface URL from the agent card) and streams the\n" +
    'task: status updates, artifacts as they grow, then how it ended (exit 0 completed, 1 failed or\n' +
    'rejected, 3 canceled, 6 input or auth required). With --task, follows an existing task. A dropped\n' +
    'stream re-subscribes to the task once its id is known; the message is never sent twice.',
  flags: FLAGS,
  notes: `Environment: RUNSTREAM_BASE_URL, else A2A_BASE_URL (default ${definition.baseUrl});\n             RUNSTREAM_API_KEY, else A2A_API_KEY (sent as Authorization: Bearer).`,
  examples: [
    "runstream a2a 'What is the weather in Paris?' --base-url http://localhost:41241",
    "runstream a2a 'hello' --base-url http://127.0.0.1:4800/a2a --binding rest   # the reference server's A2A agent",
    'runstream a2a --task 3f36680c-7f37-4a5f-945e-d78981fafd36 --base-url http://localhost:41241 --json',
  ],
  async run(argv, context: Context) {
    const ready = setup(a2a, argv, context);
    if (!ready) return HELP_SHOWN;
    const taskId = str(ready.parsed, 'task');
    const binding = str(ready.parsed, 'binding') ?? 'jsonrpc';
    if (binding !== 'jsonrpc' && binding !== 'rest') throw new UsageError(`--binding must be jsonrpc or rest, not "${binding}"`, 'the agent card lists its bindings in supportedInterfaces[].protocolBinding');
    const [message] = taskId === undefined ? positionals(ready.parsed, ['text'], "runstream a2a '<text>'") : [undefined];
    const client = new A2A({ ...clientConfig(ready.parsed, { baseUrl: 'A2A_BASE_URL', apiKey: 'A2A_API_KEY' }, context.env), onCall: ready.session.onCall });
    const options = { binding, ...ready.session.streamOptions({ idleTimeout: int(ready.parsed, 'idle-timeout') }) } as const;
    const stream = taskId === undefined ? client.tasks.stream(message!, options) : client.tasks.subscribe(taskId, options);
    return ready.session.watch(stream, a2aView(context.output));
  },
};
