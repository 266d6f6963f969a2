/// <reference types="node" />
/**
 * Flags of the `runstream` bin (Node only): one spec per flag, parsed with `node:util`
 * `parseArgs`, rendered in `--help`; usage errors; the client options each platform command
 * takes from flags and environment variables.
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { Runstream } from '../index.js';

/** One flag: its `parseArgs` type, short letter, argument name and help line. */
export interface Flag {
  name: string;
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** The argument as help shows it, e.g. `<ms>`. */
  arg?: string;
  help: string;
}

/** A command line the bin cannot run: exit code 2, with a hint. */
export class UsageError extends Error {
  override name = 'UsageError';
  /** What to try instead, e.g. `runstream tail --help`. */
  readonly hint: string | undefined;

  constructor(message: string, hint?: string) {
    super(message);
    this.hint = hint;
  }
}

/**
 * `--record <file.json>`: write what the stream received as a replayable script. One of the
 * {@link OUTPUT_FLAGS}: every command that has them watches a stream (see `Session.watch`).
 */
export const RECORD_FLAG: Flag = {
  name: 'record',
  type: 'string',
  arg: '<file.json>',
  help: 'write what the stream received (every connection, reconnects and their Last-Event-ID) as a testing-kit script, when it ends or on Ctrl-C; replay it with scriptedFetch()',
};

/** Flags of every streaming command: output modes, limits, and `--record`. */
export const OUTPUT_FLAGS: Flag[] = [
  { name: 'json', type: 'boolean', help: 'one JSON object per event per line ({"type","id","data"}), nothing else on stdout' },
  { name: 'raw', type: 'boolean', help: 'the response bytes as received (SSE frames), nothing else on stdout' },
  { name: 'verbose', short: 'v', type: 'boolean', help: 'log each request on stderr, reconnects included (method, redacted URL and headers; status, x-request-id, time, or the failure)' },
  { name: 'max-events', type: 'string', arg: '<n>', help: 'close the stream after n events (exit 0)' },
  RECORD_FLAG,
];

/** Flags of every stream: resume and reconnection. */
export const STREAM_FLAGS: Flag[] = [
  { name: 'last-event-id', type: 'string', arg: '<id>', help: 'send Last-Event-ID on the first request (resume after that event)' },
  { name: 'no-reconnect', type: 'boolean', help: 'do not reconnect when the connection ends or drops' },
  { name: 'idle-timeout', type: 'string', arg: '<ms>', help: 'count the connection as dropped after this much silence (0: never)' },
];

/** Flags of the platform commands: where the platform is and the key. */
export const CLIENT_FLAGS: Flag[] = [
  { name: 'base-url', type: 'string', arg: '<url>', help: 'the platform API root (default: $RUNSTREAM_BASE_URL, then the platform\'s variable, then its documented URL)' },
  { name: 'api-key', type: 'string', arg: '<key>', help: 'the API key (default: $RUNSTREAM_API_KEY, then the platform\'s variable); never printed' },
];

/** `--help`, which every command has. */
export const HELP_FLAG: Flag = { name: 'help', short: 'h', type: 'boolean', help: 'show this help' };

/** Parsed flags (`values`) and positionals of one command line. */
export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/**
 * Parses `argv` with `parseArgs` in strict mode.
 *
 * @throws UsageError for an unknown flag, a missing argument, or a flag given twice that is not repeatable.
 */
export function parse(argv: string[], flags: Flag[], hint: string): Parsed {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const flag of [...flags, HELP_FLAG]) {
    options[flag.name] = { type: flag.type, ...(flag.short ? { short: flag.short } : {}), ...(flag.multiple ? { multiple: true } : {}) };
  }
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: values as Parsed['values'], positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(message.replace(/\. To specify a positional argument.*$/s, ''), suggest(message, flags) ?? hint);
  }
}

/** "did you mean --x?" for an unknown flag close to a known one. */
function suggest(message: string, flags: Flag[]): string | undefined {
  const unknown = /Unknown option '-{1,2}([^']+)'/.exec(message)?.[1];
  if (!unknown) return undefined;
  const best = flags
    .map((flag) => ({ flag, distance: distance(unknown, flag.name) }))
    .sort((a, b) => a.distance - b.distance)[0];
  return best && best.distance <= 2 ? `did you mean --${best.flag.name}?` : undefined;
}

/** Levenshtein distance, for suggestions. */
export function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** A string flag's value. */
export function str(parsed: Parsed, name: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A boolean flag's value. */
export function bool(parsed: Parsed, name: string): boolean {
  return parsed.values[name] === true;
}

/** The longest duration a flag in milliseconds takes: setTimeout's limit, as the library's options. */
export const MAX_MS = 2_147_483_647;

/**
 * A non-negative integer flag, `undefined` when absent.
 *
 * @param max - the largest value allowed (e.g. {@link MAX_MS} for a duration).
 * @throws UsageError when it is not a whole number from 0 to `max`.
 */
export function int(parsed: Parsed, name: string, max: number = Number.MAX_SAFE_INTEGER): number | undefined {
  const value = str(parsed, name);
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > max) {
    throw new UsageError(`--${name} must be a whole number from 0 to ${max}, got "${value}"`);
  }
  return number;
}

/**
 * Exactly `count` positionals named `names`.
 *
 * @throws UsageError when there are fewer or more.
 */
export function positionals(parsed: Parsed, names: string[], hint: string): string[] {
  if (parsed.positionals.length < names.length) throw new UsageError(`missing ${names.slice(parsed.positionals.length).map((name) => `<${name}>`).join(' ')}`, hint);
  if (parsed.positionals.length > names.length) throw new UsageError(`unexpected argument "${parsed.positionals[names.length]}"`, hint);
  return parsed.positionals;
}

/** `--json` and `--raw`: which output mode. @throws UsageError when both are given. */
export function outputMode(parsed: Parsed): 'view' | 'json' | 'raw' {
  if (bool(parsed, 'json') && bool(parsed, 'raw')) throw new UsageError('--json and --raw exclude each other');
  return bool(parsed, 'json') ? 'json' : bool(parsed, 'raw') ? 'raw' : 'view';
}

/** The environment variables a platform command reads, besides `RUNSTREAM_BASE_URL` and `RUNSTREAM_API_KEY`. */
export interface PlatformEnv {
  /** e.g. `CREWSHIP_BASE_URL`. */
  baseUrl: string;
  /** e.g. `CREWSHIP_API_KEY`; none for platforms without auth. */
  apiKey?: string;
}

/**
 * The base URL and key of a platform command: the flag, else `RUNSTREAM_*`, else the platform's
 * own variable. `undefined` leaves the platform client's documented default.
 *
 * @throws UsageError (exit 2) when the base URL can never work: not an absolute http(s) URL
 *   (`127.0.0.1:4800` without its scheme), or a port that is not 1–65535. The message names
 *   where the URL came from (the flag or the variable).
 */
export function clientConfig(parsed: Parsed, platform: PlatformEnv, env: NodeJS.ProcessEnv = process.env): { baseUrl?: string; apiKey?: string } {
  const sources: [string, string | undefined][] = [
    ['--base-url', str(parsed, 'base-url')],
    ['$RUNSTREAM_BASE_URL', env.RUNSTREAM_BASE_URL],
    [`$${platform.baseUrl}`, env[platform.baseUrl]],
  ];
  const [source, baseUrl] = sources.find(([, value]) => value !== undefined && value !== '') ?? [];
  if (source && baseUrl) checkBaseUrl(source, baseUrl);
  const pick = (...values: (string | undefined)[]) => values.find((value) => value !== undefined && value !== '');
  const apiKey = pick(str(parsed, 'api-key'), env.RUNSTREAM_API_KEY, platform.apiKey ? env[platform.apiKey] : undefined);
  return { ...(baseUrl ? { baseUrl } : {}), ...(apiKey ? { apiKey } : {}) };
}

/** Throws the usage error of a base URL the client would refuse, naming `source`. */
function checkBaseUrl(source: string, baseUrl: string): void {
  try {
    // The library's own check (and message), through the public client: one rule for URLs.
    new Runstream({ baseUrl });
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/^runstream: /, '').replace(/^`baseUrl`\s*/, '') : String(error);
    // A bare host[:port][/path] (no scheme, no credentials) is shown with the scheme it lacks.
    const bare = /^[\w.-]+(?::\d{1,5})?(?:\/[^\s@]*)?$/.test(baseUrl) && !/^https?:/i.test(baseUrl);
    throw new UsageError(`${source} ${message}`, bare ? `did you mean ${source === '--base-url' ? '--base-url ' : ''}http://${baseUrl}?` : undefined);
  }
}
