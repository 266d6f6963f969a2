// The MCP client's requests and decoding, against msw: the headers and body each revision
// requires, the priming event, server requests, outcomes, and what a drop does.
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { HTTPError, MCP, StreamError, accumulateMCP, initialMCPState, type MCPClientOptions } from '../../src/index.js';
import { instantReconnect } from '../../src/testing/index.js';
import { BASE, server, useMsw } from '../helpers/msw.js';
import { collect, frames, sseResponse, type Frame } from '../helpers/sse.js';
import { RequestLog, unexpected } from './support.js';

useMsw();

const ENDPOINT = `${BASE}/mcp`;

function client(options: MCPClientOptions = {}): MCP {
  return new MCP({ baseUrl: ENDPOINT, reconnect: instantReconnect({ maxAttempts: 2 }).reconnect, ...options });
}

const message = (data: unknown, id?: string): Frame => ({ event: 'message', data, ...(id === undefined ? {} : { id }) });
const progress = (n: number, token = 'runstream-1', id?: string) => message({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: token, progress: n, total: 2 } }, id);
const result = (id: number, value: Record<string, unknown> = { content: [{ type: 'text', text: 'ok' }] }, eventId?: string) => message({ jsonrpc: '2.0', id, result: value }, eventId);

/** Answers each POST/GET with the next of `answers`; later requests get a 410. */
function serve(answers: readonly (() => Response)[]): RequestLog {
  const log = new RequestLog();
  const answer = async ({ request }: { request: Request }) => {
    await log.take(request);
    return answers[log.count - 1]?.() ?? unexpected(log);
  };
  server.use(http.post(ENDPOINT, answer), http.get(ENDPOINT, answer));
  return log;
}

describe('MCP requests, 2025-11-25', () => {
  it('POSTs the JSON-RPC request with Accept for both answers, the version and the session id', async () => {
    const log = serve([() => sseResponse([frames([progress(1), result(1)])])]);
    await collect(client({ sessionId: 'sess-1', apiKey: 'tok' }).tools.call('search', { q: 'sse' }));
    const request = log.only();
    expect(request.method).toBe('POST');
    expect(request.url.href).toBe(ENDPOINT);
    expect(request.headers.get('accept')).toBe('application/json, text/event-stream');
    expect(request.headers.get('content-type')).toBe('application/json');
    expect(request.headers.get('mcp-protocol-version')).toBe('2025-11-25');
    expect(request.headers.get('mcp-session-id')).toBe('sess-1');
    expect(request.headers.get('authorization')).toBe('Bearer tok');
    expect(request.headers.get('mcp-method')).toBeNull();
    expect(JSON.parse(request.body)).toEqual({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'search', arguments: { q: 'sse' }, _meta: { progressToken: 'runstream-1' } } });
  });

  it('numbers requests and leaves the progress token out when asked', async () => {
    const log = serve([() => sseResponse([frames([result(1)])]), () => sseResponse([frames([result(2)])])]);
    const mcp = client();
    await mcp.request('tools/list').finished;
    await mcp.request('resources/list', {}, { progressToken: false }).finished;
    expect(log.requests.map((request) => JSON.parse(request.body))).toEqual([
      { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: { progressToken: 'runstream-1' } } },
      { jsonrpc: '2.0', id: 2, method: 'resources/list', params: {} },
    ]);
  });

  it('skips the priming event (id, empty data) but resumes after its id', async () => {
    const log = serve([
      () => sseResponse(['id: prime-0\nretry: 10\ndata: \n\n', frames([progress(1, 'runstream-1', 'ev-1')])]),
      () => sseResponse([frames([progress(2, 'runstream-1', 'ev-2'), result(1, undefined, 'ev-3')])]),
    ]);
    const events = await collect(client({ sessionId: 's' }).tools.call('t'));
    expect(events.map((event) => event.type)).toEqual(['notifications/progress', 'notifications/progress', 'result']);
    const resume = log.requests[1]!;
    expect(resume.method).toBe('GET');
    expect(resume.body).toBe('');
    expect(resume.headers.get('last-event-id')).toBe('ev-1');
    expect(resume.headers.get('mcp-session-id')).toBe('s');
    expect(resume.headers.get('mcp-protocol-version')).toBe('2025-11-25');
  });

  it('reports a drop from a server that sent no ids, and sends nothing again', async () => {
    const log = serve([() => sseResponse([frames([progress(1)])])]);
    const stream = client().tools.call('t');
    const error = await stream.finished.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'unexpected-end' });
    expect((error as Error).message).toContain('cannot be resumed');
    expect(log.count).toBe(1);
  });

  it('names a server request by its method, with its id, and a response to another id does not end the stream', async () => {
    serve([
      () =>
        sseResponse([
          frames([
            message({ jsonrpc: '2.0', id: 'srv-1', method: 'sampling/createMessage', params: { maxTokens: 5 } }),
            message({ jsonrpc: '2.0', id: 99, result: {} }),
            message({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'hi' } }),
            result(1),
          ]),
        ]),
    ]);
    let state = initialMCPState;
    const events = await collect(client().tools.call('t'));
    for (const event of events) state = accumulateMCP(state, event);
    expect(events.map((event) => event.type)).toEqual(['sampling/createMessage', 'result', 'notifications/message', 'result']);
    expect(events[0]!.data).toEqual({ id: 'srv-1', params: { maxTokens: 5 } });
    expect(state.requests).toEqual([{ id: 'srv-1', params: { maxTokens: 5 }, method: 'sampling/createMessage' }]);
    expect(state.logs).toEqual([{ level: 'info', data: 'hi' }]);
  });

  it('answers a server request with respond(): a JSON-RPC response POSTed with the session', async () => {
    const log = new RequestLog();
    server.use(
      http.post(ENDPOINT, async ({ request }) => {
        await log.take(request);
        return new HttpResponse(null, { status: 202 });
      }),
    );
    await client({ sessionId: 's' }).respond('srv-1', { result: { role: 'assistant', content: { type: 'text', text: 'hi' } } });
    expect(JSON.parse(log.only().body)).toEqual({ jsonrpc: '2.0', id: 'srv-1', result: { role: 'assistant', content: { type: 'text', text: 'hi' } } });
    expect(log.only().headers.get('mcp-session-id')).toBe('s');
  });

  it('fails with HTTPError, keeping the JSON-RPC body, when the server refuses the request', async () => {
    serve([() => HttpResponse.json({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'Bad Request: No valid session ID provided' } }, { status: 400 })]);
    const error = await client().tools.call('t').finished.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ status: 400 });
  });
});

describe('MCP requests, 2026-07-28', () => {
  const v2 = (options: MCPClientOptions = {}) => client({ protocolVersion: '2026-07-28', ...options });

  it('sends Mcp-Method, Mcp-Name and the _meta envelope, and no session id', async () => {
    const log = serve([() => sseResponse([frames([result(1, { resultType: 'complete', content: [] })])])]);
    await v2({ sessionId: 'ignored', clientInfo: { name: 'app', version: '2' }, clientCapabilities: { elicitation: {} } }).tools.call('search', { q: 1 }, { logLevel: 'info' }).finished;
    const request = log.only();
    expect(request.headers.get('mcp-protocol-version')).toBe('2026-07-28');
    expect(request.headers.get('mcp-method')).toBe('tools/call');
    expect(request.headers.get('mcp-name')).toBe('search');
    expect(request.headers.get('mcp-session-id')).toBeNull();
    expect(JSON.parse(request.body).params._meta).toEqual({
      progressToken: 'runstream-1',
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientInfo': { name: 'app', version: '2' },
      'io.modelcontextprotocol/clientCapabilities': { elicitation: {} },
      'io.modelcontextprotocol/logLevel': 'info',
    });
  });

  it('sends a name that is not plain ASCII in the base64 sentinel, and a resource URI as Mcp-Name', async () => {
    const log = serve([() => sseResponse([frames([result(1)])]), () => sseResponse([frames([result(2)])])]);
    const mcp = v2();
    await mcp.tools.call('météo').finished;
    await mcp.request('resources/read', { uri: 'file:///a.txt' }).finished;
    expect(log.requests[0]!.headers.get('mcp-name')).toBe(`=?base64?${Buffer.from('météo').toString('base64')}?=`);
    expect(log.requests[1]!.headers.get('mcp-name')).toBe('file:///a.txt');
    expect(log.requests[1]!.headers.get('mcp-method')).toBe('resources/read');
  });

  it('ends with outcome interrupted on resultType input_required', async () => {
    serve([() => sseResponse([frames([result(1, { resultType: 'input_required', inputRequests: { confirm: { method: 'elicitation/create' } } })])])]);
    const outcome = await v2().tools.call('deploy').finished;
    expect(outcome).toMatchObject({ type: 'interrupted', serverStatus: 'input_required' });
  });

  it('reads an application/json answer as the one response', async () => {
    serve([() => HttpResponse.json({ jsonrpc: '2.0', id: 1, error: { code: -32602, message: 'Invalid params' } })]);
    const error = await v2().tools.call('t').finished.catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'StreamError', code: 'server-error-event', serverCode: '-32602' });
  });

  it('reports a drop without re-sending: the request was cancelled on the server', async () => {
    const log = serve([() => sseResponse([frames([progress(1)])])]);
    const error = await v2().tools.call('t').finished.catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'StreamError', code: 'unexpected-end' });
    expect((error as Error).message).toContain('the request was cancelled on the server');
    expect(log.count).toBe(1);
  });

  it('re-issues a dropped request as a new request with a new id when reissue allows', async () => {
    const log = serve([() => sseResponse([frames([progress(1)])]), () => sseResponse([frames([progress(1, 'runstream-2'), result(2)])])]);
    const stream = v2().tools.call('t', {}, { reissue: 1 });
    await collect(stream);
    expect(stream.outcome?.type).toBe('completed');
    const bodies = log.requests.map((request) => JSON.parse(request.body));
    expect(bodies.map((body) => [body.id, body.params._meta.progressToken])).toEqual([
      [1, 'runstream-1'],
      [2, 'runstream-2'],
    ]);
    expect(log.requests.map((request) => request.headers.get('mcp-method'))).toEqual(['tools/call', 'tools/call']);
  });

  it('refuses initialize, and an unknown protocol version', async () => {
    await expect(v2().initialize()).rejects.toThrow(/2026-07-28 has no initialize/);
    expect(() => new MCP({ protocolVersion: '2024-11-05' as '2025-11-25' })).toThrow(TypeError);
  });
});
