/**
 * Real MCP Streamable HTTP servers on 127.0.0.1 for tests: the v1 TypeScript SDK
 * (`@modelcontextprotocol/sdk` 1.32.2, up to 2025-11-25) stateless at `/stateless` and stateful
 * with an in-memory event store at `/mcp`; the v2 SDK (`@modelcontextprotocol/server` 2.4.0 +
 * `@modelcontextprotocol/node` 2.1.2, 2026-07-28) at `/mcp`. Tools: `progress` (n progress
 * notifications, then a text result), `boom` (throws: an `isError` result), and for drop tests
 * `gated` (v1: one progress, then waits for the test) and `hold` (v2: one progress, then waits
 * for its cancellation).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { McpServer as McpServerV1 } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport, type EventStore } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { McpServer as McpServerV2, createMcpHandler } from '@modelcontextprotocol/server';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { z } from 'zod';

/** A promise with its resolve function outside. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

/**
 * The SDK's example event store (`examples/shared/inMemoryEventStore.js`), copied rather than
 * imported from an examples path: ids `<streamId>_<ms>_<random>`, replay of one stream's events
 * after a given id.
 */
class InMemoryEventStore implements EventStore {
  readonly #events = new Map<string, { streamId: string; message: JSONRPCMessage }>();
  #sequence = 0;

  async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    // A zero-padded sequence instead of the example's clock reading: ids sort in order.
    const eventId = `${streamId}_${String(++this.#sequence).padStart(8, '0')}_${Math.random().toString(36).slice(2, 10)}`;
    this.#events.set(eventId, { streamId, message });
    return eventId;
  }

  async getStreamIdForEventId(eventId: string): Promise<string | undefined> {
    return this.#events.get(eventId)?.streamId;
  }

  async replayEventsAfter(lastEventId: string, { send }: { send: (eventId: string, message: JSONRPCMessage) => Promise<void> }): Promise<string> {
    const last = this.#events.get(lastEventId);
    if (!last) return '';
    let found = false;
    for (const [eventId, { streamId, message }] of [...this.#events.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
      if (streamId !== last.streamId) continue;
      if (eventId === lastEventId) found = true;
      else if (found) await send(eventId, message);
    }
    return last.streamId;
  }
}

type Extra = { _meta?: { progressToken?: string | number } | undefined; sendNotification: (notification: { method: 'notifications/progress'; params: { progressToken: string | number; progress: number; total: number; message: string } }) => Promise<void> };

/** What a test controls of the v1 server's `gated` tool. */
export interface Gated {
  /** Resolves when the tool sent its first progress notification. */
  started: Promise<void>;
  /** Lets the tool go on: progress 2 and 3, then its result. */
  release(): void;
  /** Resolves once progress 2 and 3 were sent (stored, when no stream is attached). */
  gapSent: Promise<void>;
}

/** A started test server. */
export interface MCPTestServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Every request's method, path and headers (names lower-case), in order. */
  requests: { method: string; path: string; headers: IncomingMessage['headers']; body: unknown }[];
  /** Destroys the socket of the last `tools/call` POST (a drop, as the client sees it). */
  cut(): void;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}

function readBody(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => resolve(text ? JSON.parse(text) : undefined));
    request.on('error', reject);
  });
}

function tracker() {
  const requests: MCPTestServer['requests'] = [];
  const sockets = new Set<Socket>();
  let last: Socket | undefined;
  return {
    requests,
    sockets,
    note(request: IncomingMessage, body: unknown) {
      requests.push({ method: request.method ?? '', path: new URL(request.url ?? '/', 'http://x').pathname, headers: request.headers, body });
      if (request.method === 'POST' && ((body as { method?: string } | undefined)?.method ?? request.headers['mcp-method']) === 'tools/call') last = request.socket;
    },
    cut() {
      if (!last) throw new Error('no tools/call request to cut');
      last.destroy();
    },
  };
}

/** Starts the v1 SDK server (2025-11-25). `gated` is the handle of its `gated` tool (one call per server). */
export async function startMCPv1(): Promise<MCPTestServer & { gated: Gated }> {
  const started = deferred();
  const gate = deferred();
  const gapSent = deferred();
  const make = () => {
    const server = new McpServerV1({ name: 'runstream-test-v1', version: '1.0.0' });
    const step = (extra: Extra, i: number, n: number) => {
      const token = extra._meta?.progressToken;
      return token === undefined ? Promise.resolve() : extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: i, total: n, message: `step ${i}` } });
    };
    server.registerTool('progress', { description: 'n progress notifications, then a result', inputSchema: { n: z.number().optional() } }, async ({ n = 3 }, extra) => {
      for (let i = 1; i <= n; i++) await step(extra as unknown as Extra, i, n);
      return { content: [{ type: 'text', text: `done after ${n} steps` }] };
    });
    server.registerTool('boom', { description: 'throws', inputSchema: {} }, async () => {
      throw new Error('tool blew up');
    });
    server.registerTool('gated', { description: 'one progress, waits, two more', inputSchema: {} }, async (_args, extra) => {
      await step(extra as unknown as Extra, 1, 3);
      started.resolve();
      await gate.promise;
      await step(extra as unknown as Extra, 2, 3);
      await step(extra as unknown as Extra, 3, 3);
      gapSent.resolve();
      return { content: [{ type: 'text', text: 'gated done' }] };
    });
    return server;
  };
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const track = tracker();
  const http = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const body = request.method === 'POST' ? await readBody(request) : undefined;
    track.note(request, body);
    if (path === '/stateless') {
      const server = make();
      const transport = new StreamableHTTPServerTransport({});
      response.on('close', () => void transport.close().then(() => server.close()));
      await server.connect(transport);
      return transport.handleRequest(request, response, body);
    }
    if (path === '/mcp') {
      const sid = request.headers['mcp-session-id'];
      let transport = typeof sid === 'string' ? sessions.get(sid) : undefined;
      if (!transport) {
        if (request.method !== 'POST' || (body as { method?: string } | undefined)?.method !== 'initialize') {
          response.writeHead(400, { 'content-type': 'application/json' });
          return response.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'Bad Request: No valid session ID provided' } }));
        }
        const created = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          eventStore: new InMemoryEventStore(),
          retryInterval: 1000,
          onsessioninitialized: (id) => void sessions.set(id, created),
        });
        transport = created;
        await make().connect(transport);
      }
      // A resume waits until the gap's events were sent: they are replayed, not seen live.
      if (request.method === 'GET' && request.headers['last-event-id']) await gapSent.promise;
      return transport.handleRequest(request, response, body);
    }
    response.writeHead(404).end();
  });
  const url = await listen(http);
  http.on('connection', (socket) => {
    track.sockets.add(socket);
    socket.on('close', () => track.sockets.delete(socket));
  });
  return {
    url,
    requests: track.requests,
    cut: track.cut,
    gated: { started: started.promise, release: () => gate.resolve(), gapSent: gapSent.promise },
    close: () => closeServer(http, track.sockets, () => Promise.all([...sessions.values()].map((transport) => transport.close()))),
  };
}

/** Starts the v2 SDK server (2026-07-28). `holdCancelled` resolves when the `hold` tool's request was cancelled. */
export async function startMCPv2(): Promise<MCPTestServer & { holdStarted: Promise<void>; holdCancelled: Promise<boolean> }> {
  const holdStarted = deferred();
  const holdCancelled = deferred<boolean>();
  const factory = () => {
    const server = new McpServerV2({ name: 'runstream-test-v2', version: '1.0.0' });
    type Ctx = { mcpReq: { _meta?: { progressToken?: string | number }; signal: AbortSignal; notify: (n: unknown) => Promise<void> } };
    const step = (ctx: Ctx, i: number, n: number) => {
      const token = ctx.mcpReq._meta?.progressToken;
      return token === undefined ? Promise.resolve() : ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken: token, progress: i, total: n, message: `step ${i}` } });
    };
    server.registerTool('progress', { description: 'n progress notifications, then a result', inputSchema: z.object({ n: z.number().optional() }) }, async ({ n = 3 }, ctx) => {
      for (let i = 1; i <= n; i++) await step(ctx as unknown as Ctx, i, n);
      return { content: [{ type: 'text' as const, text: `done after ${n} steps` }] };
    });
    server.registerTool('quiet', { description: 'no notification: an application/json answer', inputSchema: z.object({}) }, async () => ({ content: [{ type: 'text' as const, text: 'quiet done' }] }));
    server.registerTool('boom', { description: 'throws', inputSchema: z.object({}) }, async () => {
      throw new Error('tool blew up');
    });
    server.registerTool('hold', { description: 'one progress, then waits to be cancelled', inputSchema: z.object({}) }, async (_args, ctx) => {
      const { signal } = (ctx as unknown as Ctx).mcpReq;
      await step(ctx as unknown as Ctx, 1, 2);
      holdStarted.resolve();
      await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
      holdCancelled.resolve(signal.aborted);
      throw new Error('cancelled');
    });
    return server;
  };
  const handler = toNodeHandler(createMcpHandler(factory));
  const track = tracker();
  const http = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (path !== '/mcp') return void response.writeHead(404).end();
    // The handler reads the body itself: only the headers are noted.
    track.note(request, undefined);
    await handler(request as Parameters<typeof handler>[0], response);
  });
  const url = await listen(http);
  http.on('connection', (socket) => {
    track.sockets.add(socket);
    socket.on('close', () => track.sockets.delete(socket));
  });
  return { url, requests: track.requests, cut: track.cut, holdStarted: holdStarted.promise, holdCancelled: holdCancelled.promise, close: () => closeServer(http, track.sockets) };
}

async function closeServer(http: Server, sockets: Set<Socket>, before?: () => Promise<unknown>): Promise<void> {
  await before?.();
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => http.close(() => resolve()));
}
