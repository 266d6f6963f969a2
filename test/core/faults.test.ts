/**
 * Faults injected by a real HTTP server on 127.0.0.1: the reconnection policy as a user sees it
 * over real sockets, half-open connections, POST streams that drop, servers that replay, events
 * too large to buffer, and aborts at every stage.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError, HTTPError, StreamError, connect, dedupe, type ReconnectInfo } from '../../src/index.js';
import { startLoopback, type Loopback, type Reply } from '../helpers/loopback.js';
import { collect, frame, frames } from '../helpers/sse.js';

let server: Loopback;
beforeAll(async () => {
  server = await startLoopback();
});
afterAll(() => server.close());

/** Records each reconnect and waits no time at all: delays are asserted, never slept. */
function recorder(options: { maxAttempts?: number; maxDelay?: number; jitter?: number } = {}) {
  const reconnects: ReconnectInfo[] = [];
  return {
    reconnects,
    delays: () => reconnects.map((info) => info.delay),
    options: {
      reconnect: { sleep: () => Promise.resolve(), random: () => 1, jitter: 0, ...options },
      onReconnect: (info: ReconnectInfo) => reconnects.push(info),
    },
  };
}

const noContent: Reply = { status: 204, steps: [] };
const status = (code: number, headers: Record<string, string> = {}): Reply => ({
  status: code,
  headers: { 'content-type': 'application/json', ...headers },
  steps: [JSON.stringify({ error: `status ${code}` })],
});

describe('reconnection policy over a real socket', () => {
  it('waits what the server sent in retry:, even 1 ms', async () => {
    const { options, delays } = recorder();
    server.script({ steps: [frame({ retry: 1, id: '1', data: 'a' })] }, noContent);
    const events = await collect(connect(server.url('/events'), options));
    expect(events.map((e) => e.data)).toEqual(['a']);
    expect(delays()).toEqual([1]);
    expect(server.requests[1]!.headers['last-event-id']).toBe('1');
  });

  it('backs off across consecutive failed attempts, capped at maxDelay, and resets after an event', async () => {
    const { options, delays } = recorder({ maxDelay: 50 });
    server.script(
      { steps: [frame({ retry: 10, id: '1', data: 'a' })] },
      status(500),
      status(502),
      status(500),
      status(503),
      status(500),
      { steps: [frame({ id: '2', data: 'b' })] },
      status(500),
      noContent,
    );
    const events = await collect(connect(server.url('/events'), options));
    expect(events.map((e) => e.data)).toEqual(['a', 'b']);
    // 10 ms base from retry:, doubling per failed attempt up to 50 ms; the event resets it.
    expect(delays()).toEqual([10, 20, 40, 50, 50, 50, 10, 20]);
  });

  it('obeys Retry-After on 429 and 503 (seconds and HTTP date)', async () => {
    const { options, delays } = recorder();
    const inTwoSeconds = new Date(Date.now() + 2500).toUTCString();
    server.script(status(429, { 'retry-after': '3' }), status(503, { 'retry-after': inTwoSeconds }), noContent);
    await collect(connect(server.url('/events'), options));
    expect(delays()[0]).toBe(3000);
    // An HTTP date is whole seconds: between 1 and 2.5 s from now.
    expect(delays()[1]).toBeGreaterThan(1000);
    expect(delays()[1]).toBeLessThanOrEqual(2500);
  });

  it('stops for good on 204 No Content', async () => {
    const { options, reconnects } = recorder();
    server.script(noContent);
    const stream = connect(server.url('/events'), options);
    expect(await collect(stream)).toEqual([]);
    await expect(stream.finished).resolves.toMatchObject({ type: 'ended' });
    expect(server.requests).toHaveLength(1);
    expect(reconnects).toEqual([]);
  });

  it.each([401, 403, 404])('stops on %i with an HTTPError and no retry', async (code) => {
    const { options, reconnects } = recorder();
    server.script(status(code));
    const error = await collect(connect(server.url('/events'), options)).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(HTTPError);
    expect(error).toMatchObject({ status: code, body: { error: `status ${code}` } });
    expect(server.requests).toHaveLength(1);
    expect(reconnects).toEqual([]);
  });

  it('retries 500 and gives up at maxAttempts with the lastEventId on the error', async () => {
    const { options, reconnects } = recorder({ maxAttempts: 3 });
    server.script({ steps: [frame({ id: 'e1', data: 'a' }), { destroy: true }] }, status(500), status(500), status(500), status(500));
    const stream = connect(server.url('/events'), options);
    const seen: string[] = [];
    const error = await (async () => {
      for await (const event of stream) seen.push(event.data);
    })().catch((thrown: unknown) => thrown);
    expect(seen).toEqual(['a']);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'retries-exhausted', lastEventId: 'e1' });
    expect((error as StreamError).cause).toBeInstanceOf(HTTPError);
    expect(server.requests).toHaveLength(4);
    expect(server.requests.slice(1).every((request) => request.headers['last-event-id'] === 'e1')).toBe(true);
    expect(reconnects.map((info) => info.attempt)).toEqual([1, 2, 3]);
  });
});

describe('idle timeout', () => {
  it('treats a half-open connection (no bytes, socket kept) as dropped and resumes with Last-Event-ID', async () => {
    const { options, reconnects } = recorder();
    server.script({ steps: [frame({ id: '1', data: 'a' }), { hold: true }] }, { steps: [frame({ id: '2', data: 'b' })] }, noContent);
    // The first connection is held open forever: only the idle timeout can end it.
    const events = await collect(connect(server.url('/events'), { ...options, idleTimeout: 200 }));
    expect(events.map((e) => e.data)).toEqual(['a', 'b']);
    expect(reconnects[0]!.cause).toBeInstanceOf(ConnectionError);
    expect(reconnects[0]!.cause!.message).toContain('idle timeout');
    expect(server.requests[1]!.headers['last-event-id']).toBe('1');
    // The held connection was closed by the client.
    await server.requests[0]!.closed;
  });

  it('counts a server that accepts the request but never answers as idle too', async () => {
    const { options, reconnects } = recorder({ maxAttempts: 1 });
    let requests = 0;
    const silent = createServer(() => void requests++);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const error = await collect(connect(`http://127.0.0.1:${port}/`, { ...options, idleTimeout: 150 })).catch((thrown: unknown) => thrown);
      expect(error).toMatchObject({ name: 'StreamError', code: 'retries-exhausted' });
      expect((error as StreamError).cause).toBeInstanceOf(ConnectionError);
      expect(reconnects[0]!.cause!.message).toContain('before a response (idle timeout)');
      expect(requests).toBe(2);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('is reset by comments and keepalive bytes: a quiet but live stream is not dropped', async () => {
    const { options, reconnects } = recorder();
    const pings = Array.from({ length: 6 }, () => [':ping\n\n', { wait: 80 }] as const).flat();
    server.script({ steps: [frame({ id: '1', data: 'a' }), ...pings, frame({ id: '2', data: 'b' })] }, noContent);
    const events = await collect(connect(server.url('/events'), { ...options, idleTimeout: 200 }));
    expect(events.map((e) => e.data)).toEqual(['a', 'b']);
    expect(reconnects.filter((info) => info.cause)).toEqual([]);
  });

  it('waits for a slow consumer: time spent in the loop body is not server silence', async () => {
    const { options, reconnects } = recorder();
    server.script({ steps: [frames([{ id: '1', data: 'a' }, { id: '2', data: 'b' }]), { wait: 50 }, frame({ id: '3', data: 'c' })] }, noContent);
    const seen: string[] = [];
    for await (const event of connect(server.url('/events'), { ...options, idleTimeout: 150 })) {
      seen.push(event.data);
      if (event.data === 'a') await new Promise((resolve) => setTimeout(resolve, 400));
    }
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(reconnects.filter((info) => info.cause)).toEqual([]);
  });
});

describe('POST streams', () => {
  const post = { method: 'POST', body: { inputs: { text: 'hi' } } } as const;

  it('are not sent again when they drop mid-way: ConnectionError with lastEventId', async () => {
    const { options } = recorder();
    server.script({ steps: [frame({ id: '1', data: 'a' }), { destroy: true }] });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const event of connect(server.url('/run'), { ...options, ...post })) seen.push(event.data);
    })().catch((thrown: unknown) => thrown);
    expect(seen).toEqual(['a']);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ lastEventId: '1', method: 'POST' });
    expect(server.requests).toHaveLength(1);
  });

  it("are sent again with Last-Event-ID when the call opts in with resume: 'resend'", async () => {
    const { options } = recorder();
    server.script({ steps: [frame({ id: '1', data: 'a' }), { destroy: true }] }, { steps: [frame({ id: '2', data: 'b' })] }, noContent);
    const events = await collect(connect(server.url('/run'), { ...options, ...post, resume: 'resend' }));
    expect(events.map((e) => e.data)).toEqual(['a', 'b']);
    expect(server.requests.map((r) => r.method)).toEqual(['POST', 'POST', 'POST']);
    expect(server.requests[1]!.headers['last-event-id']).toBe('1');
    expect(server.requests[1]!.headers['content-type']).toBe('application/json');
  });

  it('resume by GET to a URL built from the last response and the last event id', async () => {
    const { options } = recorder();
    server.script(
      { headers: { 'x-run-id': 'r-42' }, steps: [frame({ id: '1', data: 'a' }), { destroy: true }] },
      { steps: [frame({ id: '2', data: 'b' })] },
      noContent,
    );
    const stream = connect(server.url('/run'), {
      ...options,
      ...post,
      resume: { url: ({ headers }) => server.url(`/runs/${headers?.get('x-run-id')}/events`) },
    });
    const events = await collect(stream);
    expect(events.map((e) => e.data)).toEqual(['a', 'b']);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /run', 'GET /runs/r-42/events', 'GET /runs/r-42/events']);
    expect(server.requests[1]!.headers['last-event-id']).toBe('1');
    expect(server.requests[1]!.headers['content-type']).toBeUndefined();
  });
});

describe('servers that replay', () => {
  // The server ignores Last-Event-ID and sends the whole stream again after each drop.
  const replay = (cut: boolean): Reply => ({
    steps: [frames([{ id: '1', data: 'a' }, { id: '2', data: 'b' }]), ...(cut ? [{ destroy: true } as const] : [frame({ id: '3', data: 'c' })])],
  });

  it('repeat events without dedupe', async () => {
    const { options } = recorder();
    server.script(replay(true), replay(false), noContent);
    const events = await collect(connect(server.url('/events'), options));
    expect(events.map((e) => e.data)).toEqual(['a', 'b', 'a', 'b', 'c']);
  });

  it('deliver each id once with dedupe()', async () => {
    const { options } = recorder();
    server.script(replay(true), replay(false), noContent);
    const events = await collect(connect(server.url('/events'), { ...options, use: [dedupe()] }));
    expect(events.map((e) => e.data)).toEqual(['a', 'b', 'c']);
  });
});

describe('oversized events', () => {
  it('fail with StreamError max-buffer-size while the client stops reading early', async () => {
    // A dedicated server: one 64 MiB data line in 64 KiB writes, counting what it got to send.
    const chunk = new Uint8Array(64 * 1024).fill(0x78);
    let written = 0;
    const big = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: ');
      const pump = () => {
        while (!res.destroyed && written < 64 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end('\n\n');
      };
      res.on('close', () => res.destroy());
      pump();
    });
    await new Promise<void>((resolve) => big.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = big.address() as AddressInfo;
      const heapBefore = process.memoryUsage().heapUsed;
      const error = await collect(connect(`http://127.0.0.1:${port}/`, { maxEventSize: 1024 * 1024, reconnect: false })).catch(
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(StreamError);
      expect(error).toMatchObject({ code: 'max-buffer-size' });
      // What the server could push before the client hung up: socket buffers, not the event.
      expect(written).toBeLessThan(16 * 1024 * 1024);
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(48 * 1024 * 1024);
    } finally {
      big.closeAllConnections();
      await new Promise((resolve) => big.close(resolve));
    }
  });
});

describe('abort and cleanup', () => {
  it('leaves no unhandled rejection and no timer behind, at every stage: the process exits by itself', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./fixtures/abort-stages.ts', import.meta.url))], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (data: Buffer) => (output += data.toString()));
    child.stderr.on('data', (data: Buffer) => (output += data.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(null);
      }, 15_000);
      child.on('exit', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    expect(output).toContain('stages: fetch, read, backoff, idle-armed, close-during-fetch');
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('all stages ended') });
  });
});
