/// <reference types="node" />
/**
 * A2A v1.0: JSON-RPC at `POST /a2a` (`SendStreamingMessage`, `SubscribeToTask`) and HTTP+JSON at
 * `POST /a2a/message:stream` and `GET`/`POST /a2a/tasks/{id}:subscribe`, playing A2A's stories
 * (src/platforms/a2a/stories.ts): the user's text picks the task. Requests must carry
 * `A2A-Version: 1.0` (a missing header means 0.3: `-32009`, as @a2a-js/sdk answers). No auth.
 *
 * @module
 */
import type { SSEFrame } from '../../core/encode.js';
import { a2aStories, type A2AStory } from '../../platforms/a2a/stories.js';
import type { RequestContext, Route } from '../context.js';

const INFO = 'type.googleapis.com/google.rpc.ErrorInfo';

/** A JSON-RPC error object with its ErrorInfo reason (A2A v1.0 §9.5). */
function rpcError(code: number, message: string, reason: string): Record<string, unknown> {
  return { code, message, data: [{ '@type': INFO, reason, domain: 'a2a-protocol.org' }] };
}

/** A google.rpc.Status body (A2A v1.0 §11.6). */
function restError(code: number, status: string, message: string, reason: string): Record<string, unknown> {
  return { error: { code, status, message, details: [{ '@type': INFO, reason, domain: 'a2a-protocol.org' }] } };
}

/** The story the user's text picks: the first whose trigger it holds, else the completed one. */
function storyFor(body: unknown): A2AStory {
  const message = (body as { message?: { parts?: { text?: unknown }[] } } | undefined)?.message;
  const text = (message?.parts ?? []).map((part) => (typeof part?.text === 'string' ? part.text : '')).join(' ');
  return a2aStories.find((story) => text.includes(story.trigger)) ?? a2aStories[0]!;
}

/** Writes `frames` paced by `eventDelay`, then ends the response, or cuts the socket (`cut`). */
async function send(ctx: RequestContext, frames: readonly SSEFrame[], cut = false): Promise<void> {
  const channel = ctx.sse();
  for (const frame of frames) {
    if (!(await ctx.core.timers.sleep(ctx.core.settings.eventDelay, channel.signal))) return;
    if (!channel.send(frame)) return;
  }
  // Let the last block leave before the socket goes.
  if (cut) ctx.core.timers.soon(() => ctx.res.destroy());
  else channel.end();
}

/** The A2A routes of one server. @internal */
export function a2aRoutes(): Route[] {
  /** The events of a task stream in the binding's form: JSON-RPC responses, or the bare StreamResponses. */
  function frames(story: A2AStory, events: readonly Record<string, unknown>[], id: unknown): SSEFrame[] {
    const out: SSEFrame[] = events.map((result) => ({ data: id === undefined ? result : { jsonrpc: '2.0', id, result } }));
    const error = story.error;
    if (error && events === story.events) {
      out.push({
        event: 'error',
        data: id === undefined ? restError(error.httpStatus, error.status, error.message, error.reason) : { jsonrpc: '2.0', id, error: rpcError(error.code, error.message, error.reason) },
      });
    }
    return out;
  }

  /** The subscribe answer for `taskId`: the story's re-subscribe stream, or the error A2A defines. */
  function subscribe(ctx: RequestContext, taskId: string, id: unknown): void {
    const story = a2aStories.find((item) => item.name === taskId);
    if (story?.resubscribe) {
      void send(ctx, frames(story, story.resubscribe, id));
      return;
    }
    const [code, http, status, reason, message] = story
      ? [-32004, 400, 'FAILED_PRECONDITION', 'UNSUPPORTED_OPERATION', `Task ${taskId} is in a terminal state and cannot be subscribed to.`]
      : [-32001, 404, 'NOT_FOUND', 'TASK_NOT_FOUND', `Task ${taskId} not found.`];
    if (id === undefined) ctx.json(http, restError(http, status, message, reason));
    else ctx.json(200, { jsonrpc: '2.0', id, error: rpcError(code, message, reason) });
  }

  /** False (answered) when the request lacks `A2A-Version: 1.0`. */
  function versioned(ctx: RequestContext, id: unknown): boolean {
    const version = ctx.header('a2a-version') || '0.3';
    if (version === '1.0') return true;
    const message = `A2A version '${version}' is not supported`;
    if (id === undefined) ctx.json(400, restError(400, 'FAILED_PRECONDITION', message, 'VERSION_NOT_SUPPORTED'));
    else ctx.json(200, { jsonrpc: '2.0', id, error: rpcError(-32009, message, 'VERSION_NOT_SUPPORTED') });
    return false;
  }

  function rpc(ctx: RequestContext): void {
    const body = ctx.body as { id?: unknown; method?: unknown; params?: { id?: unknown } } | undefined;
    const id = body?.id ?? null;
    if (!versioned(ctx, id)) return;
    if (body?.method === 'SendStreamingMessage') {
      const story = storyFor(body.params);
      void send(ctx, frames(story, story.events, id), story.cut);
    } else if (body?.method === 'SubscribeToTask') {
      subscribe(ctx, String(body.params?.id ?? ''), id);
    } else {
      ctx.json(200, { jsonrpc: '2.0', id, error: { code: -32601, message: `Method not found: ${String(body?.method)}` } });
    }
  }

  function messageStream(ctx: RequestContext): void {
    if (!versioned(ctx, undefined)) return;
    const story = storyFor(ctx.body);
    void send(ctx, frames(story, story.events, undefined), story.cut);
  }

  function taskRoute(ctx: RequestContext): void {
    if (!versioned(ctx, undefined)) return;
    const path = ctx.params.task!;
    if (!path.endsWith(':subscribe')) {
      ctx.json(404, restError(404, 'NOT_FOUND', `No route ${ctx.url.pathname}`, 'NOT_FOUND'));
      return;
    }
    subscribe(ctx, path.slice(0, -':subscribe'.length), undefined);
  }

  return [
    { method: 'POST', pattern: '/a2a', handler: rpc },
    { method: 'POST', pattern: '/a2a/message:stream', handler: messageStream },
    // The proto says GET, the spec prose POST (§11.3.2): both are served, as @a2a-js/sdk does.
    { method: 'GET', pattern: '/a2a/tasks/:task', handler: taskRoute },
    { method: 'POST', pattern: '/a2a/tasks/:task', handler: taskRoute },
  ];
}
