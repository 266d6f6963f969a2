/**
 * MCP Streamable HTTP: `POST /mcp/:story` (each story its own endpoint) answering `tools/call`
 * with the story's event stream, `initialize` (2025-11-25 stories, no session) and notifications
 * (`202`); `GET /mcp/:story` with `Last-Event-ID` resumes a 2025-11-25 story's stream. Plays
 * MCP's stories (src/platforms/mcp/stories.ts) with the request's id and progress token.
 *
 * @module
 */
import type { SSEFrame } from '../../core/encode.js';
import { mcpStories, PROGRESS_TOKEN, REQUEST_ID, storyVersion } from '../../platforms/mcp/stories.js';
import { framesOf, play, resumeIndex, type RequestContext, type Route } from '../context.js';

/** A JSON-RPC error body. */
function rpcError(id: unknown, code: number, message: string): Record<string, unknown> {
  return { jsonrpc: '2.0', id: id ?? null, error: { code, message } };
}

/** `data` with the request's id and progress token put in for their placeholders. */
function fill(data: unknown, id: unknown, token: unknown): unknown {
  if (data === REQUEST_ID) return id;
  if (data === PROGRESS_TOKEN) return token;
  if (Array.isArray(data)) return data.map((item) => fill(item, id, token));
  if (typeof data === 'object' && data !== null) return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, fill(value, id, token)]));
  return data;
}

/** The MCP routes of one server. @internal */
export function mcpRoutes(): Route[] {
  const stories = new Map(mcpStories.map((story) => [story.name, { story, frames: framesOf(story.connection.steps) }]));
  // The last tools/call of each story: its id and progress token, for a GET resume.
  const calls = new Map<string, { id: unknown; token: unknown }>();

  const framesFor = (frames: readonly SSEFrame[], call: { id: unknown; token: unknown }): SSEFrame[] =>
    frames.map((frame) => (frame.data === '' || frame.data === undefined ? frame : { ...frame, data: fill(frame.data, call.id, call.token) }));

  function post(ctx: RequestContext): void {
    const entry = stories.get(ctx.params.story!);
    const body = ctx.body as { id?: unknown; method?: unknown; params?: { _meta?: { progressToken?: unknown } } } | undefined;
    if (!entry) return ctx.json(404, rpcError(body?.id, -32601, `no MCP endpoint ${ctx.params.story}`));
    const version = storyVersion(entry.story.name);
    if (!/application\/json/.test(ctx.header('accept') ?? '') || !/text\/event-stream/.test(ctx.header('accept') ?? '')) {
      return ctx.json(406, rpcError(body?.id, -32000, 'Not Acceptable: Accept must list application/json and text/event-stream'));
    }
    if (version === '2025-11-25' && body?.method === 'initialize') {
      return ctx.json(200, { jsonrpc: '2.0', id: body.id, result: { protocolVersion: version, capabilities: { tools: {} }, serverInfo: { name: 'runstream-reference', version: '1.0.0' } } });
    }
    if (body?.id === undefined) return void ctx.res.writeHead(202).end();
    const sent = ctx.header('mcp-protocol-version');
    if (sent !== version) return ctx.json(400, rpcError(body.id, -32022, `Unsupported protocol version ${sent ?? '(none)'}: this endpoint speaks ${version}`));
    if (version === '2026-07-28' && ctx.header('mcp-method') !== body.method) {
      return ctx.json(400, rpcError(body.id, -32020, 'Bad Request: the Mcp-Method header and the body disagree'));
    }
    if (body.method !== 'tools/call') return ctx.json(version === '2026-07-28' ? 404 : 200, rpcError(body.id, -32601, 'Method not found'));
    const call = { id: body.id, token: body.params?._meta?.progressToken };
    calls.set(entry.story.name, call);
    const frames = framesFor(entry.frames, call);
    // A cut story ends the POST's stream after `cutAfter` events (and the priming event).
    const cut = entry.story.cutAfter;
    void play(ctx, ctx.sse(), cut === undefined ? frames : frames.slice(0, cut + 1));
  }

  function resume(ctx: RequestContext): void {
    const entry = stories.get(ctx.params.story!);
    const call = entry && calls.get(entry.story.name);
    if (!entry || storyVersion(entry.story.name) !== '2025-11-25') return void ctx.res.writeHead(405, { allow: 'POST' }).end();
    const lastEventId = ctx.header('last-event-id');
    if (!call || !lastEventId) return ctx.json(400, rpcError(null, -32000, 'Bad Request: a GET resumes a stream: send Last-Event-ID'));
    const frames = framesFor(entry.frames, call);
    void play(ctx, ctx.sse(), frames.slice(resumeIndex(frames, lastEventId)));
  }

  return [
    { method: 'POST', pattern: '/mcp/:story', handler: post },
    { method: 'GET', pattern: '/mcp/:story', handler: resume },
  ];
}
