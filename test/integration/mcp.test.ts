// The MCP client against the real TypeScript SDK servers on 127.0.0.1: the v1 SDK (2025-11-25,
// stateless and stateful with an event store) and the v2 SDK (2026-07-28). A completed tool with
// progress, a JSON-RPC error inside the 200 stream, a tool error, and a drop: resumed by GET with
// Last-Event-ID (2025-11-25), reported with the server-side cancel observed (2026-07-28).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MCP, StreamError, accumulateMCP, initialMCPState, type MCPState } from '../../src/index.js';
import { instantReconnect } from '../../src/testing/index.js';
import { startMCPv1, startMCPv2, type MCPTestServer } from '../helpers/mcp-servers.js';

describe('MCP 2025-11-25 against @modelcontextprotocol/sdk 1.32.2', () => {
  let server: Awaited<ReturnType<typeof startMCPv1>>;
  beforeAll(async () => {
    server = await startMCPv1();
  });
  afterAll(() => server.close());

  it('calls a tool on a stateless server: progress, then the result completes the stream', async () => {
    const mcp = new MCP({ baseUrl: `${server.url}/stateless` });
    const stream = mcp.tools.call('progress', { n: 3 });
    let state: MCPState = initialMCPState;
    const types: string[] = [];
    for await (const event of stream) {
      types.push(event.type);
      state = accumulateMCP(state, event);
    }
    expect(types).toEqual(['notifications/progress', 'notifications/progress', 'notifications/progress', 'result']);
    expect(stream.outcome?.type).toBe('completed');
    expect(state.progress).toEqual({ 'runstream-1': { progress: 3, total: 3, message: 'step 3' } });
    expect(state.result?.content).toEqual([{ type: 'text', text: 'done after 3 steps' }]);
    const sent = server.requests.at(-1)!;
    expect(sent.headers['mcp-protocol-version']).toBe('2025-11-25');
    expect(sent.headers.accept).toBe('application/json, text/event-stream');
    expect(sent.body).toMatchObject({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'progress', arguments: { n: 3 }, _meta: { progressToken: 'runstream-1' } } });
  });

  it('fails the stream with the JSON-RPC error the server sent inside the 200 stream, its code kept', async () => {
    const mcp = new MCP({ baseUrl: `${server.url}/stateless` });
    const stream = mcp.request('prompts/get', { name: 'none' });
    const error = await stream.finished.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'server-error-event', serverCode: '-32601', event: 'error' });
    expect((error as StreamError).message).toContain('JSON-RPC error -32601: Method not found');
    expect(stream.outcome).toMatchObject({ type: 'failed', serverCode: '-32601', event: { type: 'error', data: { id: 1, error: { code: -32601 } } } });
  });

  it('ends with outcome failed, not an exception, when the tool reports isError', async () => {
    const mcp = new MCP({ baseUrl: `${server.url}/stateless` });
    const stream = mcp.tools.call('boom');
    const outcome = await stream.finished;
    expect(outcome).toMatchObject({ type: 'failed', message: expect.stringContaining('tool blew up') });
  });

  it('initializes a stateful session and, after a drop, resumes by GET with Last-Event-ID: the gap is replayed, nothing lost', async () => {
    const mcp = new MCP({ baseUrl: `${server.url}/mcp`, reconnect: instantReconnect().reconnect });
    const init = await mcp.initialize();
    expect(init).toMatchObject({ protocolVersion: '2025-11-25', serverInfo: { name: 'runstream-test-v1' } });
    expect(mcp.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const stream = mcp.tools.call('gated');
    const seen: string[] = [];
    for await (const event of stream) {
      seen.push(event.type === 'notifications/progress' ? `progress ${event.data.progress}` : event.type);
      if (seen.length === 1) {
        // Cut the POST after its first event; the tool then sends steps 2 and 3 with no stream attached.
        await server.gated.started;
        server.cut();
        server.gated.release();
      }
    }
    expect(seen).toEqual(['progress 1', 'progress 2', 'progress 3', 'result']);
    expect(stream.outcome?.type).toBe('completed');
    const resume = server.requests.filter((request) => request.method === 'GET');
    expect(resume).toHaveLength(1);
    expect(resume[0]!.headers['mcp-session-id']).toBe(mcp.sessionId);
    expect(resume[0]!.headers['last-event-id']).toMatch(/_\d{8}_/);
    // The tool ran once: the POST was not sent again.
    expect(server.requests.filter((request) => request.path === '/mcp' && (request.body as { method?: string } | undefined)?.method === 'tools/call')).toHaveLength(1);
  });
});

describe('MCP 2026-07-28 against @modelcontextprotocol/server 2.4.0', () => {
  let server: Awaited<ReturnType<typeof startMCPv2>>;
  beforeAll(async () => {
    server = await startMCPv2();
  });
  afterAll(() => server.close());
  const client = (s: MCPTestServer) => new MCP({ baseUrl: `${s.url}/mcp`, protocolVersion: '2026-07-28', reconnect: instantReconnect().reconnect });

  it('calls a tool: the headers and _meta envelope are accepted, progress then a complete result', async () => {
    const stream = client(server).tools.call('progress', { n: 2 });
    let state = initialMCPState;
    for await (const event of stream) state = accumulateMCP(state, event);
    expect(stream.outcome?.type).toBe('completed');
    expect(state.progress['runstream-1']).toEqual({ progress: 2, total: 2, message: 'step 2' });
    expect(state.result).toMatchObject({ resultType: 'complete', content: [{ type: 'text', text: 'done after 2 steps' }] });
    const sent = server.requests.at(-1)!;
    expect(sent.headers).toMatchObject({ 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'progress' });
  });

  it('reads an application/json answer as a stream of its one response', async () => {
    const stream = client(server).tools.call('quiet');
    const events = [];
    for await (const event of stream) events.push(event);
    expect(events.map((event) => event.type)).toEqual(['result']);
    expect(stream.outcome?.type).toBe('completed');
  });

  it('ends with outcome failed when the tool reports isError', async () => {
    const outcome = await client(server).tools.call('boom').finished;
    expect(outcome).toMatchObject({ type: 'failed', message: expect.stringContaining('tool blew up') });
  });

  it('reports a drop without re-sending, and the server cancels the request', async () => {
    const stream = client(server).tools.call('hold');
    const seen: string[] = [];
    const failure = (async () => {
      for await (const event of stream) {
        seen.push(event.type);
        await server.holdStarted;
        server.cut();
      }
    })().catch((caught: unknown) => caught);
    const error = await failure;
    expect(seen).toEqual(['notifications/progress']);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'unexpected-end' });
    expect((error as Error).message).toContain('the request was cancelled on the server');
    await expect(server.holdCancelled).resolves.toBe(true);
    expect(server.requests.filter((request) => request.headers['mcp-name'] === 'hold')).toHaveLength(1);
  });
});
