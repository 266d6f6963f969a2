/**
 * AG-UI: `POST /agui/:story`, each story an agent at its own URL, playing AG-UI's stories
 * (src/platforms/agui/stories.ts) with the request's `threadId` and `runId`. No auth (AG-UI
 * defines none; the client's `Authorization` is ignored).
 *
 * @module
 */
import { AGUI_STORY_ENDS, aguiRun, aguiSteps } from '../../platforms/agui/stories.js';
import { errorBody, framesOf, play, type RequestContext, type Route } from '../context.js';

/** The AG-UI routes of one server. @internal */
export function aguiRoutes(): Route[] {
  function run(ctx: RequestContext): void {
    const name = ctx.params.story!;
    if (!Object.hasOwn(AGUI_STORY_ENDS, name)) {
      ctx.json(404, errorBody('not_found', `No agent ${JSON.stringify(name)}; one of ${Object.keys(AGUI_STORY_ENDS).join(', ')}`));
      return;
    }
    const input = ctx.body as { threadId?: unknown; runId?: unknown; messages?: unknown } | undefined;
    if (typeof input?.threadId !== 'string' || typeof input.runId !== 'string' || !Array.isArray(input.messages)) {
      ctx.json(422, errorBody('invalid_input', 'the body must be a RunAgentInput: threadId and runId strings, messages an array'));
      return;
    }
    const end = AGUI_STORY_ENDS[name as keyof typeof AGUI_STORY_ENDS];
    void play(ctx, ctx.sse(), framesOf(aguiSteps(aguiRun(input.threadId, input.runId, end))));
  }

  return [{ method: 'POST', pattern: '/agui/:story', handler: run }];
}
