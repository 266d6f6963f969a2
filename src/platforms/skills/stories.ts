/**
 * The skills engine's stories: the executions the reference server plays on
 * `POST /v1/skills/:skill_id/execute/stream` and `platformScripts()` scripts, as data. Named
 * events, no ids, no keepalives; each engine event's `data` is
 * `{type, message, timestamp, step_id, trace_id, data}`, then a `done` with the result.
 * {@link skillRun} builds an execution from the skill, its inputs, the trace id and the clock;
 * the stories are its runs with fixed ones. Web APIs only.
 *
 * @module
 */
import type { ScriptStep } from '../../testing/kit/script.js';
import type { Story } from '../../testing/kit/story.js';

/** The trace id of the stories' executions (the server makes a new UUID per execution). */
export const STORY_TRACE_ID = '0b6f3c1e-9a57-4d8e-b1a2-6f0d3c9e4b21';

/** The engine's timestamp of the stories' n-th event: microseconds, an offset and a `Z`, which `new Date()` rejects. */
export const storyTimestamp = (index: number): string => `2026-11-21T09:32:${String(41 + index).padStart(2, '0')}.880357+00:00Z`;

/** The engine's error in a `done` (and the `/execute` answer). */
export interface EngineError {
  code: string;
  message: string;
  type: string;
  status: number;
}

/** One execution: the engine events before `done`, and the `done` data (the `/execute` answer too). */
export interface SkillRun {
  readonly events: readonly ScriptStep[];
  readonly done: Record<string, unknown>;
}

type Step = readonly [type: string, message: string, stepId: string | null, data: unknown];

/** A failed execution's result, as the engine sends it: only `error` and a `trace_id` of null. */
export function errorResult(error: EngineError): Record<string, unknown> {
  return { error, trace_id: null };
}

/** The `done` of a skill the engine does not know. */
export function notFound(skillId: string): Record<string, unknown> {
  return errorResult({ code: 'SKILL_NOT_FOUND', message: `Skill '${skillId}' not found`, type: 'not_found', status: 404 });
}

/** What the inputs look like, so that outputs show the body arrived: the text and its length in code points. */
function describeInputs(inputs: Record<string, unknown>): { text: string; length: number } {
  const text = typeof inputs.text === 'string' ? inputs.text : JSON.stringify(inputs);
  return { text, length: [...text].length };
}

/** The skills the engine knows: inputs → steps and `done`. */
const SKILLS: Readonly<Record<string, (inputs: Record<string, unknown>, traceId: string) => { steps: readonly Step[]; done: Record<string, unknown> }>> = {
  'my.skill': (inputs, traceId) => {
    const { text, length } = describeInputs(inputs);
    const summary = `${length} characters: “${text.length > 60 ? `${text.slice(0, 60)}…` : text}”`;
    return {
      steps: [
        ['skill_start', "Starting skill 'my.skill'.", null, null],
        ['step_start', "Starting step 'analyze'.", 'analyze', null],
        ['step_completed', "Step 'analyze' completed.", 'analyze', { produced_output: { summary } }],
        ['step_start', "Starting step 'translate'.", 'translate', null],
        ['step_skipped', "Step 'translate' skipped (condition 'inputs.language' is false).", 'translate', null],
        ['skill_completed', "Skill 'my.skill' completed.", null, null],
      ],
      done: { skill_id: 'my.skill', status: 'completed', outputs: { result: `Analyzed ${summary}`, length }, trace_id: traceId },
    };
  },
  'failing.skill': () => ({
    steps: [
      ['skill_start', "Starting skill 'failing.skill'.", null, null],
      ['step_start', "Starting step 'fetch'.", 'fetch', null],
      ['step_failed', "Step 'fetch' failed: upstream timed out after 30000 ms.", 'fetch', { error: 'upstream timed out after 30000 ms' }],
      ['skill_completed', "Skill 'failing.skill' completed with errors.", null, null],
    ],
    done: errorResult({ code: 'STEP_FAILED', message: "Step 'fetch' failed: upstream timed out after 30000 ms.", type: 'execution_error', status: 500 }),
  }),
};

/** True when the engine knows `skillId`. */
export function isSkill(skillId: string): boolean {
  return Object.hasOwn(SKILLS, skillId);
}

/**
 * One execution of a known skill.
 *
 * @param skillId - `'my.skill'` or `'failing.skill'`.
 * @param inputs - the request's `inputs`; `my.skill` echoes `inputs.text` (or the inputs as JSON) and its length.
 * @param traceId - the execution's trace id, on every event and in a successful `done`.
 * @param timestamp - the engine timestamp of the n-th event (the server: the time it is sent).
 * @throws TypeError for an unknown skill.
 */
export function skillRun(skillId: string, inputs: Record<string, unknown>, traceId: string, timestamp: (index: number) => string): SkillRun {
  const skill = Object.hasOwn(SKILLS, skillId) ? SKILLS[skillId] : undefined;
  if (!skill) throw new TypeError(`skills stories: unknown skill ${JSON.stringify(skillId)}`);
  const { steps, done } = skill(inputs, traceId);
  return {
    events: steps.map(([type, message, step_id, data], index) => ({ event: type, data: { type, message, timestamp: timestamp(index), step_id, trace_id: traceId, data } })),
    done,
  };
}

/** The inputs of the stories' `my.skill` execution. */
export const STORY_INPUTS = { text: 'Hello world' };

function story(name: string, outcome: Story['outcome']): Story {
  const run = skillRun(name, STORY_INPUTS, STORY_TRACE_ID, storyTimestamp);
  return {
    name,
    route: `POST /v1/skills/${name}/execute/stream`,
    body: { inputs: STORY_INPUTS },
    outcome,
    connection: { steps: [...run.events, { event: 'done', data: run.done }] },
  };
}

/** The skills engine's executions, by skill: `my.skill` (with {@link STORY_INPUTS}), `failing.skill`. */
export const skillsStories: readonly Story[] = [story('my.skill', 'completed'), story('failing.skill', 'failed')];
