/// <reference types="node" />
/**
 * `runstream openai <input>` and `runstream anthropic <message>`: a model's streamed answer,
 * its text as each part completes, tool calls with their parsed arguments, then the outcome
 * (`completed` with its status or stop reason), or the typed error.
 *
 * @module
 */
import { AnthropicMessages, OpenAIResponses, type StreamEvent } from '../../index.js';
import { CLIENT_FLAGS, OUTPUT_FLAGS, bool, clientConfig, int, positionals, str, type Flag } from '../args.js';
import { HELP_SHOWN, setup, type Command, type Context } from '../command.js';
import { field, short, text, type Output } from '../output.js';
import { anthropic as anthropicDefinition } from '../../platforms/anthropic/definition.js';
import { openai as openaiDefinition } from '../../platforms/openai/definition.js';
import { type EndInfo, type View } from '../watch.js';
import { routeText } from './platform.js';
import { endLines } from './runs.js';

const IDLE: Flag = { name: 'idle-timeout', type: 'string', arg: '<ms>', help: 'fail after this much silence (0: never, the default)' };

/** The end of a model's stream: its outcome with the status, or the typed error. */
function modelEnd(output: Output, info: EndInfo, status: string): void {
  const c = output.out;
  if (!info.error && !info.interrupted && info.outcome?.type === 'completed') {
    const { serverStatus, message } = info.outcome;
    return void output.line(c.green(`✅ completed${serverStatus ? ` (${status} ${serverStatus}${message ? `: ${message}` : ''})` : ''}`));
  }
  endLines(output, info, false);
}

/** The view of an OpenAI Responses stream. */
export function openaiView(output: Output): View {
  const c = output.out;
  return {
    event(event: StreamEvent<string, unknown>) {
      const { type, data } = event;
      if (type === 'response.created') return void output.line(c.bold(`▶ ${text(field(data, 'response'), 'id') ?? 'response'}${field(field(data, 'response'), 'background') === true ? c.dim(' (background)') : ''}`));
      if (type === 'response.output_text.done') return void output.line(text(data, 'text') ?? '');
      if (type === 'response.refusal.done') return void output.line(c.yellow(`refusal: ${text(data, 'refusal') ?? ''}`));
      if (type === 'response.function_call_arguments.done') return void output.line(`${c.cyan('ƒ')} ${text(data, 'name') ?? 'function'}(${short(text(data, 'arguments') ?? '', 200)})`);
      if (type === 'error') return void output.line(c.red(`❌ error ${text(data, 'code') ?? text(field(data, 'error'), 'code') ?? ''}: ${text(data, 'message') ?? text(field(data, 'error'), 'message') ?? short(data)}`));
      if (type === 'response.failed') {
        const error = field(field(data, 'response'), 'error');
        return void output.line(c.red(`❌ failed ${text(error, 'code') ?? ''}: ${text(error, 'message') ?? ''}`));
      }
      if (type === 'unknown') return void output.line(c.dim(`· ${text(data, 'type') ?? 'unknown event'}`));
    },
    end: (info) => modelEnd(output, info, 'status'),
    resync: (event) => `⟳ events ${Number(field(event.data, 'after')) + 1}–${Number(field(event.data, 'next')) - 1} were lost (a gap in sequence_number)`,
  };
}

/** The view of an Anthropic Messages stream. */
export function anthropicView(output: Output): View {
  const c = output.out;
  const blocks = new Map<number, { type: string; name?: string | undefined; parts: string[] }>();
  return {
    event(event: StreamEvent<string, unknown>) {
      const { type, data } = event;
      const index = Number(field(data, 'index'));
      if (type === 'message_start') return void output.line(c.bold(`▶ ${text(field(data, 'message'), 'id') ?? 'message'} · ${text(field(data, 'message'), 'model') ?? ''}`));
      if (type === 'content_block_start') return void blocks.set(index, { type: text(field(data, 'content_block'), 'type') ?? '', name: text(field(data, 'content_block'), 'name'), parts: [] });
      if (type === 'content_block_delta') {
        const delta = field(data, 'delta');
        const piece = text(delta, 'text') ?? text(delta, 'partial_json') ?? text(delta, 'thinking');
        if (piece !== undefined) blocks.get(index)?.parts.push(piece);
        return;
      }
      if (type === 'content_block_stop') {
        const block = blocks.get(index);
        if (!block) return;
        const body = block.parts.join('');
        if (block.type === 'text') output.line(body);
        else if (block.type === 'thinking') output.line(c.dim(`(thinking) ${short(body, 200)}`));
        else if (block.type.endsWith('tool_use')) output.line(`${c.cyan('ƒ')} ${block.name ?? 'tool'}(${short(body || '{}', 200)})`);
        return;
      }
      if (type === 'error') return void output.line(c.red(`❌ ${text(field(data, 'error'), 'type') ?? 'error'}: ${text(field(data, 'error'), 'message') ?? short(data)}`));
      if (type === 'unknown') return void output.line(c.dim(`· ${text(data, 'type') ?? 'unknown event'}`));
    },
    end: (info) => modelEnd(output, info, 'stop_reason'),
    resync: () => '⟳ a gap in the stream (a message is never re-sent)',
  };
}

/** `runstream openai`. */
export const openaiCommand: Command = {
  name: 'openai',
  summary: `stream an OpenAI response (${routeText(openaiDefinition.routes.create)})`,
  usage: ['runstream openai <input> [--model <model>] [--background] [options]'],
  description:
    'Creates an OpenAI response with stream: true and prints its text as each part completes, function\n' +
    'calls with their arguments, then the outcome (completed, or completed with status incomplete and\n' +
    'the reason). An error inside the stream fails the command (exit 1). A foreground response is never\n' +
    're-sent: a drop fails the command ("generation stopped", exit 5); with --background a drop resumes\n' +
    'with starting_after.',
  flags: [
    { name: 'model', type: 'string', arg: '<model>', help: 'the model (default gpt-5)' },
    { name: 'background', type: 'boolean', help: 'run in the background: a dropped stream resumes (within about 5 minutes)' },
    IDLE,
    ...CLIENT_FLAGS,
    ...OUTPUT_FLAGS,
  ],
  notes:
    `Environment: RUNSTREAM_BASE_URL, else OPENAI_BASE_URL (default ${openaiDefinition.baseUrl});\n` +
    '             RUNSTREAM_API_KEY, else OPENAI_API_KEY (sent as Authorization: Bearer).',
  examples: ["runstream openai 'Say hello' --model gpt-5", "runstream openai 'Write an essay' --background"],
  async run(argv, context: Context) {
    const ready = setup(openaiCommand, argv, context);
    if (!ready) return HELP_SHOWN;
    const [input] = positionals(ready.parsed, ['input'], "runstream openai 'Say hello'");
    const client = new OpenAIResponses({ ...clientConfig(ready.parsed, { baseUrl: 'OPENAI_BASE_URL', apiKey: 'OPENAI_API_KEY' }, context.env), onCall: ready.session.onCall });
    const background = bool(ready.parsed, 'background');
    const params = { model: str(ready.parsed, 'model') ?? 'gpt-5', input: input!, ...(background ? { background: true, store: true } : {}) };
    const stream = client.responses.stream(params, ready.session.streamOptions({ idleTimeout: int(ready.parsed, 'idle-timeout') }));
    return ready.session.watch(stream, openaiView(context.output));
  },
};

/** `runstream anthropic`. */
export const anthropicCommand: Command = {
  name: 'anthropic',
  summary: `stream an Anthropic message (${routeText(anthropicDefinition.routes.create)})`,
  usage: ['runstream anthropic <message> [--model <model>] [--max-tokens <n>] [options]'],
  description:
    'Creates an Anthropic message with stream: true and prints each text block as it completes, tool\n' +
    'uses with their input, then the outcome with the stop_reason. An error inside the stream\n' +
    '(overloaded_error, …) fails the command (exit 1); a stream that ends before message_stop is cut off\n' +
    '(exit 5; a reset connection: exit 4). A message is never re-sent.',
  flags: [
    { name: 'model', type: 'string', arg: '<model>', help: 'the model (default claude-opus-4-1)' },
    { name: 'max-tokens', type: 'string', arg: '<n>', help: 'max_tokens (default 1024)' },
    IDLE,
    ...CLIENT_FLAGS,
    ...OUTPUT_FLAGS,
  ],
  notes:
    `Environment: RUNSTREAM_BASE_URL, else ANTHROPIC_BASE_URL (default ${anthropicDefinition.baseUrl});\n` +
    '             RUNSTREAM_API_KEY, else ANTHROPIC_API_KEY (sent as x-api-key, with anthropic-version: 2023-06-01).',
  examples: ["runstream anthropic 'Hello' --model claude-opus-4-1 --max-tokens 256"],
  async run(argv, context: Context) {
    const ready = setup(anthropicCommand, argv, context);
    if (!ready) return HELP_SHOWN;
    const [message] = positionals(ready.parsed, ['message'], "runstream anthropic 'Hello'");
    const client = new AnthropicMessages({ ...clientConfig(ready.parsed, { baseUrl: 'ANTHROPIC_BASE_URL', apiKey: 'ANTHROPIC_API_KEY' }, context.env), onCall: ready.session.onCall });
    const params = { model: str(ready.parsed, 'model') ?? 'claude-opus-4-1', max_tokens: int(ready.parsed, 'max-tokens') ?? 1024, messages: [{ role: 'user' as const, content: message! }] };
    const stream = client.messages.stream(params, ready.session.streamOptions({ idleTimeout: int(ready.parsed, 'idle-timeout') }));
    return ready.session.watch(stream, anthropicView(context.output));
  },
};
