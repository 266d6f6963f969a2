/**
 * A real HTTP server on 127.0.0.1 for tests where the socket matters: chunk boundaries as the
 * client's TCP reads see them, drops mid-event, aborts of live connections. Each request gets
 * the next scripted reply: bytes written one write per step, optional waits, and an optional
 * socket destroy (a drop) or hold (the response stays open until the client leaves).
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Step =
  /** Written as one `write()`; the next step starts after it was flushed. */
  | string
  | Uint8Array
  /** Pause, in milliseconds. */
  | { wait: number }
  /** Pause until the promise settles (e.g. until the client saw an event). */
  | { until: Promise<unknown> }
  /** Destroy the socket without ending the response: the client sees a drop. */
  | { destroy: true }
  /** Leave the response open; it ends when the client disconnects or the server closes. */
  | { hold: true };

export interface Reply {
  /** @defaultValue 200 */
  status?: number;
  /** @defaultValue `{ 'content-type': 'text/event-stream' }` */
  headers?: Record<string, string>;
  steps: readonly Step[];
}

export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Resolves when the connection of this request closed, whichever side closed it. */
  closed: Promise<void>;
}

export interface Loopback {
  /** `http://127.0.0.1:<port><path>`. */
  url(path?: string): string;
  /** Every request so far, in arrival order. */
  readonly requests: SeenRequest[];
  /**
   * Scripts the replies of the next requests, in order; a function reply sees the request
   * (e.g. to resume after its `Last-Event-ID`). A request past the script gets a 418.
   * Clears {@link Loopback.requests}.
   */
  script(...replies: (Reply | ((request: SeenRequest) => Reply))[]): void;
  /** Stops the server and destroys every open connection. */
  close(): Promise<void>;
}

const encoder = new TextEncoder();

/** Splits `bytes` into chunks that end at each index of `cuts` (ascending, exclusive ends). */
export function splitAt(bytes: Uint8Array, cuts: Iterable<number>): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const cut of cuts) {
    if (cut <= start || cut >= bytes.length) continue;
    chunks.push(bytes.subarray(start, cut));
    start = cut;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

/**
 * A pass-through `fetch` that counts the reads of each response body, to check that the writes a
 * test scripts reach the client as separate chunks rather than one coalesced read.
 */
export function countingFetch(): { fetch: typeof fetch; reads: () => number; reset: () => void } {
  let reads = 0;
  const counting: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const counted = response.body!.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          reads++;
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(counted, { status: response.status, headers: response.headers });
  };
  return { fetch: counting, reads: () => reads, reset: () => void (reads = 0) };
}

/** UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export async function startLoopback(): Promise<Loopback> {
  const requests: SeenRequest[] = [];
  let replies: (Reply | ((request: SeenRequest) => Reply))[] = [];
  let served = 0;

  const server = createServer((req, res) => {
    req.socket.setNoDelay(true);
    const seen: SeenRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      closed: new Promise<void>((resolve) => res.once('close', () => resolve())),
    };
    requests.push(seen);
    const scripted = replies[served++];
    const reply: Reply = scripted
      ? typeof scripted === 'function'
        ? scripted(seen)
        : scripted
      : { status: 418, headers: { 'content-type': 'text/plain' }, steps: ['unexpected request'] };
    void play(res, reply);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: (path = '/') => `http://127.0.0.1:${port}${path}`,
    requests,
    script(...next) {
      replies = next;
      served = 0;
      requests.length = 0;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

async function play(res: ServerResponse, reply: Reply): Promise<void> {
  res.writeHead(reply.status ?? 200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', ...reply.headers });
  res.flushHeaders();
  for (const step of reply.steps) {
    if (res.destroyed) return;
    if (typeof step === 'string' || step instanceof Uint8Array) {
      const bytes = typeof step === 'string' ? encoder.encode(step) : step;
      await new Promise<void>((resolve) => res.write(bytes, () => resolve()));
      // Let the write leave as its own TCP segment rather than coalesce with the next one.
      await new Promise<void>((resolve) => setImmediate(resolve));
    } else if ('wait' in step) {
      await new Promise<void>((resolve) => setTimeout(resolve, step.wait));
    } else if ('until' in step) {
      await step.until.then(
        () => {},
        () => {},
      );
    } else if ('destroy' in step) {
      res.socket?.destroy();
      return;
    } else {
      return;
    }
  }
  if (!res.destroyed) res.end();
}

/** A port on 127.0.0.1 that nothing listens on: bound once, then closed. */
export async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
