/**
 * The kit's parts on their own: the frame encoder, script checks and encoding, scriptedFetch
 * (signals, request log, routes), collectEvents, and recording → replay round trips.
 */
import { describe, expect, it } from 'vitest';
import { connect, Crewship, Runstream } from '../../src/index.js';
import {
  collectEvents,
  encodeFrame,
  encodeScript,
  platformScripts,
  recordScript,
  scriptedFetch,
  scriptFromRaw,
  SCRIPT_FORMAT,
  startReferenceServer,
  type Script,
} from '../../src/testing/index.js';
import { shape } from './support.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('encodeFrame', () => {
  it('writes comment, retry, event, data lines and id, then the blank line', () => {
    expect(encodeFrame({ comment: 'hi\nthere', retry: 10, event: 'e', id: '7', data: 'a\r\nb' })).toBe(': hi\n: there\nretry: 10\nevent: e\ndata: a\ndata: b\nid: 7\n\n');
    expect(encodeFrame({ data: { a: [1, 'é'] } })).toBe('data: {"a":[1,"é"]}\n\n');
    expect(encodeFrame({ event: 'e', id: '1', data: '' }, { eol: '\r\n', idFirst: true })).toBe('id: 1\r\nevent: e\r\ndata: \r\n\r\n');
    expect(encodeFrame({ comment: 'keepalive' })).toBe(': keepalive\n');
  });

  it('rejects CR or LF in event and id, and a bad retry', () => {
    expect(() => encodeFrame({ event: 'a\nb', data: 'x' })).toThrow(new TypeError('SSE event must not contain CR or LF'));
    expect(() => encodeFrame({ id: 'a\rb', data: 'x' })).toThrow(TypeError);
    expect(() => encodeFrame({ retry: -1 })).toThrow(TypeError);
    expect(() => encodeFrame({ data: () => 1 })).toThrow(TypeError);
  });
});

describe('scripts', () => {
  it('cuts where each kind says', () => {
    const event = { event: 'e', data: 'ça va' };
    expect(text(encodeScript([{ cut: 'mid-event' }, event]))).toBe('event: e\ndata: ça va\n');
    expect(text(encodeScript({ eol: '\r\n', steps: [{ cut: 'between-cr-lf' }, event] }))).toBe('event: e\r\ndata: ça va\r');
    expect(text(encodeScript([{ id: '1', data: 'x' }, { cut: 'mid-line' }, event]))).toBe('data: x\nid: 1\n\neven');
    const inside = encodeScript([{ cut: 'inside-character' }, event]);
    expect(inside.at(-1)).toBe(0xc3);
    expect(text(encodeScript([{ data: 'x' }, { wait: 5 }, { cut: 'between-events' }]))).toBe('data: x\n\n');
  });

  it('rejects scripts that cannot play, with the step that is wrong', () => {
    expect(() => scriptedFetch([{ cut: 'mid-event' }])).toThrow(/step 1: cut 'mid-event' needs an SSE block after it/);
    expect(() => scriptedFetch([{ cut: 'between-cr-lf' }, { data: 'x' }])).toThrow(/needs eol: '\\r\\n'/);
    expect(() => scriptedFetch([{ cut: 'inside-character' }, { data: 'ascii' }])).toThrow(/multi-byte character/);
    expect(() => scriptedFetch([{ cut: 'between-events' }, { data: 'x' }])).toThrow(/nothing can follow a cut/);
    expect(() => scriptedFetch([{ wait: -1 }])).toThrow(/wait must be a number ≥ 0/);
    expect(() => scriptedFetch([{ event: 'a\nb', data: 'x' }])).toThrow(/CR or LF/);
    expect(() => scriptedFetch({ steps: [], body: 'x' })).toThrow(/both steps and body/);
    // @ts-expect-error an unknown cut kind
    expect(() => scriptedFetch([{ cut: 'sideways' }, { data: 'x' }])).toThrow(/unknown cut "sideways"/);
  });
});

describe('scriptedFetch', () => {
  it('records requests with authorization, x-api-key and cookie redacted', async () => {
    const fetch = scriptedFetch({ 'GET /v1/runs/:id/events': [{ event: 'run.completed', id: 'evt_1', data: {} }] });
    const crewship = new Crewship({ apiKey: 'sk-live-secret', fetch, headers: { cookie: 'session=1', 'x-api-key': 'k2', 'x-trace': 'visible' } });
    await collectEvents(crewship.runs.stream('run_1'));
    expect(fetch.requests).toHaveLength(1);
    expect(fetch.requests[0]).toMatchObject({
      method: 'GET',
      url: 'https://api.crewship.dev/v1/runs/run_1/events',
      path: '/v1/runs/run_1/events',
      route: 'GET /v1/runs/:id/events',
      headers: { authorization: '***', cookie: '***', 'x-api-key': '***', 'x-trace': 'visible' },
      body: '',
    });
    expect(JSON.stringify(fetch.requests)).not.toContain('secret');
  });

  it('answers an unscripted route with a 404 that lists the routes', async () => {
    const fetch = scriptedFetch({ 'GET /a': [] });
    const response = await fetch('https://x.test/b');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'no_script', message: 'runstream/testing: no script for GET /b; scripted: GET /a' } });
    expect(fetch.problems).toEqual(['runstream/testing: no script for GET /b; scripted: GET /a']);
  });

  it('rejects at once for an aborted signal, and an abort mid-stream stops the script', async () => {
    const fetch = scriptedFetch([{ data: 'one' }, { wait: Infinity }]);
    await expect(fetch('https://x.test/', { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    const controller = new AbortController();
    const stream = connect('https://x.test/', { fetch, signal: controller.signal });
    // The script's `wait: Infinity` would hold the loop until the test's timeout if the abort did not stop it.
    for await (const event of stream) {
      expect(event.data).toBe('one');
      controller.abort();
    }
    expect(stream.outcome?.type).toBe('closed');
  });

  it('after the last connection answers 204, repeats it, or rejects it', async () => {
    const repeat = scriptedFetch({ connections: [{ body: { n: 1 } }], afterLast: 'repeat' });
    await repeat('https://x.test/');
    expect(await (await repeat('https://x.test/')).json()).toEqual({ n: 1 });
    const reject = scriptedFetch({ connections: [], afterLast: 'reject' });
    expect((await reject('https://x.test/')).status).toBe(418);
    expect(reject.problems[0]).toMatch(/request #1 \(GET \/\) was not expected/);
    expect((await scriptedFetch([])('https://x.test/')).status).toBe(200);
    expect((await scriptedFetch({ connections: [] })('https://x.test/')).status).toBe(204);
  });
});

describe('collectEvents', () => {
  it('stops at the timeout, closes the stream and says so', async () => {
    const stream = connect('https://x.test/', { fetch: scriptedFetch([{ data: 'one' }, { wait: Infinity }]) });
    const result = await collectEvents(stream, { timeout: 50 });
    expect(result).toMatchObject({ timedOut: true, error: undefined, outcome: { type: 'closed' } });
    expect(result.events.map((event) => event.data)).toEqual(['one']);
  });

  it('returns the error instead of throwing, and stops at maxEvents', async () => {
    const failing = await collectEvents(connect('https://x.test/', { fetch: scriptedFetch({ status: 401, body: { error: 'no' } }) }));
    expect(failing).toMatchObject({ events: [], timedOut: false, error: { name: 'HTTPError', status: 401 }, outcome: { type: 'error' } });
    const some = await collectEvents(connect('https://x.test/', { fetch: scriptedFetch([{ data: '1' }, { data: '2' }, { data: '3' }]) }), { maxEvents: 2 });
    expect(some.events).toHaveLength(2);
    expect(some.outcome?.type).toBe('closed');
  });
});

describe('recording', () => {
  it('parses raw SSE (runstream tail --raw) into a script that replays the same events', async () => {
    const raw = 'id: 1\r\nevent: status\r\ndata: {"status": "running"}\r\n\r\n: ping - now\r\nretry: 3000\r\nid: 2\r\nevent: progress\r\ndata: a\r\ndata: b\r\n\r\nevent: par';
    const script = scriptFromRaw(raw);
    expect(script).toEqual({
      format: SCRIPT_FORMAT,
      connections: [
        {
          eol: '\r\n',
          idFirst: true,
          steps: [
            { event: 'status', data: '{"status": "running"}', id: '1' },
            { comment: 'ping - now' },
            { retry: 3000, event: 'progress', data: 'a\nb', id: '2' },
            { raw: 'event: par' },
          ],
        },
      ],
    });
    const { events } = await collectEvents(connect('https://x.test/', { fetch: scriptedFetch(script), reconnect: false }));
    expect(shape(events)).toEqual([
      { type: 'status', data: '{"status": "running"}', id: '1' },
      { type: 'progress', data: 'a\nb', id: '2' },
    ]);
    expect(scriptFromRaw('data: {"a":1}\n\n', { parseJson: true }).connections[0]!.steps).toEqual([{ data: { a: 1 } }]);
  });

  it('records a real server with timing, saves it as JSON and replays the same events', async () => {
    const server = await startReferenceServer({ eventDelay: 20 });
    try {
      const script = await recordScript(`${server.url}/v1/runs/run_abc123/events`, { init: { headers: { authorization: 'Bearer test-key' } } });
      const fixture = JSON.parse(JSON.stringify(script)) as Script;
      const steps = fixture.connections[0]!.steps!;
      expect(steps.filter((step) => 'data' in step)).toHaveLength(10);
      // Timing deltas: a wait of about eventDelay before each event.
      const waits = steps.flatMap((step) => ('wait' in step ? [step.wait] : []));
      expect(waits.length).toBeGreaterThanOrEqual(5);
      expect(Math.max(...waits)).toBeGreaterThanOrEqual(10);

      const live = await collectEvents(new Runstream({ baseUrl: server.url, apiKey: 'test-key' }).runs.stream('run_abc123'));
      const replay = await collectEvents(new Crewship({ apiKey: 'x', fetch: scriptedFetch(fixture) }).runs.stream('run_abc123'));
      expect(shape(replay.events)).toEqual(shape(live.events));
      expect(replay.outcome?.type).toBe('completed');
    } finally {
      await server.close();
    }
  });

  it('records a Response, and a never-ending bus up to maxEvents', async () => {
    const fetch = scriptedFetch(platformScripts());
    const recorded = await recordScript(await fetch('https://x.test/api/events'), { maxEvents: 3 });
    expect(recorded.connections[0]!.steps!.filter((step) => 'data' in step).map((step) => (step as { event: string }).event)).toEqual(['ping', 'run.started', 'job.started']);
    const json = await recordScript(await fetch('https://x.test/api/runs/a1b2c3d4'));
    expect(json.connections[0]).toMatchObject({ headers: { 'content-type': 'application/json' }, body: expect.stringContaining('"in_progress"') });
  });
});

describe('the reference server plays scripts', () => {
  it('plays a script given as an option and one added by play(), before the built-in routes', async () => {
    const server = await startReferenceServer({ scripts: { 'GET /mine': [{ event: 'hello', data: 'world' }] } });
    try {
      const played = server.play('GET /v1/runs/:id/events', [{ event: 'run.completed', id: 'x', data: { scripted: true } }]);
      const mine = await collectEvents(connect(`${server.url}/mine`, { reconnect: false }));
      expect(shape(mine.events)).toEqual([{ type: 'hello', data: 'world', id: '' }]);
      const run = await collectEvents(new Runstream({ baseUrl: server.url }).runs.stream('run_abc123'));
      expect(run.events.map((event) => event.data)).toEqual([{ scripted: true }]);
      expect(played.requests).toMatchObject([{ method: 'GET', path: '/v1/runs/run_abc123/events' }]);
      expect(server.requests.map((request) => request.path)).toEqual(['/mine', '/v1/runs/run_abc123/events']);
    } finally {
      await server.close();
    }
  });
});
