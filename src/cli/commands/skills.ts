/// <reference types="node" />
/**
 * `runstream skills <skill_id> --inputs '{…}'`: a skills-engine execution (POST), its steps,
 * then the outputs of `done`, or the typed error with its trace id.
 *
 * @module
 */
import { SkillsEngine, parseSkillTimestamp, type StreamEvent } from '../../index.js';
import { CLIENT_FLAGS, OUTPUT_FLAGS, UsageError, clientConfig, int, positionals, str, type Flag } from '../args.js';
import { HELP_SHOWN, setup, type Command, type Context } from '../command.js';
import { clock, field, short, text, type Output } from '../output.js';
import { skills as definition } from '../../platforms/skills/definition.js';
import { type EndInfo, type View } from '../watch.js';
import { routeText } from './platform.js';
import { RunClock, endLines } from './runs.js';
import { bodyOf } from './tail.js';

const FLAGS: Flag[] = [
  { name: 'inputs', type: 'string', arg: "<json|@file|->", help: 'the skill\'s inputs, a JSON object (default {})' },
  { name: 'idle-timeout', type: 'string', arg: '<ms>', help: 'fail after this much silence (0: never, the default)' },
  ...CLIENT_FLAGS,
  ...OUTPUT_FLAGS,
];

const MARKS: Record<string, (output: Output, message: string) => string> = {
  step_start: (o, m) => `${o.out.cyan('●')} ${m}`,
  step_completed: (o, m) => `${o.out.green('✓')} ${m}`,
  step_skipped: (o, m) => o.out.dim(`↷ ${m}`),
  step_degraded: (o, m) => o.out.yellow(`⚠ ${m}`),
  step_failed: (o, m) => o.out.red(`✗ ${m}`),
};

/** The view of a skills-engine execution. */
export function skillsView(output: Output, skillId: string): View {
  const c = output.out;
  const times = new RunClock();
  let ended = false;
  const done = (data: unknown) => {
    ended = true;
    const error = field(data, 'error');
    if (error !== undefined && error !== null) {
      const code = text(error, 'code');
      const status = text(error, 'status');
      output.line(c.red(`❌ Skill failed${code ? `: ${code}` : ''}${status ? ` (status ${status})` : ''}: ${text(error, 'message') ?? short(error)}`));
      return;
    }
    output.line(c.green(`✅ Skill ${text(data, 'status') ?? 'completed'} ${times.measure(times.last)}`.trimEnd()));
    if (text(data, 'trace_id')) output.line(c.dim(`   trace id ${text(data, 'trace_id')}`));
    output.line(c.bold('Outputs:'));
    output.line(JSON.stringify(field(data, 'outputs') ?? null, null, 2));
  };
  return {
    event(event: StreamEvent<string, unknown>) {
      const { type, data } = event;
      if (type === 'done') return done(data);
      const stamp = parseSkillTimestamp(text(data, 'timestamp') ?? '');
      times.see(stamp?.toISOString());
      const message = text(data, 'message') ?? type;
      if (type === 'skill_start') {
        times.start = stamp;
        return void output.line(c.bold(`▶ ${message}${text(data, 'trace_id') ? c.dim(` (trace id ${text(data, 'trace_id')})`) : ''}`));
      }
      const produced = field(field(data, 'data'), 'produced_output');
      const mark = MARKS[type]?.(output, message) ?? message;
      output.line(`${c.gray('├─')} ${c.dim(`[${stamp ? clock(stamp) : '--:--:--'}]`)} ${mark}${produced !== undefined ? c.dim(` → ${short(produced, 80)}`) : ''}`);
    },
    end(info: EndInfo) {
      endLines(output, info, ended);
    },
    resync: () => `⟳ ${skillId}: a gap in the stream (a POST stream is never re-sent)`,
  };
}

/** The `inputs` object from `--inputs`. @throws UsageError when it is not a JSON object. */
function inputsOf(value: string | undefined): Record<string, unknown> {
  if (value === undefined) return {};
  const body = bodyOf(value);
  let inputs: unknown;
  try {
    inputs = JSON.parse(body);
  } catch (error) {
    throw new UsageError(`--inputs is not JSON: ${error instanceof Error ? error.message : String(error)}`, `e.g. --inputs '{"text": "Hello world"}'`);
  }
  if (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs)) throw new UsageError('--inputs must be a JSON object', `e.g. --inputs '{"text": "Hello world"}'`);
  return inputs as Record<string, unknown>;
}

/** `runstream skills`. */
export const skills: Command = {
  name: 'skills',
  summary: `execute a skill and watch its steps (${routeText(definition.routes.stream, { skillId: '{id}' })})`,
  usage: ["runstream skills <skill_id> [--inputs '{…}' | @file | -] [options]"],
  description:
    'Executes a skill on the skills engine with a POST and streams its steps, then prints the outputs of\n' +
    'done, or the engine\'s error (serverCode, status and trace id, from StreamError). A POST is never\n' +
    're-sent: a drop fails the command (exit 4).',
  flags: FLAGS,
  notes:
    `Environment: RUNSTREAM_BASE_URL, else SKILLS_BASE_URL (default ${definition.baseUrl});\n` +
    '             RUNSTREAM_API_KEY, else SKILLS_API_KEY (sent as x-api-key).',
  examples: [
    `runstream skills my.skill --inputs '{"text": "Hello world"}'`,
    'runstream skills failing.skill --base-url http://127.0.0.1:4800 --api-key test-key; echo "exit $?"',
    `runstream skills my.skill --inputs '{"text": "hi"}' --record skill.json   # the POST's answer; replay: skills.start() with scriptedFetch({ 'POST /v1/skills/:id/execute/stream': recorded })`,
  ],
  async run(argv, context: Context) {
    const ready = setup(skills, argv, context);
    if (!ready) return HELP_SHOWN;
    const [skillId] = positionals(ready.parsed, ['skill_id'], 'runstream skills <skill_id> --inputs \'{…}\'');
    const inputs = inputsOf(str(ready.parsed, 'inputs'));
    const client = new SkillsEngine({ ...clientConfig(ready.parsed, { baseUrl: 'SKILLS_BASE_URL', apiKey: 'SKILLS_API_KEY' }, context.env), onCall: ready.session.onCall });
    const idleTimeout = int(ready.parsed, 'idle-timeout');
    const stream = client.skills.start(skillId!, { inputs }, ready.session.streamOptions({ idleTimeout }));
    return ready.session.watch(stream, skillsView(context.output, skillId!));
  },
};
