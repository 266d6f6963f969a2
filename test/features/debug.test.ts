/**
 * The debug log (`debug` option, `RUNSTREAM_DEBUG=1`): one redacted line per decision of a
 * stream (request, answer, reconnect and its delay's source, end) and of a JSON call, through a
 * function sink or the console; with no secret on any line. msw, and the reference server on
 * 127.0.0.1 for a real reconnect.
 */
import { HttpResponse, http, passthrough } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Runstream, connect, debugStream } from '../../src/index.js';
import { instantReconnect, startReferenceServer } from '../../src/testing/index.js';
import { BASE, server, useMsw } from '../helpers/msw.js';
import { collect, frames, sseResponse } from '../helpers/sse.js';
import { route } from '../core/support.js';

useMsw();

const SECRET = 'sk-live-debug-0123456789';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

/** The lines without their `runstream #N ` tag, and the tags seen. */
function split(lines: readonly string[]): { text: string[]; tags: Set<string> } {
  const tags = new Set<string>();
  const text = lines.map((line) => {
    const match = /^runstream (#\d+) (.*)$/.exec(line);
    if (!match) throw new Error(`not a debug line: ${line}`);
    tags.add(match[1]!);
    return match[2]!;
  });
  return { text, tags };
}

/** A body that fails (as a reset socket does) once the response is open. */
function failingBody(): Response {
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.error(new TypeError('terminated'));
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
}

describe('debug: a function sink', () => {
  it('logs a stream that opens, ends, drops, reconnects with Last-Event-ID and ends', async () => {
    route('get', '/events', [
      () => sseResponse([frames([{ event: 'a', id: '41', data: 'x' }])], { headers: { 'x-request-id': 'req_1' } }),
      () => failingBody(),
      () => new Response(null, { status: 204 }),
    ]);
    const lines: string[] = [];
    const stream = connect(`${BASE}/events`, { observe: debugStream((line) => lines.push(line)), reconnect: instantReconnect({ initialDelay: 100 }).reconnect });
    expect((await collect(stream)).map((event) => event.id)).toEqual(['41']);
    const { text, tags } = split(lines);
    expect(tags.size).toBe(1);
    expect(text).toEqual([
      `→ GET ${BASE}/events · accept: text/event-stream`,
      // A mocked Response has no status text.
      expect.stringMatching(/^← 200 \(event stream\) · x-request-id req_1 · \d+ ms$/),
      '↻ reconnect 1 in 100 ms (backoff; the server closed the stream)',
      `→ GET ${BASE}/events · accept: text/event-stream · last-event-id: 41`,
      expect.stringMatching(/^← 200 \(event stream\) · \d+ ms$/),
      // A drop after the open: the reconnect line names it.
      '↻ reconnect 2 in 200 ms (backoff; ConnectionError: GET http://api.test/events: the connection failed while reading the stream (terminated))',
      `→ GET ${BASE}/events · accept: text/event-stream · last-event-id: 41`,
      expect.stringMatching(/^← 204 No Content · \d+ ms$/),
      '■ ended ended',
    ]);
  });

  it('logs a refused request with its status, and the end with the error; no secret in any line', async () => {
    server.use(
      http.get(`${BASE}/refused`, () =>
        HttpResponse.json({ error: `bad key; you sent Authorization: Bearer ${SECRET}` }, { status: 401, headers: { 'x-request-id': 'req_9' } }),
      ),
    );
    const lines: string[] = [];
    const stream = connect(`${BASE}/refused?access_token=${SECRET}`, { headers: { authorization: `Bearer ${SECRET}` }, observe: debugStream((line) => lines.push(line)) });
    await expect(stream.finished).rejects.toMatchObject({ name: 'HTTPError', status: 401 });
    const { text } = split(lines);
    expect(text).toEqual([
      `→ GET ${BASE}/refused?access_token=*** · accept: text/event-stream · authorization: ***`,
      expect.stringMatching(/^← 401 Unauthorized · x-request-id req_9 · \d+ ms$/),
      expect.stringMatching(/^■ ended error HTTPError: GET http:\/\/api\.test\/refused\?access_token=\*\*\* failed with HTTP 401/),
    ]);
    expect(lines.join('\n')).not.toContain(SECRET);
  });

  it('logs each JSON call of a client (request, then answer or failure), each call its own tag, with no secret', async () => {
    server.use(
      http.get(`${BASE}/api/v1/runs/run_1`, () => HttpResponse.json({ id: 'run_1', status: 'running' }, { headers: { 'x-request-id': 'req_2' } })),
      http.get(`${BASE}/api/v1/runs/run_2`, () => HttpResponse.json({ error: `no such run; token ${SECRET}` }, { status: 404 })),
    );
    const lines: string[] = [];
    const client = new Runstream({ baseUrl: BASE, apiKey: SECRET, auth: 'bearer', debug: (line) => lines.push(line) });
    await client.jobs.retrieve('run_1');
    await expect(client.jobs.retrieve('run_2')).rejects.toMatchObject({ status: 404 });
    const { text, tags } = split(lines);
    expect(tags.size).toBe(2);
    expect(text).toEqual([
      `→ GET ${BASE}/api/v1/runs/run_1 · accept: application/json · authorization: ***`,
      expect.stringMatching(/^← 200 OK · x-request-id req_2 · \d+ ms$/),
      `→ GET ${BASE}/api/v1/runs/run_2 · accept: application/json · authorization: ***`,
      expect.stringMatching(/^← 404 Not Found · \d+ ms$/),
    ]);
    expect(lines.join('\n')).not.toContain(SECRET);
  });

  it('a stream attached by hand with debugStream() logs the same lines', async () => {
    route('get', '/events', [() => sseResponse([frames([{ data: 'x' }])])]);
    const lines: string[] = [];
    const stream = connect(`${BASE}/events`, { reconnect: false });
    stream.observe(debugStream((line) => lines.push(line)));
    await collect(stream);
    expect(split(lines).text).toEqual([`→ GET ${BASE}/events · accept: text/event-stream`, expect.stringMatching(/^← 200 \(event stream\) · \d+ ms$/), '■ ended ended']);
  });
});

describe('RUNSTREAM_DEBUG=1 and debug: true', () => {
  /** A Crewship run's stream that ends at its terminal event. */
  const RUN = '/v1/runs/run_1/events';
  const completed = () => sseResponse([frames([{ event: 'run.completed', id: '1', data: '{"run_id":"run_1","status":"completed"}' }])]);

  it('RUNSTREAM_DEBUG=1 turns the log on for every stream of a client, written to console.error; debug: false turns it off', async () => {
    vi.stubEnv('RUNSTREAM_DEBUG', '1');
    const written = vi.spyOn(console, 'error').mockImplementation(() => {});
    route('get', RUN, [completed, completed]);
    const client = new Runstream({ baseUrl: BASE });
    await collect(client.runs.stream('run_1'));
    const lines = written.mock.calls.map((call) => String(call[0]));
    expect(split(lines).text.at(-1)).toBe('■ ended completed');
    written.mockClear();
    await collect(client.runs.stream('run_1', { debug: false }));
    expect(written).not.toHaveBeenCalled();
    vi.unstubAllEnvs();
  });

  it('without RUNSTREAM_DEBUG nor the option, nothing is written; debug: true writes to console.error in Node', async () => {
    vi.stubEnv('RUNSTREAM_DEBUG', '');
    const written = vi.spyOn(console, 'error').mockImplementation(() => {});
    route('get', RUN, [completed, completed]);
    await collect(new Runstream({ baseUrl: BASE }).runs.stream('run_1'));
    expect(written).not.toHaveBeenCalled();
    await collect(new Runstream({ baseUrl: BASE, debug: true }).runs.stream('run_1'));
    expect(split(written.mock.calls.map((call) => String(call[0]))).text.at(-1)).toBe('■ ended completed');
    vi.unstubAllEnvs();
  });

  it('leaves connect() alone: its streams log only through observe: debugStream(write)', async () => {
    vi.stubEnv('RUNSTREAM_DEBUG', '1');
    const written = vi.spyOn(console, 'error').mockImplementation(() => {});
    route('get', '/events', [() => sseResponse([frames([{ data: 'x' }])])]);
    await collect(connect(`${BASE}/events`, { reconnect: false }));
    expect(written).not.toHaveBeenCalled();
    vi.unstubAllEnvs();
  });
});

describe('debug: against the reference server on 127.0.0.1', () => {
  it('logs a real drop and the reconnect that resumes with Last-Event-ID', async () => {
    const reference = await startReferenceServer({ host: '127.0.0.1' });
    // msw answers every other request of this file; these go to the real server.
    server.use(http.all(`${reference.url}/*`, () => passthrough()));
    try {
      reference.play('GET /debug/flaky', {
        connections: [
          { steps: [{ event: 'a', id: '1', data: 'x' }, { wait: 50 }, { cut: 'between-events' }] },
          { steps: [{ event: 'b', id: '2', data: 'y' }] },
        ],
        afterLast: 'no-content',
      });
      const lines: string[] = [];
      const stream = connect(`${reference.url}/debug/flaky?api_key=${SECRET}`, { observe: debugStream((line) => lines.push(line)), reconnect: instantReconnect().reconnect });
      expect((await collect(stream)).map((event) => event.id)).toEqual(['1', '2']);
      const url = `${reference.url}/debug/flaky?api_key=***`;
      expect(split(lines).text).toEqual([
        `→ GET ${url} · accept: text/event-stream`,
        expect.stringMatching(/^← 200 OK \(event stream\) · x-request-id req_\d+ · \d+ ms$/),
        expect.stringMatching(/^↻ reconnect 1 in 1000 ms \(backoff; ConnectionError: .*\)$/),
        `→ GET ${url} · accept: text/event-stream · last-event-id: 1`,
        expect.stringMatching(/^← 200 OK \(event stream\) · x-request-id req_\d+ · \d+ ms$/),
        '↻ reconnect 1 in 1000 ms (backoff; the server closed the stream)',
        `→ GET ${url} · accept: text/event-stream · last-event-id: 2`,
        expect.stringMatching(/^← 204 No Content · \d+ ms$/),
        '■ ended ended',
      ]);
      expect(lines.join('\n')).not.toContain(SECRET);
    } finally {
      await reference.close();
    }
  });
});
