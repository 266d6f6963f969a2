/// <reference types="node" />
/**
 * OpenAI Responses: `POST /v1/responses` (Bearer auth) streaming the stories of
 * src/platforms/openai/stories.ts, `GET /v1/responses/:id?stream=true&starting_after=N` for
 * the background ones, and `GET /v1/responses/:id` (JSON).
 *
 * @module
 */
import type { SSEFrame } from '../../core/encode.js';
import { openaiStoryFrames, openaiStoryOf } from '../../platforms/openai/stories.js';
import { play, type RequestContext, type Route } from '../context.js';

/** An OpenAI error body: `{"error": {"message", "type", "param", "code"}}`. */
function openaiError(message: string, type: string, code: string | null): { error: { message: string; type: string; param: null; code: string | null } } {
  return { error: { message, type, param: null, code } };
}

/** Writes `frames` (paced as `play` paces them), then drops the connection mid-response. */
async function cut(ctx: RequestContext, frames: readonly SSEFrame[]): Promise<void> {
  const channel = ctx.sse();
  for (const frame of frames) {
    if (!(await ctx.core.timers.sleep(ctx.core.settings.eventDelay, channel.signal)) || !channel.send(frame)) return;
  }
  channel.drop();
}

/** The OpenAI Responses routes of one server. @internal */
export function openaiRoutes(): Route[] {
  /** Stored responses (background or `store`), by id: their events. */
  const stored = new Map<string, SSEFrame[]>();
  let count = 0;

  function authorized(ctx: RequestContext): boolean {
    if (ctx.header('authorization') === `Bearer ${ctx.core.settings.apiKey}`) return true;
    ctx.json(401, openaiError('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'));
    return false;
  }

  /** The final Response object of a story's events: the `response` of its last lifecycle event. */
  function finalOf(frames: readonly SSEFrame[]): unknown {
    const last = [...frames].reverse().find((frame) => (frame.data as { response?: unknown }).response !== undefined);
    return (last?.data as { response?: unknown } | undefined)?.response;
  }

  function create(ctx: RequestContext): void {
    if (!authorized(ctx)) return;
    const body = ctx.body as { model?: unknown; input?: unknown; stream?: unknown; background?: unknown } | undefined;
    if (typeof body?.model !== 'string') {
      ctx.json(400, openaiError("Missing required parameter: 'model'.", 'invalid_request_error', 'missing_required_parameter'));
      return;
    }
    const id = `resp_${String(++count).padStart(8, '0')}`;
    const story = openaiStoryOf(body.input);
    const background = body.background === true;
    const frames = openaiStoryFrames(story, id, background);
    if (background) stored.set(id, story === 'cut' ? openaiStoryFrames('completed', id, true) : frames);
    if (body.stream !== true) {
      ctx.json(200, finalOf(frames));
      return;
    }
    if (story === 'cut') void cut(ctx, frames);
    else void play(ctx, ctx.sse(), frames);
  }

  function retrieve(ctx: RequestContext): void {
    if (!authorized(ctx)) return;
    const frames = stored.get(ctx.params.id!);
    if (!frames) {
      ctx.json(404, openaiError(`Response with id '${ctx.params.id!}' not found.`, 'invalid_request_error', null));
      return;
    }
    if (ctx.url.searchParams.get('stream') !== 'true') {
      ctx.json(200, finalOf(frames));
      return;
    }
    const after = Number(ctx.url.searchParams.get('starting_after') ?? -1);
    void play(ctx, ctx.sse(), frames.filter((frame) => (frame.data as { sequence_number: number }).sequence_number > after));
  }

  return [
    { method: 'POST', pattern: '/v1/responses', handler: create },
    { method: 'GET', pattern: '/v1/responses/:id', handler: retrieve },
  ];
}
