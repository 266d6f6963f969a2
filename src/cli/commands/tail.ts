/// <reference types="node" />
/**
 * `runstream tail <url>`: any SSE endpoint, through `connect()`.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { connect, type StreamEvent } from '../../index.js';
import { OUTPUT_FLAGS, STREAM_FLAGS, UsageError, positionals, str, type Flag, type Parsed } from '../args.js';
import { HELP_SHOWN, setup, type Command, type Context } from '../command.js';
import { short } from '../output.js';
import { errorLines, type EndInfo, type View } from '../watch.js';

const FLAGS: Flag[] = [
  { name: 'method', short: 'X', type: 'string', arg: '<method>', help: 'HTTP method (default GET, or POST with --data)' },
  { name: 'header', short: 'H', type: 'string', multiple: true, arg: "'Name: value'", help: 'a request header' },
  { name: 'data', short: 'd', type: 'string', arg: '<json|@file|->', help: 'request body: text, @file, or - for stdin; sent as JSON (Content-Type: application/json) when it parses' },
  { name: 'types', type: 'string', arg: '<a,b>', help: 'show only these event types (client-side filter)' },
  { name: 'end-marker', type: 'string', arg: '<data>', help: "a data value that ends the stream cleanly, e.g. '[DONE]'" },
  ...STREAM_FLAGS,
  ...OUTPUT_FLAGS,
];

/** Request headers from repeated `-H 'Name: value'`. @throws UsageError for a header without a colon. */
export function headersOf(values: string[]): Headers {
  const headers = new Headers();
  for (const value of values) {
    const colon = value.indexOf(':');
    // The value is not echoed: a header without its colon may still be a credential.
    if (colon <= 0) throw new UsageError(`-H wants 'Name: value', got a value without a colon (${value.length} characters, not shown)`, "e.g. -H 'Authorization: Bearer $TOKEN'");
    try {
      headers.append(value.slice(0, colon).trim(), value.slice(colon + 1).trim());
    } catch {
      throw new UsageError(`-H: "${value.slice(0, colon)}" is not a valid header`);
    }
  }
  return headers;
}

/** The body of `-d`: the text, a file's content (`@file`), or stdin (`-`). @throws UsageError for a missing file. */
export function bodyOf(data: string): string {
  if (data === '-') return readFileSync(0, 'utf8');
  if (!data.startsWith('@')) return data;
  try {
    return readFileSync(data.slice(1), 'utf8');
  } catch (error) {
    throw new UsageError(`-d ${data}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Decodes data as JSON when it parses; else keeps the text. */
function decode(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The plain view: one line per event, `id type data`. */
function tailView(context: Context): View {
  const { output } = context;
  const c = output.out;
  return {
    event(event: StreamEvent<string, unknown>) {
      if (event.type === 'resync') return void output.line(c.yellow(this.resync(event)));
      output.line(`${event.id ? `${c.dim(event.id)} ` : ''}${c.bold(c.cyan(event.type))} ${short(event.data, 400)}`);
    },
    end({ outcome, error }: EndInfo) {
      if (error !== undefined) for (const line of errorLines(error)) output.diag(output.err.red(line));
      else if (outcome?.type === 'completed') output.diag(output.err.dim('■ end marker reached'));
    },
    resync: () => '⟳ reconnected without Last-Event-ID: events sent meanwhile may be lost',
  };
}

/** Builds the request options of `tail` from its flags. */
function request(parsed: Parsed): { method: string; headers: Headers; body?: string } {
  const headers = headersOf((parsed.values.header as string[] | undefined) ?? []);
  const data = str(parsed, 'data');
  const method = (str(parsed, 'method') ?? (data === undefined ? 'GET' : 'POST')).toUpperCase();
  if (data === undefined) return { method, headers };
  const body = bodyOf(data);
  if (!headers.has('content-type') && decode(body) !== body) headers.set('content-type', 'application/json');
  return { method, headers, body };
}

/** `runstream tail`. */
export const tail: Command = {
  name: 'tail',
  summary: 'watch any SSE endpoint (GET or POST), through connect()',
  usage: ['runstream tail <url> [-X method] [-H "Name: value"]... [-d json|@file|-] [options]'],
  description:
    'Streams any Server-Sent Events endpoint and prints one line per event (id, type, data), reconnecting\n' +
    'with Last-Event-ID as EventSource does, until the server ends it for good (204), --max-events, or Ctrl-C.\n' +
    'Data is decoded as JSON when it parses. Comments are counted, not shown.',
  flags: FLAGS,
  examples: [
    'runstream tail http://127.0.0.1:4800/api/events                 # the stax bus',
    "runstream tail http://127.0.0.1:4800/v1/runs/run_abc123/events -H 'Authorization: Bearer test-key' --json | jq .type",
    "runstream tail http://127.0.0.1:4800/v1/skills/my.skill/execute/stream -H 'x-api-key: test-key' -d '{\"inputs\":{\"text\":\"hi\"}}'",
    "runstream tail http://127.0.0.1:4800/api/v1/runs/run_abc123/stream --end-marker '[DONE]' --raw",
    'runstream tail http://127.0.0.1:4800/api/events --record incident.json   # then scriptedFetch(JSON.parse(…)) in a test',
  ],
  async run(argv, context) {
    const ready = setup(tail, argv, context, typesOf);
    if (!ready) return HELP_SHOWN;
    const [url] = positionals(ready.parsed, ['url'], 'runstream tail <url>; see runstream tail --help');
    const { method, headers, body } = request(ready.parsed);
    const endMarker = str(ready.parsed, 'end-marker');
    const stream = connect(url!, {
      ...ready.session.streamOptions(ready.stream),
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(endMarker !== undefined ? { endMarker } : {}),
      decode,
    });
    return ready.session.watch(stream, tailView(context));
  },
};

/** `--types a,b` as a set; `undefined` without the flag. */
export function typesOf(parsed: Parsed): ReadonlySet<string> | undefined {
  const types = (str(parsed, 'types') ?? '').split(',').map((type) => type.trim()).filter(Boolean);
  return types.length ? new Set(types) : undefined;
}
