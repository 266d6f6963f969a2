/// <reference types="node" />
/**
 * The shape of a `runstream` command (Node only), its `--help` text, and the setup every
 * streaming command shares: the output, the session, the stream flags.
 *
 * @module
 */
import { HELP_FLAG, MAX_MS, bool, int, outputMode, parse, str, type Flag, type Parsed } from './args.js';
import { Output } from './output.js';
import { EXIT, EXIT_TABLE, Session } from './watch.js';

/** What a command runs with: where it writes, and the environment. */
export interface Context {
  output: Output;
  env: NodeJS.ProcessEnv;
  /** The whole command line after `runstream`, for the resume hint. */
  argv: string[];
  /** Install SIGINT handlers (off when `demo` runs commands in-process). @defaultValue true */
  sigint?: boolean;
}

/** One command of the bin. */
export interface Command {
  name: string;
  /** One line for `runstream --help`. */
  summary: string;
  /** Usage lines, e.g. `runstream runs <run_id> [options]`. */
  usage: string[];
  /** A paragraph for `--help`. */
  description: string;
  flags: Flag[];
  /** Example command lines, each with a comment. */
  examples: string[];
  /** Extra text after the flags (environment variables, …). */
  notes?: string;
  /** Its own exit-code table, for a command that watches no run (`serve`, `demo`); else {@link EXIT_TABLE}. */
  exitCodes?: string;
  /** Runs the command with its arguments (after the command name); resolves with the exit code. */
  run(argv: string[], context: Context): Promise<number>;
}

/** The `--help` text of a command. */
export function helpText(command: Command): string {
  const flags = [...command.flags, HELP_FLAG];
  const left = (flag: Flag) => `${flag.short ? `-${flag.short}, ` : '    '}--${flag.name}${flag.arg ? ` ${flag.arg}` : ''}`;
  const width = Math.max(...flags.map((flag) => left(flag).length)) + 2;
  return [
    `Usage: ${command.usage.join('\n       ')}`,
    '',
    command.description,
    '',
    'Options:',
    ...flags.map((flag) => `  ${left(flag).padEnd(width)}${flag.help}${flag.multiple ? ' (repeatable)' : ''}`),
    ...(command.notes ? ['', command.notes] : []),
    '',
    'Examples:',
    ...command.examples.map((example) => `  ${example}`),
    '',
    command.exitCodes ?? EXIT_TABLE,
    '',
  ].join('\n');
}

/** What a streaming command has once its flags are parsed. */
export interface Setup {
  parsed: Parsed;
  session: Session;
  /** The stream flags, for {@link Session.streamOptions}. */
  stream: { lastEventId?: string | undefined; reconnect?: boolean; idleTimeout?: number | undefined };
}

/**
 * Parses a streaming command's flags and makes its session; `undefined` after printing `--help`.
 *
 * @throws UsageError for bad flags.
 */
export function setup(command: Command, argv: string[], context: Context, typesOf?: (parsed: Parsed) => ReadonlySet<string> | undefined): Setup | undefined {
  const parsed = parse(argv, command.flags, `see runstream ${command.name} --help`);
  if (bool(parsed, 'help')) {
    process.stdout.write(helpText(command));
    return undefined;
  }
  const session = new Session(context.output, {
    mode: outputMode(parsed),
    verbose: bool(parsed, 'verbose'),
    maxEvents: int(parsed, 'max-events'),
    types: typesOf?.(parsed),
    argv: context.argv,
    sigint: context.sigint !== false,
    record: str(parsed, 'record'),
  });
  return {
    parsed,
    session,
    stream: { lastEventId: str(parsed, 'last-event-id'), reconnect: !bool(parsed, 'no-reconnect'), idleTimeout: int(parsed, 'idle-timeout', MAX_MS) },
  };
}

/** `--help` printed: exit 0. */
export const HELP_SHOWN = EXIT.ok;
