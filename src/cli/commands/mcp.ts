/// <reference types="node" />
/**
 * `runstream mcp <tool> --args '{…}'`: one MCP tool call (or `--method` for any request) over
 * Streamable HTTP, its progress and log lines, then the result's text, the tool error, or the
 * JSON-RPC error.
 *
 * @module
 */
import { MCP, type MCPProtocolVersion, type StreamEvent } from '../../index.js';
import { CLIENT_FLAGS, OUTPUT_FLAGS, UsageError, bool, clientConfig, int, positionals, str, type Flag } from '../args.js';
import { HELP_SHOWN, setup, type Command, type Context } from '../command.js';
import { field, short, text, type Output } from '../output.js';
import { mcp as definition } from '../../platforms/mcp/definition.js';
import { type EndInfo, type View } from '../watch.js';
import { endLines } from './runs.js';
import { bodyOf } from './tail.js';

const FLAGS: Flag[] = [
  { name: 'args', type: 'string', arg: '<json|@file|->', help: "the tool's arguments, a JSON object (default {})" },
  { name: 'method', type: 'string', arg: '<method>', help: 'send this JSON-RPC method instead of tools/call; the positional is then unused' },
  { name: 'params', type: 'string', arg: '<json|@file|->', help: 'the params of --method, a JSON object (default {})' },
  { name: 'protocol', type: 'string', arg: '<version>', help: "the MCP revision: 2025-11-25 (default) or 2026-07-28" },
  { name: 'initialize', type: 'boolean', help: '2025-11-25: open a session first (initialize; Mcp-Session-Id)' },
  { name: 'log-level', type: 'string', arg: '<level>', help: '2026-07-28: ask for notifications/message at this level' },
  { name: 'idle-timeout', type: 'string', arg: '<ms>', help: 'fail after this much silence (default 120000)' },
  ...CLIENT_FLAGS,
  ...OUTPUT_FLAGS,
];

/** The view of one MCP request. */
export function mcpView(output: Output, what: string): View {
  const c = output.out;
  let ended = false;
  return {
    event(event: StreamEvent<string, unknown>) {
      const { type, data } = event;
      if (type === 'notifications/progress') {
        const total = field(data, 'total');
        const message = text(data, 'message');
        return void output.line(`${c.gray('├─')} ${c.cyan(`${String(field(data, 'progress'))}${typeof total === 'number' ? `/${total}` : ''}`)}${message ? ` ${message}` : ''}`);
      }
      if (type === 'notifications/message') return void output.line(`${c.gray('├─')} ${c.dim(`[${text(data, 'level') ?? 'log'}]`)} ${short(field(data, 'data'), 120)}`);
      if (type === 'result') {
        ended = true;
        const result = field(data, 'result');
        const content = field(result, 'content');
        const texts = Array.isArray(content) ? content.map((block) => text(block, 'text')).filter((line): line is string => line !== undefined) : [];
        if (field(result, 'isError') === true) output.line(c.red(`❌ ${what} failed (isError): ${texts.join('\n') || short(result)}`));
        else if (field(result, 'resultType') === 'input_required') output.line(c.yellow(`⏸ ${what} needs input: ${short(field(result, 'inputRequests'), 200)}`));
        else {
          output.line(c.green(`✅ ${what} completed`));
          output.line(texts.length ? texts.join('\n') : JSON.stringify(result ?? null, null, 2));
        }
        return;
      }
      if (type === 'error') {
        ended = true;
        const error = field(data, 'error');
        return void output.line(c.red(`❌ JSON-RPC error ${String(field(error, 'code'))}: ${text(error, 'message') ?? short(error)}`));
      }
      output.line(`${c.gray('├─')} ${c.magenta(type)} ${c.dim(short(data, 100))}`);
    },
    end(info: EndInfo) {
      endLines(output, info, ended);
    },
    resync: () => `⟳ ${what}: a gap in the stream`,
  };
}

/** A JSON object flag. @throws UsageError when it is not one. */
function objectOf(flag: string, value: string | undefined): Record<string, unknown> {
  if (value === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyOf(value));
  } catch (error) {
    throw new UsageError(`--${flag} is not JSON: ${error instanceof Error ? error.message : String(error)}`, `e.g. --${flag} '{"days": 7}'`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError(`--${flag} must be a JSON object`, `e.g. --${flag} '{"days": 7}'`);
  return parsed as Record<string, unknown>;
}

/** `runstream mcp`. */
export const mcp: Command = {
  name: 'mcp',
  summary: 'call an MCP tool over Streamable HTTP and watch its progress (POST <endpoint>)',
  usage: ["runstream mcp <tool> [--args '{…}'] [--protocol 2025-11-25|2026-07-28] [options]", "runstream mcp --method <method> [--params '{…}'] [options]"],
  description:
    'Sends one JSON-RPC request to an MCP endpoint (--base-url is the endpoint itself) and streams its\n' +
    'answer: progress and log notifications, then the result. A tool error (isError) exits 1; a JSON-RPC\n' +
    'error fails the command. A drop: 2025-11-25 resumes by GET with Last-Event-ID when the server sent\n' +
    'ids; 2026-07-28 cannot resume (the server cancels the request) and the command fails (exit 5).',
  flags: FLAGS,
  notes: `Environment: RUNSTREAM_BASE_URL, else MCP_BASE_URL (default ${definition.baseUrl});\n` + '             RUNSTREAM_API_KEY, else MCP_API_KEY (sent as Authorization: Bearer).',
  examples: [
    "runstream mcp report --args '{\"days\": 7}' --base-url http://127.0.0.1:3000/mcp --initialize",
    'runstream mcp search --protocol 2026-07-28 --log-level info --base-url http://127.0.0.1:3000/mcp',
    'runstream mcp --method tools/list --base-url http://127.0.0.1:4800/mcp/report',
  ],
  async run(argv, context: Context) {
    const ready = setup(mcp, argv, context);
    if (!ready) return HELP_SHOWN;
    const method = str(ready.parsed, 'method');
    const [tool] = method ? [undefined] : positionals(ready.parsed, ['tool'], "runstream mcp <tool> --args '{…}'");
    const protocol = str(ready.parsed, 'protocol') ?? '2025-11-25';
    if (protocol !== '2025-11-25' && protocol !== '2026-07-28') throw new UsageError(`--protocol must be 2025-11-25 or 2026-07-28, got ${protocol}`, 'e.g. --protocol 2026-07-28');
    const client = new MCP({
      ...clientConfig(ready.parsed, { baseUrl: 'MCP_BASE_URL', apiKey: 'MCP_API_KEY' }, context.env),
      protocolVersion: protocol as MCPProtocolVersion,
      onCall: ready.session.onCall,
    });
    if (bool(ready.parsed, 'initialize')) await client.initialize();
    const options = { ...ready.session.streamOptions({ idleTimeout: int(ready.parsed, 'idle-timeout') }), logLevel: str(ready.parsed, 'log-level') };
    const stream = method ? client.request(method, objectOf('params', str(ready.parsed, 'params')), options) : client.tools.call(tool!, objectOf('args', str(ready.parsed, 'args')), options);
    return ready.session.watch(stream, mcpView(context.output, method ?? tool!));
  },
};
