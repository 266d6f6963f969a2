/// <reference types="node" />
/**
 * Anthropic Messages: `POST /v1/messages` (`x-api-key`, `anthropic-version` required) streaming
 * the stories of src/platforms/anthropic/stories.ts.
 *
 * @module
 */
import { anthropicStoryFrames, anthropicStoryOf } from '../../platforms/anthropic/stories.js';
import { play, type RequestContext, type Route } from '../context.js';

/** An Anthropic error body ("Errors"): `{"type": "error", "error": {"type", "message"}}`. */
function anthropicError(type: string, message: string): { type: 'error'; error: { type: string; message: string } } {
  return { type: 'error', error: { type, message } };
}

/** The Anthropic Messages routes of one server. @internal */
export function anthropicRoutes(): Route[] {
  let count = 0;

  function create(ctx: RequestContext): void {
    if (ctx.header('x-api-key') !== ctx.core.settings.apiKey) {
      ctx.json(401, anthropicError('authentication_error', 'invalid x-api-key'));
      return;
    }
    if (!ctx.header('anthropic-version')) {
      ctx.json(400, anthropicError('invalid_request_error', 'anthropic-version: header is required'));
      return;
    }
    const body = ctx.body as { model?: unknown; max_tokens?: unknown; stream?: unknown } | undefined;
    if (typeof body?.model !== 'string' || typeof body.max_tokens !== 'number') {
      ctx.json(400, anthropicError('invalid_request_error', 'model and max_tokens are required'));
      return;
    }
    const id = `msg_${String(++count).padStart(8, '0')}`;
    const frames = anthropicStoryFrames(anthropicStoryOf(body), id, body.model);
    if (body.stream !== true) {
      ctx.json(400, anthropicError('invalid_request_error', 'the reference server streams only: send stream: true'));
      return;
    }
    void play(ctx, ctx.sse(), frames);
  }

  return [{ method: 'POST', pattern: '/v1/messages', handler: create }];
}
