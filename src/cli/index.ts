// Node-only: the `runstream` bin (built to dist/cli.js). The browser entry never imports it.
/// <reference types="node" />
/**
 * `runstream`: watch any run or any SSE URL from a terminal. Dispatches to one command per file
 * under `commands/`; every command uses the library through its public entries only.
 *
 * @module
 */
import { createRequire } from 'node:module';
import { UsageError, distance } from './args.js';
import { helpText, type Command, type Context } from './command.js';
import { demo } from './commands/demo.js';
import { executions } from './commands/executions.js';
import { jobs } from './commands/jobs.js';
import { runner } from './commands/runner.js';
import { runs } from './commands/runs.js';
import { serve } from './commands/serve.js';
import { skills } from './commands/skills.js';
import { agui } from './commands/agui.js';
import { tail } from './commands/tail.js';
import { mcp } from './commands/mcp.js';
import { a2a } from './commands/a2a.js';
import { anthropicCommand, openaiCommand } from './commands/models.js';
import { Output } from './output.js';
import { EXIT, EXIT_TABLE, errorLines, exitCodeOfError } from './watch.js';
import { redactText } from '../index.js';

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [tail, runs, executions, jobs, skills, runner, serve, demo, mcp, a2a, agui, openaiCommand, anthropicCommand];

/** `runstream --help`. */
export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length)) + 2;
  return [
    'runstream: watch any run or any SSE URL from a terminal.',
    '',
    'Usage: runstream <command> [options]      runstream help <command>      runstream <command> --help',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}${command.summary}`),
    '',
    'Output: a live view on a terminal (colours, a status line on stderr); plain lines when piped; --json for one',
    'JSON object per event per line (only that on stdout); --raw for the bytes as received. Diagnostics go to',
    'stderr. NO_COLOR disables colours, FORCE_COLOR enables them (also when piped).',
    '',
    'Examples:',
    '  npx runstream demo                                            # every platform, off the bundled reference server',
    '  runstream serve &                                             # the reference server on http://127.0.0.1:4800',
    '  runstream runs run_abc123 --base-url http://127.0.0.1:4800 --api-key test-key',
    '  runstream tail http://127.0.0.1:4800/api/events --json | jq .type',
    '',
    EXIT_TABLE,
    '',
    'Docs: docs/cli.md in the package.',
    '',
  ].join('\n');
}

function version(): string {
  // dist/cli.js sits next to the package's package.json, one level up.
  return (createRequire(import.meta.url)('../package.json') as { version: string }).version;
}

function find(name: string): Command {
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command) return command;
  const near = COMMANDS.map((candidate) => ({ candidate, d: distance(name, candidate.name) })).sort((a, b) => a.d - b.d)[0];
  throw new UsageError(
    `unknown command "${name}"`,
    near && near.d <= 2 ? `did you mean "runstream ${near.candidate.name}"? (runstream --help lists every command)` : 'runstream --help lists every command',
  );
}

/**
 * Runs the command line `argv` (without `node` and the script).
 *
 * @returns the exit code.
 */
export async function main(argv: string[], context: Context): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) throw new UsageError('missing command', 'runstream --help lists every command; try npx runstream demo');
  if (name === '--help' || name === '-h') {
    process.stdout.write(mainHelp());
    return EXIT.ok;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`${version()}\n`);
    return EXIT.ok;
  }
  if (name === 'help') {
    process.stdout.write(rest[0] === undefined ? mainHelp() : helpText(find(rest[0])));
    return EXIT.ok;
  }
  if (name.startsWith('-')) throw new UsageError(`unknown option "${name}" before the command`, 'runstream <command> [options]; see runstream --help');
  return find(name).run(rest, context);
}

/** Prints a failure on stderr and gives its exit code. */
function report(output: Output, error: unknown): number {
  if (error instanceof UsageError) {
    output.diag(`runstream: ${redactText(error.message)}`);
    if (error.hint) output.diag(output.err.dim(`hint: ${error.hint}`));
    return EXIT.usage;
  }
  for (const line of errorLines(error)) output.diag(output.err.red(`✖ ${line}`));
  return exitCodeOfError(error);
}

function exit(code: number): void {
  process.exitCode = code;
  // Exit once output is flushed, even if a keep-alive socket would hold the loop open.
  setTimeout(() => process.exit(code), 200).unref();
}

const output = new Output();
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  // `runstream … | head -1`: the reader left.
  if (error.code === 'EPIPE') process.exit(EXIT.ok);
  throw error;
});
const argv = process.argv.slice(2);
main(argv, { output, env: process.env, argv }).then(exit, (error: unknown) => exit(report(output, error)));
