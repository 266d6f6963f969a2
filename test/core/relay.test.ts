/**
 * The relay over real sockets: an upstream on 127.0.0.1 (the loopback or the reference server),
 * a relay (a Node http server that pipes `relayResponse`), and a client that reads the relay as
 * a page would. Frames round-trip, resumption crosses both hops, the page going away cancels
 * the upstream request, keepalives arrive, failures become a safe final frame, and a page that
 * stops reading holds the upstream read back.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Crewship, connect, lastEventIdFrom, relayResponse, relayStream, type EventStream } from '../../src/index.js';
import { startReferenceServer, type ReferenceServer } from '../../src/testing/index.js';
import { chunkingsOf } from '../conformance/harness.js';
import { startLoopback, utf8, type Loopback } from '../helpers/loopback.js';
import { frames } from '../helpers/sse.js';
import { within } from '../helpers/async.js';

/** A relay: for each request, `upstream(request)` opens the stream the server decides on. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any platform's stream
async function startRelay(upstream: (request: IncomingMessage, signal: AbortSignal) => EventStream<any>, keepalive?: number): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response: ServerResponse) => {
    const controller = new AbortController();
    response.on('close', () => controller.abort());
    const relayed = relayResponse(upstream(request, controller.signal), { keepalive });
    response.writeHead(relayed.status, Object.fromEntries(relayed.headers));
    Readable.fromWeb(relayed.body! as import('node:stream/web').ReadableStream).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const relays: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(relays.splice(0).map((relay) => relay.close()));
});

describe('frames round-trip through the relay', () => {
  let loopback: Loopback;
  beforeAll(async () => {
    loopback = await startLoopback();
  });
  afterAll(() => loopback.close());

  const wire = frames([
    { retry: 2500, event: 'run.started', id: '1', data: 'started' },
    { data: 'line one\nline two' },
    { event: 'tool.called', data: '{"tool":"web_search","input":"naïve café ☕"}' },
    { id: '2', data: 'after an id' },
    { event: 'run.completed', id: '3', data: '{"ok":true}' },
  ]);
  const expected = [
    { type: 'run.started', id: '1', data: 'started' },
    { type: 'message', id: '1', data: 'line one\nline two' },
    { type: 'tool.called', id: '1', data: '{"tool":"web_search","input":"naïve café ☕"}' },
    { type: 'message', id: '2', data: 'after an id' },
    { type: 'run.completed', id: '3', data: '{"ok":true}' },
  ];

  for (const chunking of chunkingsOf('relay round trip', utf8(wire))) {
    it(`gives connect() on the relay the upstream's events, ids and retry (${chunking.name})`, async () => {
      loopback.script({ steps: chunking.chunks });
      const relay = await startRelay((_request, signal) => connect(loopback.url('/events'), { reconnect: false, signal }));
      relays.push(relay);
      const page = connect(`${relay.url}/relay`, { reconnect: false });
      const events = [];
      for await (const event of page) events.push({ type: event.type, id: event.id, data: event.data });
      expect(events).toEqual(expected);
      expect(page.retry).toBe(2500);
    });
  }
});

describe('the relay in front of a platform', () => {
  let reference: ReferenceServer;
  beforeAll(async () => {
    reference = await startReferenceServer({ eventDelay: 15 });
  });
  afterAll(() => reference.close());

  const crewship = () => new Crewship({ baseUrl: reference.url, apiKey: 'test-key', reconnect: { initialDelay: 10 } });

  it("relays decoded events as JSON, and the page's Last-Event-ID becomes the upstream's", async () => {
    const seen: (string | undefined)[] = [];
    const relay = await startRelay((request, signal) => {
      const lastEventId = lastEventIdFrom(request.headers['last-event-id']);
      seen.push(lastEventId);
      return crewship().runs.stream('run_abc123', { lastEventId, signal });
    });
    relays.push(relay);
    const page = connect<Record<string, unknown>>(`${relay.url}/run`, { json: true, lastEventId: 'evt_004', reconnect: false });
    const events = [];
    for await (const event of page) events.push(event);
    expect(seen).toEqual(['evt_004']);
    expect(events.map((event) => event.id)).toEqual(['evt_005', 'evt_006', 'evt_007', 'evt_008', 'evt_009', 'evt_010']);
    expect(events.at(-1)).toMatchObject({ type: 'run.completed', data: { run_id: 'run_abc123', duration_ms: 45200 } });
    // The key stayed on the server: the page's requests never carried it, the upstream's did.
    const upstream = reference.requests.filter((request) => request.path === '/v1/runs/run_abc123/events');
    expect(upstream.at(-1)!.headers.authorization).toBe('***');
  });

  it('cancels the upstream request when the page goes away', async () => {
    const relay = await startRelay((_request, signal) => crewship().runs.stream('run_abc123', { signal }));
    relays.push(relay);
    const before = reference.streams.length;
    for await (const event of connect(`${relay.url}/run`, { reconnect: false })) if (event.id === 'evt_002') break;
    await vi.waitFor(() => expect(reference.streams.slice(before).map((stream) => stream.state)).toEqual(['client-closed']), { timeout: 3000 });
  });

  it('sends keepalive comments toward the page while the upstream is quiet', async () => {
    const relay = await startRelay((_request, signal) => crewship().runs.stream('run_abc123', { signal }), 5);
    relays.push(relay);
    const response = await fetch(`${relay.url}/run`);
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('evt_010')) {
      const chunk = await within(5000, reader.read());
      if (chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
    await reader.cancel();
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    expect(text).toContain(': keepalive\n\n');
  });

  it('turns an upstream failure into a final error frame that names no URL, header or key', async () => {
    const relay = await startRelay((_request, signal) =>
      new Crewship({ baseUrl: reference.url, apiKey: 'wrong-key-SECRET', reconnect: false }).runs.stream('run_abc123', { signal }),
    );
    relays.push(relay);
    const text = await (await fetch(`${relay.url}/run`)).text();
    expect(text).toBe('event: error\ndata: {"name":"HTTPError","message":"the upstream answered HTTP 401","status":401}\n\n');
    expect(text).not.toContain('SECRET');
    expect(text).not.toContain(reference.url);
  });
});

describe("the page's error from the relay's error frame", () => {
  it("gives a Crewship page the upstream's HTTP status as StreamError.status", async () => {
    const reference = await startReferenceServer();
    try {
      const relay = await startRelay((_request, signal) => new Crewship({ baseUrl: reference.url, apiKey: 'wrong-key', reconnect: false }).runs.stream('run_abc123', { signal }));
      relays.push(relay);
      const page = new Crewship({ baseUrl: relay.url, reconnect: false }).runs.stream('run_abc123');
      const error = await page.finished.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toMatchObject({ name: 'StreamError', code: 'server-error-event', status: 401, message: expect.stringContaining('the upstream answered HTTP 401') });
      expect((error as { serverCode?: string }).serverCode).toBeUndefined();
    } finally {
      await reference.close();
    }
  });

  it("gives a Crewship page the upstream's stream code as serverCode, with the last HTTP status", async () => {
    const failing = createServer((_request, response) => response.writeHead(503, { 'content-type': 'text/plain' }).end('down'));
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    try {
      const upstream = `http://127.0.0.1:${(failing.address() as AddressInfo).port}`;
      const relay = await startRelay((_request, signal) =>
        new Crewship({ baseUrl: upstream, apiKey: 'k', reconnect: { initialDelay: 0, maxAttempts: 1, jitter: 0 } }).runs.stream('run_abc123', { signal }),
      );
      relays.push(relay);
      const page = new Crewship({ baseUrl: relay.url, reconnect: false }).runs.stream('run_abc123');
      const error = await page.finished.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toMatchObject({ name: 'StreamError', code: 'server-error-event', status: 503, serverCode: 'retries-exhausted' });
    } finally {
      failing.closeAllConnections();
      await new Promise((resolve) => failing.close(resolve));
    }
  });
});

describe('backpressure end to end', () => {
  it('reads the upstream only as fast as a page that stopped reading allows', async () => {
    const loopback = await startLoopback();
    try {
      // 20 MB offered, far more than the socket buffers on both sides can hold.
      const big = `data: ${'x'.repeat(1000)}\n\n`;
      const offered = 20_000;
      loopback.script({ steps: Array.from({ length: offered / 10 }, () => big.repeat(10)) });
      let delivered = 0;
      const relay = await startRelay((_request, signal) => {
        const stream = connect(loopback.url('/events'), { reconnect: false, signal });
        stream.addEventListener('message', () => delivered++);
        return stream;
      }, 0);
      relays.push(relay);
      const response = await fetch(`${relay.url}/flood`);
      const reader = response.body!.getReader();
      await reader.read(); // one chunk, then the page stops reading
      // Wait until the buffers between the relay and the page are full and the relay stops.
      let held = -1;
      for (let round = 0; round < 50 && held !== delivered; round++) {
        held = delivered;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(delivered).toBe(held);
      // Socket buffers hold a few MB; the relay itself holds one event, not the rest.
      expect(held).toBeLessThan(offered / 2);
      await reader.cancel();
    } finally {
      await loopback.close();
    }
  });
});

describe('lastEventIdFrom', () => {
  it('takes one short line from a Request, Headers or a raw header value', () => {
    expect(lastEventIdFrom(new Request('http://x/', { headers: { 'last-event-id': 'evt_7' } }))).toBe('evt_7');
    expect(lastEventIdFrom(new Headers({ 'last-event-id': 'evt_8' }))).toBe('evt_8');
    expect(lastEventIdFrom(['evt_9'])).toBe('evt_9');
    // No id is '', as EventSource's lastEventId says it.
    expect(lastEventIdFrom(undefined)).toBe('');
    expect(lastEventIdFrom('')).toBe('');
  });

  it('ignores a value that is not one line of at most 1024 characters', () => {
    expect(lastEventIdFrom('a\nb')).toBe('');
    expect(lastEventIdFrom('a\0b')).toBe('');
    expect(lastEventIdFrom('x'.repeat(1025))).toBe('');
    expect(lastEventIdFrom('x'.repeat(1024))).toHaveLength(1024);
  });

  it('decodes the UTF-8 bytes a client sends back to the id', () => {
    const bytes = String.fromCharCode(...new TextEncoder().encode('évt_☕'));
    expect(lastEventIdFrom(bytes)).toBe('évt_☕');
  });
});

describe('relayStream()', () => {
  let loopback: Loopback;
  beforeAll(async () => {
    loopback = await startLoopback();
  });
  afterAll(() => loopback.close());

  it('gives the frames as bytes, for a server that builds its own response', async () => {
    loopback.script({ steps: [utf8(frames([{ event: 'run.started', id: '1', data: '{"a":1}' }, { event: 'run.completed', id: '2', data: '{}' }]))] });
    const body = relayStream(connect(loopback.url('/events'), { reconnect: false, json: true }), { keepalive: 0 });
    const text = await new Response(body).text();
    expect(text).toBe('event: run.started\ndata: {"a":1}\nid: 1\n\nevent: run.completed\ndata: {}\nid: 2\n\n');
  });

  it('refuses a stream that is already being iterated, with a TypeError', () => {
    const stream = connect(loopback.url('/events'), { reconnect: false });
    const iterator = stream[Symbol.asyncIterator]();
    expect(() => relayStream(stream)).toThrow(TypeError);
    void iterator.return?.();
  });
});
