/**
 * What a new user meets first: a stream closed in the tick it got its first consumer, close()
 * with a fetch that ignores its signal, and every message the JSON transport builds redacted.
 */
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { Transport } from '../../src/core/request.js';
import { connect, type EventStream } from '../../src/index.js';
import { BASE, server, useMsw } from '../helpers/msw.js';
import { frame } from '../helpers/sse.js';
import { openResponse, rejection, route } from './support.js';

useMsw();

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
      await expect(stream.finished).resolves.toBeUndefined();
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
    await expect(stream.finished).resolves.toBeUndefined();
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
  const client = () => new Transport({ baseUrl: `http://user:${SECRET}@api.test`, fetch: (input, init) => fetch(String(input).replace(`user:${SECRET}@`, ''), init) });
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
