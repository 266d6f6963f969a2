import { inspect } from 'node:util';
import { HttpResponse, delay, http } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Transport, segment, type RequestSpec } from '../../src/core/request.js';
import { platformAdapter } from '../../src/core/adapter.js';
import type { AuthScheme, ClientOptions } from '../../src/core/options.js';
import { ConnectionError, HTTPError, Runstream, SDKError, StreamError, TimeoutError, type CallLifecycleEvent } from '../../src/index.js';
import { BASE, server, useMsw } from '../helpers/msw.js';
import { collect, frame, sseResponse } from '../helpers/sse.js';
import { rejection, route } from './support.js';

useMsw();

const KEY = 'sk-live-KEY-SECRET-0123456789';

function transport(options: Partial<ClientOptions> = {}): Transport {
  return new Transport({ baseUrl: BASE, apiKey: KEY, ...options });
}

function spec(overrides: Partial<RequestSpec> = {}): RequestSpec {
  return { method: 'GET', path: '/thing', auth: 'bearer', ...overrides };
}

/** The headers the server received for one JSON call. */
async function headersOf(client: Transport, auth: AuthScheme): Promise<Headers> {
  const seen = route('get', '/thing', [() => HttpResponse.json({ ok: true })]);
  await client.json(spec({ auth }));
  expect(seen).toHaveLength(1);
  return seen[0]!.headers;
}

/** A body that sends `text` and then never ends. */
function stalledBody(text: string): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
    },
  });
}

function expectNoKey(error: unknown): void {
  expect(error).toBeInstanceOf(Error);
  const shown = [(error as Error).message, String(error), JSON.stringify(error), inspect(error)].join('\n');
  expect(shown).not.toContain(KEY);
  expect(shown).not.toContain('KEY-SECRET');
}

describe('Transport: URLs', () => {
  it('joins paths after the base URL, its path prefix and without a trailing slash', () => {
    const client = new Transport({ baseUrl: 'http://127.0.0.1:3000/api//' });
    expect(client.baseUrl).toBe('http://127.0.0.1:3000/api');
    expect(client.url('/v1/runs')).toBe('http://127.0.0.1:3000/api/v1/runs');
    expect(client.url('/v1/runs', { limit: 5, cursor: undefined, q: 'a b' })).toBe('http://127.0.0.1:3000/api/v1/runs?limit=5&q=a+b');
    expect(client.url('/v1/runs', { cursor: undefined })).toBe('http://127.0.0.1:3000/api/v1/runs');
  });

  it('rejects a base URL that is not absolute http(s)', () => {
    expect(() => new Transport({ baseUrl: 'api.test' })).toThrow(/absolute http\(s\) URL/);
    expect(() => new Transport({ baseUrl: '127.0.0.1:4800' })).toThrow(/absolute http\(s\) URL/);
    expect(() => new Transport({ baseUrl: 'ftp://api.test' })).toThrow(TypeError);
    expect(() => new Transport({ baseUrl: 'http://' })).toThrow(/absolute http\(s\) URL/);
  });

  it('names an invalid port as such, not as a URL that is not absolute', () => {
    expect(() => new Transport({ baseUrl: 'http://127.0.0.1:99999' })).toThrow(
      new TypeError('runstream: `baseUrl` has an invalid port (99999): a port is a number from 1 to 65535'),
    );
    expect(() => new Transport({ baseUrl: 'http://127.0.0.1:0/api' })).toThrow(/invalid port \(0\)/);
    // Text where the port should be is not echoed: it may be a password that lost its `@`.
    expect(() => new Transport({ baseUrl: 'http://admin:hunter2/api' })).toThrow(new TypeError('runstream: `baseUrl` has an invalid port: a port is a number from 1 to 65535'));
  });

  it('encodes one path segment and refuses an empty id', () => {
    expect(segment('run/1 ?')).toBe('run%2F1%20%3F');
    expect(() => segment('')).toThrow(TypeError);
  });
});

describe('Transport: auth', () => {
  it('sends Authorization: Bearer for the bearer scheme', async () => {
    const headers = await headersOf(transport(), 'bearer');
    expect(headers.get('authorization')).toBe(`Bearer ${KEY}`);
    expect(headers.has('x-api-key')).toBe(false);
  });

  it('sends X-API-Key for the x-api-key scheme', async () => {
    const headers = await headersOf(transport(), 'x-api-key');
    expect(headers.get('x-api-key')).toBe(KEY);
    expect(headers.has('authorization')).toBe(false);
  });

  it('sends the key as a custom header with an optional prefix', async () => {
    const prefixed = await headersOf(transport({ auth: { header: 'X-Token', prefix: 'Token ' } }), 'bearer');
    expect(prefixed.get('x-token')).toBe(`Token ${KEY}`);
    expect(prefixed.has('authorization')).toBe(false);
    const bare = await headersOf(transport({ auth: { header: 'X-Token' } }), 'bearer');
    expect(bare.get('x-token')).toBe(KEY);
  });

  it("sends no credentials without a key, and none to a platform documented without auth even when the client has a key", async () => {
    const anonymous = await headersOf(new Transport({ baseUrl: BASE }), 'bearer');
    expect(anonymous.has('authorization')).toBe(false);
    const keyed = await headersOf(transport(), 'none');
    expect(keyed.has('authorization')).toBe(false);
    expect(keyed.has('x-api-key')).toBe(false);
  });

  it("lets the client's auth override the platform default", async () => {
    const xApiKey = await headersOf(transport({ auth: 'x-api-key' }), 'bearer');
    expect(xApiKey.get('x-api-key')).toBe(KEY);
    expect(xApiKey.has('authorization')).toBe(false);
    const none = await headersOf(transport({ auth: 'none' }), 'bearer');
    expect(none.has('authorization')).toBe(false);
    expect(none.has('x-api-key')).toBe(false);
    const bearer = await headersOf(transport({ auth: 'bearer' }), 'x-api-key');
    expect(bearer.get('authorization')).toBe(`Bearer ${KEY}`);
    expect(bearer.has('x-api-key')).toBe(false);
  });

  it('sends client headers and lets per-call headers override them', async () => {
    const client = transport({ headers: { 'x-client': 'c', 'x-both': 'client' } });
    const seen = route('get', '/thing', [() => HttpResponse.json({})]);
    await client.json(spec(), { headers: { 'x-both': 'call', 'x-call': 'k' } });
    expect(seen[0]!.headers.get('x-client')).toBe('c');
    expect(seen[0]!.headers.get('x-both')).toBe('call');
    expect(seen[0]!.headers.get('x-call')).toBe('k');
  });

  it('sends auth and Accept: text/event-stream on streams', async () => {
    const seen = route('get', '/thing', [() => sseResponse([frame({ event: 'done', data: {} })])]);
    const stream = transport({ reconnect: false }).stream<{ done: unknown }>(spec({ auth: 'x-api-key' }), platformAdapter({ known: ['done'], terminal: ['done'] }));
    expect((await collect(stream)).map((e) => e.type)).toEqual(['done']);
    expect(seen[0]!.headers.get('x-api-key')).toBe(KEY);
    expect(seen[0]!.headers.get('accept')).toBe('text/event-stream');
  });
});

describe('Transport: JSON calls', () => {
  it('sends a JSON body with Accept and Content-Type and returns the parsed response', async () => {
    const seen = route('post', '/thing', [() => HttpResponse.json({ id: 'r1' }, { status: 201 })]);
    const result = await transport().json<{ id: string }>(spec({ method: 'POST', body: { input: 'x' } }));
    expect(result).toEqual({ id: 'r1' });
    expect(seen[0]!.headers.get('accept')).toBe('application/json');
    expect(seen[0]!.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(seen[0]!.body)).toEqual({ input: 'x' });
  });

  it('returns undefined for an empty 2xx body', async () => {
    route('post', '/thing', [() => new HttpResponse(null, { status: 202 })]);
    expect(await transport().json(spec({ method: 'POST' }))).toBeUndefined();
  });

  it('fails with TimeoutError when the server answers after the deadline', async () => {
    server.use(
      http.get(`${BASE}/thing`, async () => {
        await delay(2000);
        return HttpResponse.json({});
      }),
    );
    // The answer comes at 2000 ms: a call that ignored its deadline would resolve with it.
    const error = await rejection(transport().json(spec(), { timeout: 30 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ timeout: 30, method: 'GET', url: `${BASE}/thing` });
    expect((error as Error).message).toContain('30 ms');
  });

  it('fails with TimeoutError when the body stalls past the deadline', async () => {
    route('get', '/thing', [() => new HttpResponse(stalledBody('{"partial":'), { headers: { 'content-type': 'application/json' } })]);
    // The body never ends: without the deadline this call would never settle.
    const error = await rejection(transport().json(spec(), { timeout: 30 }));
    expect(error).toBeInstanceOf(TimeoutError);
  });

  it('applies the client timeout when the call sets none', async () => {
    server.use(
      http.get(`${BASE}/thing`, async () => {
        await delay(2000);
        return HttpResponse.json({});
      }),
    );
    expect(await rejection(transport({ timeout: 25 }).json(spec()))).toMatchObject({ name: 'TimeoutError', timeout: 25 });
  });

  it('fails with HTTPError carrying the parsed JSON body on a non-2xx', async () => {
    route('get', '/thing', [
      () => HttpResponse.json({ error: { message: 'run not found' } }, { status: 404, headers: { 'x-request-id': 'req_42' } }),
    ]);
    const error = await rejection(transport().json(spec()));
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({
      status: 404,
      body: { error: { message: 'run not found' } },
      requestId: 'req_42',
      method: 'GET',
      url: `${BASE}/thing`,
    });
  });

  it('fails with HTTPError naming the content type when a 2xx body is not JSON, keeping the body', async () => {
    route('get', '/thing', [() => new HttpResponse('<html>hello</html>', { headers: { 'content-type': 'text/html', 'x-request-id': 'req_7' } })]);
    const error = await rejection(transport().json(spec()));
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ status: 200, body: '<html>hello</html>', requestId: 'req_7', method: 'GET', url: `${BASE}/thing` });
    expect((error as HTTPError).message).toBe(
      `runstream: GET ${BASE}/thing: expected a JSON response, got HTTP 200 with a body that is not JSON ("text/html") (request id req_7)`,
    );
    expect((error as HTTPError).cause).toBeInstanceOf(SyntaxError);
  });

  it('fails at once with HTTPError when a JSON call is answered by an event stream', async () => {
    // An event stream that never ends: reading it to parse it would wait for ever. (That its
    // body is cancelled, freeing the socket, is checked over a real socket in request-socket.)
    route('get', '/thing', [() => new HttpResponse(stalledBody(': hello\n\ndata: {"a":1}\n\n'), { headers: { 'content-type': 'text/event-stream; charset=utf-8' } })]);
    // No deadline at all (timeout 0): only the content-type check can end this call.
    const error = await rejection(transport({ timeout: 0 }).json(spec()));
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ status: 200, body: undefined });
    expect((error as Error).message).toBe(
      `runstream: GET ${BASE}/thing: expected a JSON response, got HTTP 200 with an event stream (text/event-stream); this is a stream endpoint, read it with the stream method`,
    );
  });

  it('accepts JSON whatever the content type says (text/plain), and returns undefined for a 204 without reading it', async () => {
    route('get', '/thing', [
      () => new HttpResponse('{"ok":true}', { headers: { 'content-type': 'text/plain' } }),
      () => new HttpResponse(null, { status: 204 }),
    ]);
    expect(await transport().json(spec())).toEqual({ ok: true });
    expect(await transport().json(spec())).toBeUndefined();
  });

  it('has no deadline with timeout 0: a slow answer still arrives', async () => {
    server.use(
      http.get(`${BASE}/thing`, async () => {
        await delay(40);
        return HttpResponse.json({ late: true });
      }),
    );
    expect(await transport({ timeout: 0 }).json(spec())).toEqual({ late: true });
    expect(await transport().json(spec(), { timeout: 0 })).toEqual({ late: true });
  });

  it('refuses an out-of-range call timeout with a RangeError before any request', async () => {
    const seen = route('get', '/thing', [() => HttpResponse.json({})]);
    for (const timeout of [Infinity, 3e9, -1, Number.NaN]) {
      const error = await rejection(transport().json(spec(), { timeout }));
      expect(error).toBeInstanceOf(RangeError);
      expect((error as Error).message).toContain(`\`timeout\` must be a number of milliseconds from 0 to 2147483647 (0 turns it off), got ${timeout}`);
    }
    expect(seen).toHaveLength(0);
  });

  it('fails with ConnectionError naming the host and port when the request gets no response', async () => {
    route('get', '/thing', [() => HttpResponse.error()]);
    const error = await rejection(transport().json(spec()));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ method: 'GET', url: `${BASE}/thing` });
    expect((error as Error).message).toMatch(/^runstream: GET http:\/\/api\.test\/thing: the request to api\.test:80 failed before a response \(.+\)$/);
    expect((error as ConnectionError).cause).toBeInstanceOf(Error);
  });

  it("names the runtime's errno of a DNS failure from an injected fetch", async () => {
    const dnsFailure = (() =>
      Promise.reject(new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND api.exmaple.com'), { code: 'ENOTFOUND' }) }))) as typeof fetch;
    const error = await rejection(new Transport({ baseUrl: 'https://api.exmaple.com', fetch: dnsFailure }).json(spec()));
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toBe(
      'runstream: GET https://api.exmaple.com/thing: could not connect to api.exmaple.com:443 (fetch failed: getaddrinfo ENOTFOUND api.exmaple.com); check the host and port, and that the server is running',
    );
  });

  it('adds the errno when the messages do not name it (an AggregateError with no message)', async () => {
    const refused = (() =>
      Promise.reject(new TypeError('fetch failed', { cause: Object.assign(new AggregateError([Object.assign(new Error(''), { code: 'ECONNREFUSED' })], ''), { code: 'ECONNREFUSED' }) }))) as typeof fetch;
    const error = await rejection(new Transport({ baseUrl: 'http://localhost:4800', fetch: refused }).json(spec()));
    expect((error as Error).message).toContain('could not connect to localhost:4800 (fetch failed (ECONNREFUSED))');
  });

  it("rejects with the runtime's AbortError when the caller's signal aborts", async () => {
    server.use(
      http.get(`${BASE}/thing`, async () => {
        await delay(2000);
        return HttpResponse.json({});
      }),
    );
    const controller = new AbortController();
    const call = transport().json(spec(), { signal: controller.signal, timeout: 5000 });
    setTimeout(() => controller.abort(), 10);
    const error = await rejection(call);
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(error).not.toBeInstanceOf(SDKError);
  });

  it("rejects with the runtime's AbortError when the caller's signal aborts during the body", async () => {
    route('get', '/thing', [() => new HttpResponse(stalledBody('{"partial":'), { headers: { 'content-type': 'application/json' } })]);
    const controller = new AbortController();
    const call = transport().json(spec(), { signal: controller.signal, timeout: 5000 });
    setTimeout(() => controller.abort(), 20);
    const error = await rejection(call);
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(error).not.toBeInstanceOf(SDKError);
  });
});

describe('Transport: onCall, the steps of a JSON call', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  /** A transport whose `onCall` steps land in the returned array. */
  function observed(options: Partial<ClientOptions> = {}): { client: Transport; steps: CallLifecycleEvent[] } {
    const steps: CallLifecycleEvent[] = [];
    return { client: transport({ ...options, onCall: (step) => steps.push(step) }), steps };
  }

  it('reports the request (method, URL and headers, redacted) and then the response (status, request id, duration)', async () => {
    route('post', '/thing', [
      () => HttpResponse.json({ id: 'r1' }, { status: 201, statusText: 'Created', headers: { 'x-request-id': 'req_9', 'set-cookie': `session=${KEY}` } }),
    ]);
    const { client, steps } = observed({ headers: { 'x-tenant': 'acme', 'x-session-token': KEY } });
    const result = await client.json(spec({ method: 'POST', query: { api_key: KEY, page: 2 }, body: { input: 'x' } }));
    expect(result).toEqual({ id: 'r1' });
    expect(steps).toEqual([
      {
        type: 'request',
        call: 1,
        method: 'POST',
        url: `${BASE}/thing?api_key=***&page=2`,
        headers: { accept: 'application/json', authorization: '***', 'content-type': 'application/json', 'x-session-token': '***', 'x-tenant': 'acme' },
      },
      {
        type: 'response',
        call: 1,
        method: 'POST',
        url: `${BASE}/thing?api_key=***&page=2`,
        status: 201,
        statusText: 'Created',
        requestId: 'req_9',
        headers: expect.objectContaining({ 'x-request-id': 'req_9', 'set-cookie': '***', 'content-type': 'application/json' }),
        duration: expect.any(Number),
      },
    ]);
    expect((steps[1] as { duration: number }).duration).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(steps)).not.toContain('KEY-SECRET');
  });

  it('reports the error the call rejects with, the same object: HTTPError, ConnectionError, TimeoutError', async () => {
    route('get', '/thing', [
      () => HttpResponse.json({ error: { message: 'run not found' } }, { status: 404, headers: { 'x-request-id': 'req_42' } }),
      () => HttpResponse.error(),
      () => new HttpResponse(stalledBody('{"partial":'), { headers: { 'content-type': 'application/json' } }),
    ]);
    const { client, steps } = observed();
    const missing = await rejection(client.json(spec()));
    const unreachable = await rejection(client.json(spec()));
    const late = await rejection(client.json(spec(), { timeout: 30 }));
    expect(missing).toBeInstanceOf(HTTPError);
    expect(unreachable).toBeInstanceOf(ConnectionError);
    expect(late).toBeInstanceOf(TimeoutError);
    expect(steps.map((step) => `${step.call} ${step.type}`)).toEqual(['1 request', '1 error', '2 request', '2 error', '3 request', '3 error']);
    const errors = steps.filter((step) => step.type === 'error');
    expect(errors.map((step) => step.error)).toEqual([missing, unreachable, late]);
    expect(errors[0]!.error).toBe(missing);
    expect(errors[0]).toMatchObject({ method: 'GET', url: `${BASE}/thing`, duration: expect.any(Number) });
  });

  it('numbers overlapping calls, so each end can be matched with its request', async () => {
    server.use(
      http.get(`${BASE}/slow`, async () => {
        await delay(40);
        return HttpResponse.json({ slow: true });
      }),
      http.get(`${BASE}/fast`, () => HttpResponse.json({ fast: true })),
    );
    const { client, steps } = observed();
    await Promise.all([client.json(spec({ path: '/slow' })), client.json(spec({ path: '/fast' }))]);
    // The second call ends first: its end carries its own number.
    expect(steps.map((step) => `${step.call} ${step.type} ${step.url.slice(BASE.length)}`)).toEqual([
      '1 request /slow',
      '2 request /fast',
      '2 response /fast',
      '1 response /slow',
    ]);
  });

  it('reports a hook that throws (reportError) and leaves the call as it was, resolved or rejected', async () => {
    const reported: unknown[] = [];
    vi.stubGlobal('reportError', (error: unknown) => reported.push(error));
    route('get', '/thing', [() => HttpResponse.json({ ok: true }), () => HttpResponse.json({}, { status: 500 })]);
    const boom = new Error('hook bug');
    const client = transport({
      onCall: () => {
        throw boom;
      },
    });
    expect(await client.json(spec())).toEqual({ ok: true });
    const error = await rejection(client.json(spec()));
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ status: 500 });
    expect(reported).toEqual([boom, boom, boom, boom]);
  });

  it('reports nothing for a call refused before any request (an out-of-range timeout)', async () => {
    const { client, steps } = observed();
    expect(await rejection(client.json(spec(), { timeout: -1 }))).toBeInstanceOf(RangeError);
    expect(steps).toEqual([]);
  });

  it("reaches every JSON call of a client's resources (a PraisonAI retrieve), and no stream request", async () => {
    route('get', '/api/v1/runs/job_1', [() => HttpResponse.json({ job_id: 'job_1', status: 'running' })]);
    route('get', '/api/v1/runs/job_1/stream', [() => sseResponse([frame({ event: 'complete', data: '{"status":"succeeded"}' })])]);
    const steps: CallLifecycleEvent[] = [];
    const client = new Runstream({ baseUrl: BASE, onCall: (step) => steps.push(step) });
    await client.jobs.retrieve('job_1');
    await collect(client.jobs.stream('job_1', { reconnect: false }));
    expect(steps.map((step) => `${step.type} ${step.method} ${step.url}`)).toEqual([
      `request GET ${BASE}/api/v1/runs/job_1`,
      `response GET ${BASE}/api/v1/runs/job_1`,
    ]);
  });
});

describe('the API key', () => {
  it('never appears in the errors of JSON calls', async () => {
    const client = transport();
    const failures: (() => Response | Promise<Response>)[] = [
      () => HttpResponse.json({ error: 'invalid key' }, { status: 401, headers: { 'www-authenticate': 'Bearer' } }),
      () => new HttpResponse('oops', { status: 500 }),
      () => new HttpResponse('not json', { status: 200 }),
      () => HttpResponse.error(),
    ];
    route('get', '/thing', failures);
    for (let i = 0; i < failures.length; i++) expectNoKey(await rejection(client.json(spec())));
    server.use(
      http.get(`${BASE}/slow`, async () => {
        await delay(2000);
        return HttpResponse.json({});
      }),
    );
    expectNoKey(await rejection(client.json(spec({ path: '/slow' }), { timeout: 20 })));
  });

  it('never appears in the errors of streams', async () => {
    const client = transport({ reconnect: false });
    route('get', '/thing', [
      () => HttpResponse.json({ error: 'invalid key' }, { status: 403 }),
      () => HttpResponse.json({ not: 'a stream' }),
      () => sseResponse([frame({ event: 'done', data: 'not json' })]),
      () => HttpResponse.error(),
    ]);
    const adapter = platformAdapter({ known: ['done'], terminal: ['done'] });
    const errors = [];
    for (let i = 0; i < 4; i++) errors.push(await rejection(client.stream(spec(), adapter).finished));
    expect(errors.map((e) => (e as Error).name)).toEqual(['HTTPError', 'StreamError', 'StreamError', 'ConnectionError']);
    expect(errors[2]).toBeInstanceOf(StreamError);
    for (const error of errors) expectNoKey(error);
  });

  it('is not echoed when it cannot be sent as a header value', async () => {
    const broken = new Transport({ baseUrl: BASE, apiKey: `${KEY}\nsecond-line` });
    const error = await rejection(broken.json(spec()));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain('authorization');
    expectNoKey(error);
  });

  it('never appears in JSON.stringify, String() or inspect() of the client', () => {
    const client = new Runstream({ baseUrl: BASE, apiKey: KEY, auth: 'x-api-key' });
    for (const shown of [JSON.stringify(client), String(client), inspect(client, { depth: 10, showHidden: true })]) {
      expect(shown).not.toContain('KEY-SECRET');
    }
    expect(JSON.parse(JSON.stringify(client))).toMatchObject({ baseUrl: BASE });
    expect(JSON.stringify(transport())).toBe(JSON.stringify({ baseUrl: BASE }));
  });
});

describe('Transport: an API key in a browser page', () => {
  const page = globalThis as { window?: unknown };

  it('is refused without dangerouslyAllowBrowser, with a message that says why and holds no key', () => {
    page.window = { document: {} };
    try {
      let thrown: unknown;
      try {
        new Transport({ baseUrl: BASE, apiKey: KEY });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(TypeError);
      expect((thrown as Error).message).toMatch(/read by anyone.*dangerouslyAllowBrowser/);
      expect((thrown as Error).message).not.toContain(KEY);
      expect(() => new Transport({ baseUrl: BASE, apiKey: KEY, dangerouslyAllowBrowser: true })).not.toThrow();
      expect(() => new Transport({ baseUrl: BASE })).not.toThrow();
    } finally {
      delete page.window;
    }
  });

  it('is allowed outside a page (Node, workers) without the opt-in', () => {
    expect(() => new Transport({ baseUrl: BASE, apiKey: KEY })).not.toThrow();
  });
});
