/// <reference types="node" />
/**
 * The skills engine: `POST /v1/skills/:skill_id/execute/stream` (SSE) and
 * `POST /v1/skills/:skill_id/execute` (JSON), with `x-api-key`.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { engineTimestamp, errorBody, play, type RequestContext, type Route } from '../context.js';
import type { SseEntry } from '../sse.js';

/** One engine event before it gets its timestamp and trace id. */
interface EngineStep {
  type: string;
  message: string;
  step_id: string | null;
  data: unknown;
}

interface Execution {
  steps: EngineStep[];
  /** The `done` event's data and the `/execute` response, given the execution's trace id. */
  result(traceId: string): Record<string, unknown>;
}

/** The engine's error in a `done` (and the `/execute` answer): no `skill_id`, no `status`, `trace_id: null`. */
interface EngineError {
  code: string;
  message: string;
  type: string;
  status: number;
}

/**
 * A failed execution's result as the engine sends it: only `error` and a `trace_id` of null,
 * although every event before it carried the execution's trace id.
 */
function errorResult(error: EngineError): Record<string, unknown> {
  return { error, trace_id: null };
}

function notFound(skillId: string): EngineError {
  return { code: 'SKILL_NOT_FOUND', message: `Skill '${skillId}' not found`, type: 'not_found', status: 404 };
}

type Inputs = Record<string, unknown>;

/** What the inputs look like, so that outputs show the body arrived: the text and its length. */
function describeInputs(inputs: Inputs): { text: string; length: number } {
  const text = typeof inputs.text === 'string' ? inputs.text : JSON.stringify(inputs);
  return { text, length: [...text].length };
}

/** The skills the engine knows, by id: inputs → events and result. */
const SKILLS: Readonly<Record<string, (inputs: Inputs) => Execution>> = {
  'my.skill': (inputs) => {
    const { text, length } = describeInputs(inputs);
    const summary = `${length} characters: “${text.length > 60 ? `${text.slice(0, 60)}…` : text}”`;
    return {
      steps: [
        { type: 'skill_start', message: "Starting skill 'my.skill'.", step_id: null, data: null },
        { type: 'step_start', message: "Starting step 'analyze'.", step_id: 'analyze', data: null },
        {
          type: 'step_completed',
          message: "Step 'analyze' completed.",
          step_id: 'analyze',
          data: { produced_output: { summary } },
        },
        { type: 'step_start', message: "Starting step 'translate'.", step_id: 'translate', data: null },
        {
          type: 'step_skipped',
          message: "Step 'translate' skipped (condition 'inputs.language' is false).",
          step_id: 'translate',
          data: null,
        },
        { type: 'skill_completed', message: "Skill 'my.skill' completed.", step_id: null, data: null },
      ],
      result: (traceId) => ({ skill_id: 'my.skill', status: 'completed', outputs: { result: `Analyzed ${summary}`, length }, trace_id: traceId }),
    };
  },
  'failing.skill': () => ({
    steps: [
      { type: 'skill_start', message: "Starting skill 'failing.skill'.", step_id: null, data: null },
      { type: 'step_start', message: "Starting step 'fetch'.", step_id: 'fetch', data: null },
      {
        type: 'step_failed',
        message: "Step 'fetch' failed: upstream timed out after 30000 ms.",
        step_id: 'fetch',
        data: { error: 'upstream timed out after 30000 ms' },
      },
      { type: 'skill_completed', message: "Skill 'failing.skill' completed with errors.", step_id: null, data: null },
    ],
    result: () =>
      errorResult({
        code: 'STEP_FAILED',
        message: "Step 'fetch' failed: upstream timed out after 30000 ms.",
        type: 'execution_error',
        status: 500,
      }),
  }),
};

/** The skills engine routes of one server. @internal */
export function skillsRoutes(): Route[] {
  /**
   * Checks auth, the skill and the body; answers the error and returns undefined when one fails.
   * An unknown skill on the stream route is a 200 stream with only an error `done`; on
   * `/execute` a 404 with the same body.
   */
  function execution(ctx: RequestContext, stream: boolean): { execution: Execution; traceId: string } | undefined {
    if (ctx.header('x-api-key') !== ctx.core.settings.apiKey) {
      ctx.json(401, errorBody('UNAUTHORIZED', 'Invalid or missing API key; send x-api-key'));
      return undefined;
    }
    const skillId = ctx.params.skill_id!;
    const skill = Object.hasOwn(SKILLS, skillId) ? SKILLS[skillId] : undefined;
    if (!skill) {
      const body = errorResult(notFound(skillId));
      if (stream) void play(ctx, ctx.sse(), [{ event: 'done', data: body }]);
      else ctx.json(404, body);
      return undefined;
    }
    const inputs = (ctx.body as { inputs?: unknown } | undefined)?.inputs;
    if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) {
      ctx.json(400, errorBody('INVALID_REQUEST', '`inputs` is required and must be an object'));
      return undefined;
    }
    return { execution: skill(inputs as Inputs), traceId: randomUUID() };
  }

  function executeStream(ctx: RequestContext): void {
    const found = execution(ctx, true);
    if (!found) return;
    const { execution: run, traceId } = found;
    // Each engine event is stamped when it is sent.
    const entries: (() => SseEntry)[] = run.steps.map((step) => () => ({
      event: step.type,
      data: { type: step.type, message: step.message, timestamp: engineTimestamp(), step_id: step.step_id, trace_id: traceId, data: step.data },
    }));
    entries.push(() => ({ event: 'done', data: run.result(traceId) }));
    void play(ctx, ctx.sse(), entries);
  }

  function execute(ctx: RequestContext): void {
    const found = execution(ctx, false);
    if (found) ctx.json(200, found.execution.result(found.traceId));
  }

  return [
    { method: 'POST', pattern: '/v1/skills/:skill_id/execute/stream', handler: executeStream },
    { method: 'POST', pattern: '/v1/skills/:skill_id/execute', handler: execute },
  ];
}
