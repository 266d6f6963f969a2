/// <reference types="node" />
/**
 * `runstream agui <agent_url> [message]`: an AG-UI run (POST of a `RunAgentInput`), its text
 * messages, tool calls and state as they complete, then how it ended (completed, interrupted with
 * what it waits for, cancelled, or the `RUN_ERROR`).
 *
 * @module
 */
import { AGUI, initialAGUIRun, reduceAGUIRun, type AGUIEventMap, type AGUIRunAgentInput, type AGUIRunState, type EventOf, type StreamEvent } from '../../index.js';
import { CLIENT_FLAGS, OUTPUT_FLAGS, UsageError, clientConfig, int, str, type Flag } from '../args.js';
import { HELP_SHOWN, setup, type Command, type Context } from '../command.js';
import { short, type Output } from '../output.js';
import { agui as definition } from '../../platforms/agui/definition.js';
import { type EndInfo, type View } from '../watch.js';
import { endLines } from './runs.js';
import { bodyOf } from './tail.js';

const FLAGS: Flag[] = [
  { name: 'input', type: 'string', arg: '<json|@file|->', help: 'the whole RunAgentInput, a JSON object (instead of <message>)' },
  { name: 'thread-id', type: 'string', arg: '<id>', help: 'the threadId (default: a new UUID)' },
  { name: 'run-id', type: 'string', arg: '<id>', help: 'the runId (default: a new UUID)' },
  { name: 'idle-timeout', type: 'string', arg: '<ms>', help: 'fail after this much silence (0: never, the default)' },
  ...CLIENT_FLAGS,
  ...OUTPUT_FLAGS,
];

/** The view of an AG-UI run: each message, tool call and result once complete, then the end. */
export function aguiView(output: Output): View {
  const c = output.out;
  let run: AGUIRunState = initialAGUIRun;
  let ended = false;
  /** Messages that the last event seen closed (chunk-built ones), printed before that event. */
  let closed: [id: string, role: string][] | undefined;
  /** Text messages started and not yet ended: a cut leaves them partial. */
  const unfinished = new Set<string>();
  const messageText = (id: string) => {
    const message = run.messages.find((item) => item.id === id);
    return message && typeof message.content === 'string' ? message.content : '';
  };
  const say = (id: string, role = 'assistant') => output.line(`${c.bold(role === 'assistant' ? '🤖' : role === 'reasoning' ? '💭' : `${role}:`)} ${messageText(id)}`);
  return {
    observe(event: StreamEvent<string, unknown>) {
      if (definition.known.includes(event.type as keyof AGUIEventMap)) {
        const before = run;
        run = reduceAGUIRun(run, event as EventOf<AGUIEventMap>);
        // A chunk-built message is complete when an event of another kind closes it.
        if (before.open.text !== undefined && run.open.text !== before.open.text) (closed ??= []).push([before.open.text, 'assistant']);
        if (before.open.reasoning !== undefined && run.open.reasoning !== before.open.reasoning) (closed ??= []).push([before.open.reasoning, 'reasoning']);
      }
    },
    event(event: StreamEvent<string, unknown>) {
      for (const [id, role] of closed ?? []) say(id, role);
      closed = undefined;
      const data = event.data as Record<string, unknown>;
      switch (event.type) {
        case 'RUN_STARTED':
          return output.line(c.bold(`▶ run ${String(data.runId)} ${c.dim(`(thread ${String(data.threadId)})`)}`));
        case 'STEP_STARTED':
          return output.line(`${c.gray('├─')} ${c.cyan('●')} ${String(data.stepName)}`);
        case 'TEXT_MESSAGE_START':
          return void unfinished.add(String(data.messageId));
        case 'TEXT_MESSAGE_END':
          unfinished.delete(String(data.messageId));
          return say(String(data.messageId), run.messages.find((item) => item.id === data.messageId)?.role);
        case 'REASONING_MESSAGE_END':
          return say(String(data.messageId), 'reasoning');
        case 'TOOL_CALL_END': {
          const call = run.toolCalls.find((item) => item.id === data.toolCallId);
          if (!call) return;
          return output.line(`${c.gray('├─')} ${c.cyan('🔧')} ${call.name}(${short(call.argsError ? call.arguments : call.args ?? '', 100)})${call.argsError ? c.yellow(' (arguments are not JSON)') : ''}`);
        }
        case 'TOOL_CALL_RESULT':
          return output.line(`${c.gray('├─')} ${c.dim(`→ ${short(data.content, 100)}`)}`);
        case 'STATE_SNAPSHOT':
        case 'STATE_DELTA':
          return output.line(c.dim(`   state ${short(run.state, 100)}`));
        case 'SUBAGENT_ERROR':
          return output.line(c.yellow(`⚠ subagent ${String(data.subagentRunId)}: ${String(data.message)}`));
        case 'RUN_FINISHED': {
          ended = true;
          if (run.status === 'interrupted') {
            output.line(c.yellow('⏸ The run waits for you:'));
            for (const interrupt of run.interrupts) output.line(`   ${interrupt.id} (${interrupt.reason})${interrupt.message ? `: ${interrupt.message}` : ''}`);
            return;
          }
          if (run.status === 'cancelled') return output.line(c.yellow('■ Run cancelled'));
          output.line(c.green('✅ Run completed'));
          if (run.result !== undefined) output.line(c.dim(`   result ${short(run.result, 100)}`));
          return;
        }
        case 'RUN_ERROR':
          ended = true;
          return output.line(c.red(`❌ Run failed${data.code ? `: ${String(data.code)}` : ''}: ${String(data.message)}`));
        default:
          return;
      }
    },
    end(info: EndInfo) {
      for (const [id, role] of closed ?? []) say(id, role);
      if (!ended && run.open.text !== undefined) unfinished.add(run.open.text);
      if (!ended) for (const id of unfinished) output.line(`${c.bold('🤖')} ${messageText(id)}${c.dim(' (cut off)')}`);
      endLines(output, info, ended);
    },
    resync: () => '⟳ a gap in the stream (an AG-UI run is never re-sent)',
  };
}

/** The `RunAgentInput` from `--input`, else from `message` and the id flags. @throws UsageError */
function inputOf(message: string | undefined, input: string | undefined, threadId: string | undefined, runId: string | undefined): AGUIRunAgentInput {
  if (input !== undefined) {
    if (message !== undefined) throw new UsageError('give either <message> or --input, not both');
    let parsed: unknown;
    try {
      parsed = JSON.parse(bodyOf(input));
    } catch (error) {
      throw new UsageError(`--input is not JSON: ${error instanceof Error ? error.message : String(error)}`, `e.g. --input '{"threadId": "t1", "runId": "r1", "messages": []}'`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError('--input must be a JSON object (a RunAgentInput)');
    const body = parsed as Partial<AGUIRunAgentInput>;
    return { ...body, threadId: threadId ?? body.threadId ?? crypto.randomUUID(), runId: runId ?? body.runId ?? crypto.randomUUID() };
  }
  if (message === undefined) throw new UsageError('missing <message> (or --input)', 'runstream agui <agent_url> "Hello"');
  return {
    threadId: threadId ?? crypto.randomUUID(),
    runId: runId ?? crypto.randomUUID(),
    messages: [{ id: crypto.randomUUID(), role: 'user', content: message }],
  };
}

/** `runstream agui`. */
export const agui: Command = {
  name: 'agui',
  summary: 'start an AG-UI run and watch its messages, tool calls and state (POST <agent_url>)',
  usage: ['runstream agui <agent_url> <message> [options]', "runstream agui <agent_url> --input '{…}' | @file | - [options]"],
  description:
    'Starts a run on an AG-UI (1.0) agent with a POST of a RunAgentInput (a user message, or --input) and\n' +
    'prints its text messages, tool calls (arguments parsed) and state as they complete, then how it ended.\n' +
    'An interrupt exits 6 and lists what the run waits for; RUN_ERROR exits 1 with its code. A POST is never\n' +
    're-sent, and a stream cut before RUN_FINISHED fails the command (exit 4 or 5).',
  flags: FLAGS,
  notes:
    'The agent URL is <agent_url>, else --base-url, $RUNSTREAM_BASE_URL or $AGUI_URL.\n' +
    'Environment: RUNSTREAM_API_KEY, else AGUI_API_KEY (sent as Authorization: Bearer).',
  examples: [
    'runstream agui http://localhost:8000/agent "What is the weather in Oslo?"',
    'runstream agui http://127.0.0.1:4800/agui/approval "Book a flight"; echo "exit $?"   # the reference server: 6, waiting',
    'runstream agui http://localhost:8000/agent --input @input.json --json',
  ],
  async run(argv, context: Context) {
    const ready = setup(agui, argv, context);
    if (!ready) return HELP_SHOWN;
    const [url, message, extra] = ready.parsed.positionals;
    if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`, 'quote the message: runstream agui <agent_url> "Hello there"');
    const config = clientConfig(url === undefined ? ready.parsed : { ...ready.parsed, values: { ...ready.parsed.values, 'base-url': url } }, { baseUrl: 'AGUI_URL', apiKey: 'AGUI_API_KEY' }, context.env);
    if (config.baseUrl === undefined) throw new UsageError('missing <agent_url>', 'runstream agui http://localhost:8000/agent "Hello"');
    const input = inputOf(message, str(ready.parsed, 'input'), str(ready.parsed, 'thread-id'), str(ready.parsed, 'run-id'));
    const client = new AGUI({ ...config, onCall: ready.session.onCall });
    const idleTimeout = int(ready.parsed, 'idle-timeout');
    const stream = client.runs.start(input, ready.session.streamOptions({ idleTimeout }));
    return ready.session.watch(stream, aguiView(context.output));
  },
};
