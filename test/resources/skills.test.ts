import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { ConnectionError, HTTPError, Runstream, StreamError, parseSkillTimestamp, type ClientOptions } from '../../src/index.js';
import { BASE, server, useMsw } from '../helpers/msw.js';
import { collect, frames, sseResponse, type Frame } from '../helpers/sse.js';
import { RequestLog, serveOnce, testClient } from './support.js';

useMsw();

const STREAM = `${BASE}/v1/skills/:skillId/execute/stream`;
const EXECUTE = `${BASE}/v1/skills/:skillId/execute`;

function client(options: Partial<ClientOptions> = {}): Runstream {
  return testClient({ apiKey: 'sk-test-secret', ...options });
}

function engine(type: string, id: string, data: unknown = null, step_id: string | null = 'analyze'): Frame {
  return {
    event: type,
    id,
    data: { type, message: `${type} ${step_id ?? ''}`.trim(), timestamp: '2026-03-25T12:00:00Z', step_id, trace_id: 'abc-123', data },
  };
}

const done: Frame = { event: 'done', id: '9', data: { skill_id: 'my.skill', status: 'completed', outputs: { result: 'ok' }, trace_id: 'abc-123' } };

function serve(chunks: readonly string[]): RequestLog {
  return serveOnce('post', STREAM, chunks);
}

describe('skills.start', () => {
  it('POSTs the JSON body to /v1/skills/{id}/execute/stream with X-API-Key and Accept', async () => {
    const log = serve([frames([engine('skill_start', '1', null, null), done])]);
    await collect(client().skills.start('my.skill', { inputs: { text: 'Hello world' } }));
    const request = log.only();
    expect(request.method).toBe('POST');
    expect(request.url.pathname).toBe('/v1/skills/my.skill/execute/stream');
    expect(JSON.parse(request.body)).toEqual({ inputs: { text: 'Hello world' } });
    expect(request.headers.get('content-type')).toBe('application/json');
    expect(request.headers.get('accept')).toBe('text/event-stream');
    expect(request.headers.get('x-api-key')).toBe('sk-test-secret');
    expect(request.headers.get('authorization')).toBeNull();
  });

  it('URL-encodes the skill id', async () => {
    const log = new RequestLog();
    server.use(
      http.post(`${BASE}/v1/skills/*`, async ({ request }) => {
        await log.take(request);
        return sseResponse([frames([done])]);
      }),
    );
    await collect(client().skills.start('team/my skill', { inputs: {} }));
    expect(log.only().url.pathname).toBe('/v1/skills/team%2Fmy%20skill/execute/stream');
  });

  it('delivers engine events and ends after done, ignoring anything later', async () => {
    const log = serve([
      frames([
        engine('skill_start', '1', null, null),
        engine('step_start', '2'),
        engine('step_completed', '3', { produced_output: { summary: '...' } }),
        engine('skill_completed', '4', null, null),
        done,
        engine('step_start', '10', null, 'late'),
      ]),
    ]);
    const events = await collect(client().skills.start('my.skill', { inputs: { text: 'hi' } }));
    expect(events.map(({ type, id }) => [type, id])).toEqual([
      ['skill_start', '1'],
      ['step_start', '2'],
      ['step_completed', '3'],
      ['skill_completed', '4'],
      ['done', '9'],
    ]);
    expect(events[2]!.data).toMatchObject({ type: 'step_completed', step_id: 'analyze', data: { produced_output: { summary: '...' } } });
    expect(events[4]!.data).toEqual({ skill_id: 'my.skill', status: 'completed', outputs: { result: 'ok' }, trace_id: 'abc-123' });
    expect(log.count).toBe(1);
  });

  it('delivers a done with error, then fails with StreamError carrying the trace_id', async () => {
    serve([
      frames([
        engine('step_failed', '5'),
        {
          event: 'done',
          id: '6',
          data: { skill_id: 'my.skill', status: 'failed', error: { code: 'STEP_FAILED', message: "Step 'analyze' failed" }, trace_id: 'trace-77' },
        },
      ]),
    ]);
    const seen: string[] = [];
    const stream = client().skills.start('my.skill', { inputs: {} });
    const error = await (async () => {
      for await (const event of stream) seen.push(event.type);
    })().catch((thrown: unknown) => thrown);
    expect(seen).toEqual(['step_failed', 'done']);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'server-error-event', event: 'done', traceId: 'trace-77', lastEventId: '6', outcome: 'failed', serverStatus: 'failed' });
    // The outcome splits the status as the error does: the result's word is serverStatus, no HTTP status.
    expect(stream.outcome).toMatchObject({ type: 'failed', serverStatus: 'failed', error });
    expect(stream.outcome?.status).toBeUndefined();
    expect((error as Error).message).toContain("Step 'analyze' failed");
  });

  it('reads a string error in done too', async () => {
    serve([frames([{ event: 'done', data: { skill_id: 'my.skill', status: 'failed', error: 'timeout', trace_id: 't1' } }])]);
    const error = await collect(client().skills.start('my.skill', { inputs: {} })).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ name: 'StreamError', code: 'server-error-event', traceId: 't1' });
    expect((error as Error).message).toContain('timeout');
  });

  it('treats a done with status "failed" and no error as a failure', async () => {
    serve([frames([{ event: 'done', data: { skill_id: 'my.skill', status: 'failed', trace_id: 't2' } }])]);
    const error = await collect(client().skills.start('my.skill', { inputs: {} })).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ name: 'StreamError', code: 'server-error-event', traceId: 't2' });
    expect((error as Error).message).toContain('status "failed"');
  });

  it('never re-sends the POST when the connection drops: ConnectionError with lastEventId', async () => {
    // The body errors only once the client has read the events: msw reads a body ahead of the
    // client, so an error queued behind the chunks would overtake them.
    let drop!: () => void;
    const dropped = new Promise<void>((resolve) => (drop = resolve));
    const log = new RequestLog();
    server.use(
      http.post(STREAM, async ({ request }) => {
        await log.take(request);
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode(frames([engine('skill_start', '1', null, null), engine('step_start', '2')])));
          },
          async pull(controller) {
            await dropped;
            controller.error(new Error('socket hang up'));
          },
        });
        return new HttpResponse(body, { headers: { 'content-type': 'text/event-stream' } });
      }),
    );
    const seen: string[] = [];
    const error = await (async () => {
      for await (const event of client().skills.start('my.skill', { inputs: {} })) {
        seen.push(event.type);
        if (event.type === 'step_start') drop();
      }
    })().catch((thrown: unknown) => thrown);
    expect(seen).toEqual(['skill_start', 'step_start']);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).lastEventId).toBe('2');
    expect(log.count).toBe(1);
  });

  it('never re-sends the POST when the server closes before done: StreamError unexpected-end with lastEventId', async () => {
    const log = serve([frames([engine('skill_start', '1', null, null), engine('step_start', '2')])]);
    const error = await collect(client().skills.start('my.skill', { inputs: {} }, { reconnect: true })).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'unexpected-end', lastEventId: '2' });
    expect(log.count).toBe(1);
  });

  it('sends the POST again after a 503: the server said it did not accept it', async () => {
    const log = new RequestLog();
    server.use(
      http.post(STREAM, async ({ request }) => {
        await log.take(request);
        return log.count === 1
          ? HttpResponse.json({ error: 'overloaded' }, { status: 503, headers: { 'retry-after': '0' } })
          : sseResponse([frames([engine('skill_start', '1', null, null), done])]);
      }),
    );
    const events = await collect(client().skills.start('my.skill', { inputs: { text: 'x' } }));
    expect(events.map((e) => e.type)).toEqual(['skill_start', 'done']);
    expect(log.count).toBe(2);
    expect(JSON.parse(log.requests[1]!.body)).toEqual({ inputs: { text: 'x' } });
  });

  it('does not send the POST again after a 500: the server may have started the work', async () => {
    const log = new RequestLog();
    server.use(
      http.post(STREAM, async ({ request }) => {
        await log.take(request);
        return HttpResponse.json({ error: 'boom' }, { status: 500 });
      }),
    );
    const error = await collect(client().skills.start('my.skill', { inputs: {} })).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ status: 500, method: 'POST' });
    expect(log.count).toBe(1);
  });

  it('fails with StreamError invalid-data carrying the raw text', async () => {
    serve([frames([{ event: 'step_start', id: '3', data: '{"type":"step_start"' }, done])]);
    const error = await collect(client().skills.start('my.skill', { inputs: {} })).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'invalid-data', event: 'step_start', data: '{"type":"step_start"', lastEventId: '3' });
  });

  it('goes on after invalid data when onInvalidData is given', async () => {
    serve([frames([{ event: 'step_start', data: '<html>' }, done])]);
    const skipped: string[] = [];
    const events = await collect(client().skills.start('my.skill', { inputs: {} }, { onInvalidData: (error) => skipped.push(error.data ?? '') }));
    expect(events.map((event) => event.type)).toEqual(['done']);
    expect(skipped).toEqual(['<html>']);
  });
});

describe('skills.run', () => {
  it('streams the execution to onEvent and resolves with the result of done', async () => {
    serve([frames([engine('skill_start', '1', null, null), engine('step_start', '2'), done])]);
    const seen: string[] = [];
    const result = await client().skills.run('my.skill', { inputs: { text: 'hi' } }, { onEvent: (event) => seen.push(event.type) });
    expect(seen).toEqual(['skill_start', 'step_start', 'done']);
    expect(result).toEqual({ skill_id: 'my.skill', status: 'completed', outputs: { result: 'ok' }, trace_id: 'abc-123' });
  });

  it('rejects with the StreamError of a done with error, as the stream does', async () => {
    serve([frames([{ event: 'done', data: { skill_id: 'my.skill', status: 'failed', error: 'timeout', trace_id: 't1' } }])]);
    const error = await client().skills.run('my.skill', { inputs: {} }).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ name: 'StreamError', code: 'server-error-event', traceId: 't1', outcome: 'failed' });
  });
});

describe('skills.execute', () => {
  it('POSTs /v1/skills/{id}/execute and returns the result', async () => {
    const log = new RequestLog();
    const result = { skill_id: 'my.skill', status: 'completed', outputs: { result: 'ok' }, trace_id: 'abc-123' };
    server.use(
      http.post(EXECUTE, async ({ request }) => {
        await log.take(request);
        return HttpResponse.json(result);
      }),
    );
    expect(await client().skills.execute('my.skill', { inputs: { text: 'hi' } })).toEqual(result);
    const request = log.only();
    expect(request.url.pathname).toBe('/v1/skills/my.skill/execute');
    expect(JSON.parse(request.body)).toEqual({ inputs: { text: 'hi' } });
    expect(request.headers.get('x-api-key')).toBe('sk-test-secret');
    expect(request.headers.get('content-type')).toBe('application/json');
  });

  it('throws StreamError server-error-event with traceId when the result carries error', async () => {
    server.use(
      http.post(EXECUTE, () =>
        HttpResponse.json({ skill_id: 'my.skill', status: 'failed', error: { message: 'bad input' }, trace_id: 'trace-9' }),
      ),
    );
    const error = await client().skills.execute('my.skill', { inputs: {} }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'server-error-event', traceId: 'trace-9', event: 'done', outcome: 'failed', serverStatus: 'failed' });
    expect((error as Error).message).toContain('bad input');
  });

  it('throws for a result with status "failed" and no error', async () => {
    server.use(http.post(EXECUTE, () => HttpResponse.json({ skill_id: 'my.skill', status: 'failed', trace_id: 'trace-10' })));
    const error = await client().skills.execute('my.skill', { inputs: {} }).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ name: 'StreamError', code: 'server-error-event', traceId: 'trace-10' });
  });

  it('throws HTTPError with the parsed body on 422', async () => {
    server.use(http.post(EXECUTE, () => HttpResponse.json({ detail: 'inputs.text is required' }, { status: 422 })));
    const error = await client().skills.execute('my.skill', { inputs: {} }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ status: 422, body: { detail: 'inputs.text is required' } });
  });
});

describe('skills errors as the engine really sends them', () => {
  const errorDone = (status: number, code: string): Frame => ({
    event: 'done',
    data: { error: { code, message: `${code}: it went wrong`, type: status === 404 ? 'not_found' : 'execution_error', status }, trace_id: null },
  });

  it('carries the engine code, status and the trace id of earlier events when done has none', async () => {
    serve([frames([engine('skill_start', '1', null, null), engine('step_failed', '2'), errorDone(500, 'STEP_FAILED')])]);
    const stream = client().skills.start('my.skill', { inputs: {} });
    const error = await collect(stream).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'server-error-event', serverCode: 'STEP_FAILED', status: 500, traceId: 'abc-123', outcome: 'failed' });
    expect(stream.outcome).toMatchObject({ type: 'failed', serverCode: 'STEP_FAILED', status: 500, traceId: 'abc-123', error });
    expect(stream.outcome?.serverStatus).toBeUndefined();
  });

  it('fails an unknown skill (a 200 stream with only an error done) with status 404 inside', async () => {
    serve([frames([errorDone(404, 'SKILL_NOT_FOUND')])]);
    const error = await collect(client().skills.start('nope.skill', { inputs: {} })).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ name: 'StreamError', serverCode: 'SKILL_NOT_FOUND', status: 404, traceId: undefined });
    expect((error as Error).message).toContain('SKILL_NOT_FOUND: it went wrong');
  });

  it('execute() raises the same fields', async () => {
    server.use(http.post(EXECUTE, () => HttpResponse.json({ error: { code: 'STEP_FAILED', message: 'bad', type: 'execution_error', status: 500 }, trace_id: 'trace-x' })));
    const error = await client().skills.execute('my.skill', { inputs: {} }).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ name: 'StreamError', code: 'server-error-event', serverCode: 'STEP_FAILED', status: 500, traceId: 'trace-x', outcome: 'failed' });
  });
});

describe('parseSkillTimestamp', () => {
  it.each([
    ['2026-11-21T09:32:41.880357+00:00Z', '2026-11-21T09:32:41.880Z'],
    ['2026-11-21T11:32:41.880357+02:00Z', '2026-11-21T09:32:41.880Z'],
    ['2026-03-25T12:00:00Z', '2026-03-25T12:00:00.000Z'],
    ['2026-03-25T12:00:00.5+00:00', '2026-03-25T12:00:00.500Z'],
  ])('reads %s', (text, iso) => {
    expect(parseSkillTimestamp(text)?.toISOString()).toBe(iso);
  });

  it('reads the engine form, which new Date() rejects', () => {
    expect(Number.isNaN(new Date('2026-11-21T09:32:41.880357+00:00Z').getTime())).toBe(true);
    expect(parseSkillTimestamp('2026-11-21T09:32:41.880357+00:00Z')).toBeInstanceOf(Date);
  });

  it('returns undefined for text that is not a timestamp', () => {
    expect(parseSkillTimestamp('yesterday')).toBeUndefined();
  });
});
