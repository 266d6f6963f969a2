/**
 * Crewship: `GET /v1/runs/:id/events` with Bearer auth, `Last-Event-ID` replay and `?types=`,
 * playing Crewship's stories (src/platforms/crewship/stories.ts).
 *
 * @module
 */
import type { SSEFrame } from '../../core/encode.js';
import { crewshipStories } from '../../platforms/crewship/stories.js';
import { errorBody, framesOf, play, resumeIndex, type RequestContext, type Route } from '../context.js';
import { isCounted } from '../sse.js';

/** The run event a block carries, as the `?types=` filter sees it: its name, or an envelope's `type`. */
function typeOf(frame: SSEFrame): string | undefined {
  if (frame.event !== undefined) return frame.event;
  const data = frame.data as { type?: unknown } | undefined;
  return typeof data?.type === 'string' ? data.type : undefined;
}

/** The Crewship routes of one server. @internal */
export function crewshipRoutes(): Route[] {
  const runs = new Map(crewshipStories.map((story) => [story.name, framesOf(story.connection.steps)]));

  function stream(ctx: RequestContext): void {
    if (ctx.header('authorization') !== `Bearer ${ctx.core.settings.apiKey}`) {
      ctx.json(401, errorBody('unauthorized', 'Missing or invalid API key; send Authorization: Bearer <key>'), {
        'www-authenticate': 'Bearer',
      });
      return;
    }
    const runId = ctx.params.id!;
    const frames = runs.get(runId);
    if (!frames) {
      ctx.json(404, errorBody('not_found', `Run ${runId} not found`));
      return;
    }
    const filter = ctx.url.searchParams.get('types');
    const types = filter ? new Set(filter.split(',').map((type) => type.trim()).filter(Boolean)) : undefined;
    const lastEventId = ctx.header('last-event-id');
    const remaining = frames
      .slice(resumeIndex(frames, lastEventId))
      // Keepalives and in-stream errors are not run events: the filter leaves them in.
      .filter((frame) => !types || !isCounted(frame) || typeOf(frame) === 'error' || types.has(typeOf(frame) ?? ''));
    if (lastEventId && !remaining.some(isCounted)) {
      // Nothing after that id: 204 tells an SSE client to stop reconnecting.
      ctx.noContent();
      return;
    }
    void play(ctx, ctx.sse(), remaining);
  }

  return [{ method: 'GET', pattern: '/v1/runs/:id/events', handler: stream }];
}
