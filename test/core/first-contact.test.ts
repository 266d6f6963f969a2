/**
 * What a new user meets first: a stream closed in the tick it got its first consumer, close()
 * with a fetch that ignores its signal, and every message the JSON transport builds redacted.
 */
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { platformAdapter } from '../../src/core/adapter.js';
import { Transport } from '../../src/core/request.js';
import { streamConfig } from '../../src/core/sse.js';
import { platformOutcome } from '../../src/features/outcome.js';
import { EventStream, HTTPError, TimeoutError, connect } from '../../src/index.js';
import { BASE, server, useMsw } from '../helpers/msw.js';
import { collect, frame, frames, sseResponse } from '../helpers/sse.js';
import { collectEvents, instantReconnect } from '../../src/testing/index.js';
import { openResponse, rejection, route } from './support.js';

useMsw();
afterEach(() => {
  vi.unstubAllGlobals();
});

const URL_ = `${BASE}/events`;
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 20));

describe('a stream closed in the tick of its first consumer (React StrictMode mount, unmount, mount)', () => {
  const consumers: Record<string, (stream: EventStream) => void> = {
    'addEventListener': (stream) => stream.addEventListener('message', () => {}),
    'an iterator': (stream) => void stream[Symbol.asyncIterator]().next(),
    'finished': (stream) => void stream.finished,
  };
  for (const [name, attach] of Object.entries(consumers)) {
    it(`sends no request and stays closed (${name}, then close())`, async () => {
      const seen = route('get', '/events', [() => openResponse([frame({ data: 'a' })])]);
      const stream = connect(URL_);
      attach(stream);
      stream.close();
      await settle();
      expect(seen).toHaveLength(0);
      expect(stream.readyState).toBe('closed');
      await expect(stream.finished).resolves.toMatchObject({ type: 'closed' });
    });
  }
});

describe('close() with a fetch that does not honour its signal', () => {
  /** A fetch that ignores `init.signal` and records whether its body was cancelled. */
  function deafFetch(): { fetch: typeof fetch; cancelled: () => boolean; requests: () => number } {
    let cancelled = false;
    let requests = 0;
    const encoder = new TextEncoder();
    const fetchImpl = (async () => {
      requests++;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode(frame({ data: 'a' })));
        },
        cancel() {
          cancelled = true;
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    }) as typeof fetch;
    return { fetch: fetchImpl, cancelled: () => cancelled, requests: () => requests };
  }

  it('cancels the body while a listener stream reads', async () => {
    const deaf = deafFetch();
    const stream = connect(URL_, { fetch: deaf.fetch });
    const first = new Promise<void>((resolve) => stream.addEventListener('message', () => resolve()));
    await first;
    stream.close();
    await settle();
    expect(deaf.cancelled()).toBe(true);
    expect(deaf.requests()).toBe(1);
  });

  it('cancels the body when the loop is left while the read loop waits for backpressure', async () => {
    const deaf = deafFetch();
    for await (const event of connect(URL_, { fetch: deaf.fetch })) {
      expect(event.data).toBe('a');
      await settle();
      break;
    }
    await settle();
    expect(deaf.cancelled()).toBe(true);
  });

  it('cancels an HTTP error body that is still being read', async () => {
    let cancelled = false;
    const fetchImpl = (async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"error": "overloaded", '));
          },
          cancel() {
            cancelled = true;
          },
        }),
        { status: 503, headers: { 'content-type': 'application/json' } },
      )) as typeof fetch;
    const stream = connect(URL_, { fetch: fetchImpl });
    stream.addEventListener('message', () => {});
    await settle();
    stream.close();
    await settle();
    expect(cancelled).toBe(true);
    await expect(stream.finished).resolves.toMatchObject({ type: 'closed' });
  });

  it('cancels a body that arrives after close()', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const deaf = deafFetch();
    const slow = (async (input: RequestInfo | URL, init?: RequestInit) => {
      await gate;
      return deaf.fetch(input, init);
    }) as typeof fetch;
    const stream = connect(URL_, { fetch: slow });
    stream.addEventListener('message', () => {});
    await settle();
    stream.close();
    release();
    await settle();
    expect(deaf.cancelled()).toBe(true);
  });
});

describe('the JSON transport redacts every message it builds', () => {
  const SECRET = 'sk-live-IN-THE-URL-123';
  // A password in `baseUrl` is refused at construction (test/security); the key here is in the query.
  const client = () => new Transport({ baseUrl: BASE });
  const spec = { method: 'GET', path: `/thing`, query: { api_key: SECRET }, auth: 'none' } as const;

  const paths: Record<string, () => void> = {
    'invalid JSON in a 2xx body': () => server.use(http.get(`${BASE}/thing`, () => new HttpResponse('<html>oops</html>', { status: 200 }))),
    'an HTTP error': () => server.use(http.get(`${BASE}/thing`, () => HttpResponse.json({ error: { message: 'nope' } }, { status: 500 }))),
    'a connection failure': () => server.use(http.get(`${BASE}/thing`, () => HttpResponse.error())),
  };
  for (const [name, serve] of Object.entries(paths)) {
    it(`keeps the secret out of the error for ${name}`, async () => {
      serve();
      const error = (await rejection(client().json(spec))) as Error;
      expect(error).toBeInstanceOf(Error);
      for (const text of [error.message, String(error), JSON.stringify(error), String((error as { url?: string }).url)]) {
        expect(text).not.toContain(SECRET);
      }
    });
  }
});

describe('fail fast where waiting cannot help: URLs', () => {
  const bad: Record<string, string> = {
    'a relative URL outside a page': '/events',
    'an ftp: URL': 'ftp://files.example/events',
    'a typo in the scheme': 'http//api.example/events',
    'an empty string': '',
  };
  for (const [name, url] of Object.entries(bad)) {
    it(`throws a TypeError at once for ${name}, sending nothing`, () => {
      let requests = 0;
      const counting = (() => {
        requests++;
        return Promise.reject(new Error('must not be called'));
      }) as typeof fetch;
      expect(() => connect(url, { fetch: counting })).toThrow(TypeError);
      expect(() => connect(url, { fetch: counting })).toThrow(/http/);
      expect(requests).toBe(0);
    });
  }

  it('keeps secrets of a rejected URL out of the TypeError', () => {
    expect(() => connect('ftp://user:hunter2@files.example/x?token=hunter2')).toThrow(TypeError);
    try {
      connect('ftp://user:hunter2@files.example/x?token=hunter2');
    } catch (error) {
      expect(String(error)).not.toContain('hunter2');
    }
  });

  it('resolves a relative URL against the page location where there is one', async () => {
    vi.stubGlobal('location', { href: `${BASE}/app/page.html` });
    const seen = route('get', '/app/events', [() => sseResponse([frame({ data: 'a' })])]);
    const events = await collect(connect('events', { reconnect: false }));
    expect(events.map((event) => event.data)).toEqual(['a']);
    expect(seen[0]!.url).toBe(`${BASE}/app/events`);
  });
});

describe('the long backoff', () => {
  it('keeps the long backoff for a stream that was open once', async () => {
    route('get', '/events', [
      () => sseResponse([frame({ id: '1', data: 'a' })]),
      ...Array.from({ length: 5 }, () => () => HttpResponse.error()),
    ]);
    const { reconnect, delays } = instantReconnect({ maxAttempts: 5 });
    const error = await rejection(collect(connect(URL_, { reconnect })));
    expect(error).toMatchObject({ name: 'StreamError', code: 'retries-exhausted' });
    expect(delays).toHaveLength(5);
  });
});

describe('a signal aborted with a timeout reason', () => {
  it('ends the stream with TimeoutError after the events before it (AbortSignal.timeout)', async () => {
    route('get', '/events', [() => openResponse([frame({ id: '7', data: 'a' })])]);
    const stream = connect(URL_, { signal: AbortSignal.timeout(50) });
    const { events, error } = await collectEvents(stream);
    expect(events.map((event) => event.data)).toEqual(['a']);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ timeout: undefined, lastEventId: '7', method: 'GET' });
    expect((error as Error).message).toMatch(/timed out/);
    await expect(stream.finished).rejects.toBeInstanceOf(TimeoutError);
  });

  it('fails at once when the signal timed out before the stream started', async () => {
    const controller = new AbortController();
    controller.abort(new DOMException('The operation timed out.', 'TimeoutError'));
    const stream = connect(URL_, { signal: controller.signal });
    await expect(collect(stream)).rejects.toBeInstanceOf(TimeoutError);
  });

  it('still ends quietly on a plain abort()', async () => {
    route('get', '/events', [() => openResponse([frame({ data: 'a' })])]);
    const controller = new AbortController();
    const stream = connect(URL_, { signal: controller.signal });
    const events: string[] = [];
    for await (const event of stream) {
      events.push(event.data);
      controller.abort();
    }
    expect(events).toEqual(['a']);
    await expect(stream.finished).resolves.toMatchObject({ type: 'closed' });
  });

  it('fails a JSON call with TimeoutError too', async () => {
    server.use(http.get(`${BASE}/slow`, async () => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      return HttpResponse.json({});
    }));
    const transport = new Transport({ baseUrl: BASE });
    const error = await rejection(transport.json({ method: 'GET', path: '/slow', auth: 'none' }, { signal: AbortSignal.timeout(30) }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ timeout: undefined });
  });
});

describe('connect() end markers', () => {
  it("ends an OpenAI-style stream at data: [DONE] with json: true, without reconnecting", async () => {
    const seen = route('get', '/events', [() => openResponse([frames([{ data: { delta: 'Hel' } }, { data: { delta: 'lo' } }, { data: '[DONE]' }])])]);
    const stream = connect(URL_, { json: true, endMarker: '[DONE]' });
    const events = await collect(stream);
    expect(events.map((event) => event.data)).toEqual([{ delta: 'Hel' }, { delta: 'lo' }]);
    await expect(stream.finished).resolves.toMatchObject({ type: 'completed' });
    expect(seen).toHaveLength(1);
  });
});

describe('HTTPError messages a person can read', () => {
  it('summarises an HTML error page without markup and keeps the page on body', async () => {
    const page = '<!doctype html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>';
    route('get', '/events', [() => new Response(page, { status: 404, statusText: 'Not Found', headers: { 'content-type': 'text/html' } })]);
    const error = (await rejection(collect(connect(URL_)))) as HTTPError;
    expect(error).toBeInstanceOf(HTTPError);
    expect(error.message).toBe(`runstream: GET ${URL_} failed with HTTP 404 Not Found`);
    expect(error.body).toBe(page);
  });

  it("takes the first line of a JSON error.message", async () => {
    route('get', '/events', [() => HttpResponse.json({ error: { message: 'Run not found\nat lookup (runs.py:12)' } }, { status: 404 })]);
    const error = (await rejection(collect(connect(URL_)))) as HTTPError;
    expect(error.message).toMatch(/HTTP 404 Not Found: Run not found$/);
  });

  it('bounds a long plain-text body in the message to one short line', async () => {
    route('get', '/events', [() => new Response(`${'x'.repeat(5000)}\nsecond line`, { status: 400, headers: { 'content-type': 'text/plain' } })]);
    const error = (await rejection(collect(connect(URL_)))) as HTTPError;
    expect(error.message.length).toBeLessThan(300);
    expect(error.message).not.toContain('second line');
    expect(String(error.body)).toContain('second line');
  });
});

describe('the browser API-key guard in a jsdom page', () => {
  it("names jsdom, as its user agent says, in the guard's error", () => {
    vi.stubGlobal('window', { document: {} });
    vi.stubGlobal('navigator', { userAgent: 'Mozilla/5.0 (linux) AppleWebKit/537.36 (KHTML, like Gecko) jsdom/26.1.0' });
    expect(() => new Transport({ baseUrl: BASE, apiKey: 'sk-test' })).toThrow(/looks like jsdom, a test runner's simulated page/);
  });
});

describe('outcomes when the loop is left', () => {
  it('keeps the terminal event outcome when the loop breaks at it', async () => {
    route('get', '/events', [() => openResponse([frames([{ event: 'run.output', data: { n: 1 } }, { event: 'run.completed', data: { ok: true } }])])]);
    const adapter = platformAdapter({ known: ['run.output', 'run.completed'], terminal: ['run.completed'] });
    const stream = new EventStream({ ...streamConfig(URL_, 'GET', {}, adapter), use: [platformOutcome(adapter, undefined)] });
    for await (const event of stream) if (event.type === 'run.completed') break;
    expect(stream.outcome).toMatchObject({ type: 'completed', event: { type: 'run.completed' } });
  });

  it('is closed when the loop breaks before the terminal event', async () => {
    route('get', '/events', [() => openResponse([frame({ data: 'a' })])]);
    const stream = connect(URL_);
    for await (const event of stream) if (event.data === 'a') break;
    expect(stream.outcome).toEqual({ type: 'closed' });
  });
});
