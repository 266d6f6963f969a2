/// <reference types="node" />
/**
 * `runstream demo`: starts the reference server on a free port and shows one run per platform
 * through the platform views, one after the other, each under its own heading.
 *
 * @module
 */
import { startReferenceServer } from '../../testing/index.js';
import { bool, int, parse, positionals, type Flag } from '../args.js';
import { HELP_SHOWN, helpText, type Command, type Context } from '../command.js';
import { EXIT, shellQuote } from '../watch.js';
import { executions } from './executions.js';
import { jobs } from './jobs.js';
import { runner } from './runner.js';
import { runs } from './runs.js';
import { skills } from './skills.js';

const FLAGS: Flag[] = [{ name: 'event-delay', type: 'string', arg: '<ms>', help: 'wait before each scripted event (default 60)' }];

/** The demo's runs: a heading, the command, and its arguments (the base URL and key are added). */
function plan(url: string): { title: string; command: Command; args: string[] }[] {
  const key = ['--api-key', 'test-key'];
  return [
    { title: 'Crewship', command: runs, args: ['run_abc123', ...key] },
    { title: 'FlowMaestro', command: executions, args: ['exec_xyz789', ...key] },
    { title: 'PraisonAI', command: jobs, args: ['run', '--prompt', 'Analyze quarterly sales data'] },
    { title: 'Skills engine', command: skills, args: ['my.skill', '--inputs', '{"text":"Hello world"}', ...key] },
    { title: 'stax runner', command: runner, args: ['run', '--workflow', 'build'] },
  ].map((step) => ({ ...step, args: [...step.args, '--base-url', url] }));
}

/** `runstream demo`. */
export const demo: Command = {
  name: 'demo',
  summary: 'start the reference server and watch one run of each platform',
  usage: ['runstream demo [--event-delay 60]'],
  description:
    'Starts the reference server on a free port of 127.0.0.1 and shows one scripted run per platform\n' +
    '(Crewship, FlowMaestro, PraisonAI, the skills engine, stax) through the commands\' views, one after the\n' +
    'other, each under its heading. Exits 0 when every run ended as scripted (completed).',
  flags: FLAGS,
  examples: ['npx runstream demo', 'runstream demo --event-delay 250   # slower'],
  exitCodes: `Exit codes:
  0    every run ended as scripted
  1    a run did not end as scripted, or the server could not start
  2    usage error (unknown flag, bad value)
  130  interrupted with Ctrl-C`,
  async run(argv, context: Context) {
    const parsed = parse(argv, FLAGS, 'see runstream demo --help');
    if (bool(parsed, 'help')) {
      process.stdout.write(helpText(demo));
      return HELP_SHOWN;
    }
    positionals(parsed, [], 'runstream demo');
    const server = await startReferenceServer({ eventDelay: int(parsed, 'event-delay') ?? 60 });
    const { output } = context;
    const steps = plan(server.url);
    let passed = 0;
    try {
      output.line(output.out.dim(`reference server on ${server.url}`));
      for (const [index, step] of steps.entries()) {
        const line = `runstream ${step.command.name} ${step.args.filter((arg) => arg !== server.url && arg !== '--base-url').map(shellQuote).join(' ')}`;
        output.line('');
        output.line(output.out.bold(`━━ ${index + 1}/${steps.length} ${step.title} ━━ ${output.out.dim(line)}`));
        const code = await step.command.run(step.args, { ...context, argv: [step.command.name, ...step.args] });
        if (code === EXIT.interrupted) return code;
        if (code === EXIT.ok) passed++;
        else output.line(output.out.red(`✖ ${step.title}: exit ${code}, expected 0`));
      }
    } finally {
      await server.close();
    }
    output.line('');
    const summary = `demo: ${passed}/${steps.length} runs ended as scripted`;
    output.line(passed === steps.length ? output.out.green(summary) : output.out.red(summary));
    return passed === steps.length ? EXIT.ok : EXIT.failed;
  },
};
