/**
 * FlowMaestro: `GET /api/v1/executions/:id/events` and `GET /v1/executions/:id/events` with
 * `X-API-Key`, playing FlowMaestro's stories (src/platforms/flowmaestro/stories.ts), with a
 * `: keepalive` comment every `keepaliveInterval`.
 *
 * @module
 */
import { flowmaestroStories } from '../../platforms/flowmaestro/stories.js';
import { errorBody, framesOf, play, type RequestContext, type Route } from '../context.js';

const KEEPALIVE = { comment: 'keepalive' };

/** The FlowMaestro routes of one server (both prefixes its docs use). @internal */
export function flowmaestroRoutes(): Route[] {
  const executions = new Map(flowmaestroStories.map((story) => [story.name, framesOf(story.connection.steps)]));

  function stream(ctx: RequestContext): void {
    if (ctx.header('x-api-key') !== ctx.core.settings.apiKey) {
      ctx.json(401, errorBody('UNAUTHORIZED', 'Invalid or missing API key; send X-API-Key'));
      return;
    }
    const executionId = ctx.params.id!;
    const frames = executions.get(executionId);
    if (!frames) {
      ctx.json(404, errorBody('NOT_FOUND', `Execution ${executionId} not found`));
      return;
    }
    const channel = ctx.sse();
    ctx.core.timers.every(ctx.core.settings.keepaliveInterval, channel.signal, () => channel.send(KEEPALIVE));
    void play(ctx, channel, frames);
  }

  return [
    { method: 'GET', pattern: '/api/v1/executions/:id/events', handler: stream },
    { method: 'GET', pattern: '/v1/executions/:id/events', handler: stream },
  ];
}
