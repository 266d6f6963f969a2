/// <reference types="node" />
/**
 * The skills engine: `POST /v1/skills/:skill_id/execute/stream` (SSE) and
 * `POST /v1/skills/:skill_id/execute` (JSON), with `x-api-key`, playing the engine's stories
 * (src/platforms/skills/stories.ts) with a new trace id per execution and each event stamped
 * when it is sent.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { SSEFrame } from '../../core/encode.js';
import { isSkill, notFound, skillRun, type SkillRun } from '../../platforms/skills/stories.js';
import { engineTimestamp, errorBody, framesOf, play, type RequestContext, type Route } from '../context.js';

/** The skills engine routes of one server. @internal */
export function skillsRoutes(): Route[] {
  /**
   * Checks auth, the skill and the body; answers the error and returns undefined when one fails.
   * An unknown skill on the stream route is a 200 stream with only an error `done`; on
   * `/execute` a 404 with the same body.
   */
  function execution(ctx: RequestContext, stream: boolean): SkillRun | undefined {
    if (ctx.header('x-api-key') !== ctx.core.settings.apiKey) {
      ctx.json(401, errorBody('UNAUTHORIZED', 'Invalid or missing API key; send x-api-key'));
      return undefined;
    }
    const skillId = ctx.params.skill_id!;
    if (!isSkill(skillId)) {
      const body = notFound(skillId);
      if (stream) void play(ctx, ctx.sse(), [{ event: 'done', data: body }]);
      else ctx.json(404, body);
      return undefined;
    }
    const inputs = (ctx.body as { inputs?: unknown } | undefined)?.inputs;
    if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) {
      ctx.json(400, errorBody('INVALID_REQUEST', '`inputs` is required and must be an object'));
      return undefined;
    }
    return skillRun(skillId, inputs as Record<string, unknown>, randomUUID(), () => '');
  }

  function executeStream(ctx: RequestContext): void {
    const run = execution(ctx, true);
    if (!run) return;
    // Each engine event is stamped when it is sent.
    const entries: (SSEFrame | (() => SSEFrame))[] = framesOf(run.events).map((frame) => () => ({ ...frame, data: { ...(frame.data as object), timestamp: engineTimestamp() } }));
    entries.push({ event: 'done', data: run.done });
    void play(ctx, ctx.sse(), entries);
  }

  function execute(ctx: RequestContext): void {
    const run = execution(ctx, false);
    if (run) ctx.json(200, run.done);
  }

  return [
    { method: 'POST', pattern: '/v1/skills/:skill_id/execute/stream', handler: executeStream },
    { method: 'POST', pattern: '/v1/skills/:skill_id/execute', handler: execute },
  ];
}
