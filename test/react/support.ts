/**
 * Test support for the React hook: an SSE server on 127.0.0.1 that a simulated page may call
 * (CORS headers for happy-dom's fetch, preflights answered and not counted), a React root with
 * `act`, and a `fetch` that counts the requests a component sends.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { act, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** One GET the server received. */
export interface Seen {
  path: string;
  lastEventId: string | undefined;
  /** Set when the connection closed, whichever side closed it. */
  closed: boolean;
}

export interface SseServer {
  url(path?: string): string;
  /** Every GET, in arrival order (preflights excluded). */
  readonly requests: Seen[];
  close(): Promise<void>;
}

const CORS = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'access-control-allow-methods': 'GET' };

/** Starts a server whose GETs `handle` answers (headers already sent: an event stream). */
export async function startSseServer(handle: (response: ServerResponse, seen: Seen, request: IncomingMessage) => void | Promise<void>): Promise<SseServer> {
  const requests: Seen[] = [];
  const server = createServer((request, response) => {
    if (request.method === 'OPTIONS') {
      response.writeHead(204, CORS).end();
      return;
    }
    const value = request.headers['last-event-id'];
    const seen: Seen = { path: request.url ?? '/', lastEventId: Array.isArray(value) ? value[0] : value, closed: false };
    requests.push(seen);
    response.on('close', () => (seen.closed = true));
    response.writeHead(200, { ...CORS, 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    response.flushHeaders();
    void handle(response, seen, request);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path = '/events') => `http://127.0.0.1:${port}${path}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A `fetch` that counts its calls and passes them on to the page's fetch. */
export function countingFetch(): typeof fetch & { calls: string[] } {
  const calls: string[] = [];
  const counted = ((input: RequestInfo | URL, init?: RequestInit) => {
    calls.push(String(input instanceof Request ? input.url : input));
    return globalThis.fetch(input, init);
  }) as typeof fetch & { calls: string[] };
  counted.calls = calls;
  return counted;
}

/** A React root in a fresh container; `render` and `unmount` run inside `act`. */
export function mount(): { render(node: ReactNode): Promise<void>; unmount(): Promise<void>; root: Root } {
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  return {
    root,
    render: (node) => act(async () => root.render(node)),
    unmount: () => act(async () => root.unmount()),
  };
}

/** Lets real time pass inside `act` until `predicate` holds, or fails after `timeout` ms. */
export async function until(predicate: () => boolean, timeout = 5000, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeout} ms`);
    await act(() => new Promise<void>((resolve) => setTimeout(resolve, 10)));
  }
}

/** Real time, inside `act`. */
export function settle(ms: number): Promise<void> {
  return act(() => new Promise<void>((resolve) => setTimeout(resolve, ms)));
}
