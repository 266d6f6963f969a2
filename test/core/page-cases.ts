/**
 * The page cases every simulated DOM runs (happy-dom and jsdom as vitest environments, jsdom
 * installed by hand on `globalThis` in the node environment): a reconnecting stream against a
 * real server on 127.0.0.1, through a drop and a resume, and the page events the stream follows
 * (`online`, `pageshow` with `persisted`, `visibilitychange` with `pauseWhenHidden`), with
 * whatever `window`, `document` and `AbortController` the environment put on `globalThis`.
 * Each case fails on an uncaught exception or an unhandled rejection during it.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connect, pageLifecycle, type EventStream, type ReconnectInfo } from '../../src/index.js';
import { frame, type Frame } from '../helpers/sse.js';

/**
 * Rejects with the first uncaught exception or unhandled rejection of the current case: every
 * wait of a case races it, so that a case fails at once with the error rather than time out.
 */
let escape: Promise<never> = new Promise(() => {});

/** One GET the server holds open until the test writes, ends or drops it. */
interface Held {
  lastEventId: string | undefined;
  /** Resolves when the connection closed, whichever side closed it. */
  closed: Promise<void>;
  isClosed(): boolean;
  send(...frames: Frame[]): void;
  end(): void;
  /** Destroys the socket without ending the response: the client sees a drop. */
  drop(): void;
}

interface PageServer {
  url: string;
  /** The `n`th GET (0-based) once it has arrived. */
  request(n: number): Promise<Held>;
  /** How many GETs arrived. */
  count(): number;
  close(): Promise<void>;
}

// CORS: happy-dom's fetch enforces it (its page is http://localhost:3000); preflights (the
// Last-Event-ID header is not a safelisted one) are answered and not counted.
const CORS = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'access-control-allow-methods': 'GET' };

async function startPageServer(): Promise<PageServer> {
  const held: Held[] = [];
  const waiters = new Map<number, (request: Held) => void>();
  const server = createServer((request, response: ServerResponse) => {
    if (request.method === 'OPTIONS') {
      response.writeHead(204, CORS).end();
      return;
    }
    let closed = false;
    const value = request.headers['last-event-id'];
    const entry: Held = {
      lastEventId: Array.isArray(value) ? value[0] : value,
      closed: new Promise<void>((resolve) => response.once('close', () => resolve())),
      isClosed: () => closed,
      send: (...frames) => void response.write(frames.map((item) => frame(item)).join('')),
      end: () => void response.end(),
      drop: () => void response.socket?.destroy(),
    };
    response.once('close', () => (closed = true));
    response.writeHead(200, { ...CORS, 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    response.flushHeaders();
    const n = held.push(entry) - 1;
    waiters.get(n)?.(entry);
    waiters.delete(n);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/events`,
    request: (n) => Promise.race([held[n] ? Promise.resolve(held[n]) : new Promise<Held>((resolve) => waiters.set(n, resolve)), escape]),
    count: () => held.length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A reconnect wait that lasts until its signal aborts: only the page can end it. */
function heldSleep(): { sleep: (delay: number, signal: AbortSignal) => Promise<void>; entered: Promise<void> } {
  let enter!: () => void;
  const entered = new Promise<void>((resolve) => (enter = resolve));
  return {
    entered,
    sleep: (_delay, signal) =>
      new Promise<void>((resolve) => {
        enter();
        if (signal.aborted) return resolve();
        signal.addEventListener('abort', () => resolve(), { once: true });
      }),
  };
}

/** The messages of a stream, and a promise of the `n`th. */
function listen(stream: EventStream): { data: string[]; nth(n: number): Promise<void> } {
  const data: string[] = [];
  const waiters: [number, () => void][] = [];
  stream.addEventListener('message', (event) => {
    data.push(event.data);
    for (const [n, resolve] of waiters) if (data.length >= n) resolve();
  });
  return { data, nth: (n) => Promise.race([data.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push([n, resolve])), escape]) };
}

/** A window with its own event classes (jsdom's `Event` is not Node's). */
type PageWindow = Window & { Event: typeof Event; PageTransitionEvent?: typeof PageTransitionEvent };

/** The page of this environment, read from `globalThis` as runstream reads it. */
function page(): { window: PageWindow; document: Document } {
  const scope = globalThis as unknown as { window: PageWindow; document: Document };
  return { window: scope.window, document: scope.document };
}

/** A `pageshow` event restored from the back/forward cache, built by the page's own classes. */
function restoredFromCache(window: PageWindow): Event {
  const Transition = window.PageTransitionEvent;
  const event: Event & { persisted?: boolean } = Transition ? new Transition('pageshow', { persisted: true }) : new window.Event('pageshow');
  // A DOM whose PageTransitionEvent ignores the init (or has none) gets the field set.
  return event.persisted === true ? event : Object.assign(event, { persisted: true });
}

/** Sets the page's `visibilityState` (a getter on `Document.prototype` in every DOM) and tells it. */
function show(state: 'hidden' | 'visible'): void {
  const { window, document } = page();
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  document.dispatchEvent(new window.Event('visibilitychange'));
}

/** The page cases, under `environment` (for the test names). */
export function pageCases(environment: string): void {
  describe(`a reconnecting stream in ${environment}`, () => {
    let server: PageServer;
    const streams: EventStream[] = [];
    let escaped: unknown[] = [];
    let escaping: (error: unknown) => void = () => {};
    const record = (error: unknown) => {
      escaped.push(error);
      escaping(error);
    };

    beforeEach(async () => {
      escaped = [];
      escape = new Promise<never>((_resolve, reject) => (escaping = reject));
      // Observed here; the case fails through the race, and afterEach reports what escaped.
      escape.catch(() => {});
      process.on('uncaughtException', record);
      process.on('unhandledRejection', record);
      server = await startPageServer();
    });
    afterEach(async () => {
      for (const stream of streams.splice(0)) stream.close();
      await server.close();
      delete (page().document as { visibilityState?: string }).visibilityState;
      // A task later: an exception thrown from a microtask or a timer of this case is reported by now.
      await new Promise((resolve) => setTimeout(resolve, 0));
      process.off('uncaughtException', record);
      process.off('unhandledRejection', record);
      expect(escaped).toEqual([]);
    });

    it('runs in a page runstream sees', () => {
      const { window, document } = page();
      expect(typeof window.addEventListener).toBe('function');
      expect(typeof document.addEventListener).toBe('function');
    });

    it('resumes with Last-Event-ID after a dropped connection', async () => {
      const stream = connect(server.url, { use: [pageLifecycle()], reconnect: { sleep: () => Promise.resolve() } });
      streams.push(stream);
      const seen = listen(stream);
      const first = await server.request(0);
      first.send({ id: '1', data: 'a' });
      await seen.nth(1);
      first.drop();
      const second = await server.request(1);
      expect(second.lastEventId).toBe('1');
      second.send({ id: '2', data: 'b' });
      await seen.nth(2);
      expect(seen.data).toEqual(['a', 'b']);
      expect(stream.lastEventId).toBe('2');
    });

    it('reconnects at once when the page comes back online, instead of after the backoff', async () => {
      const held = heldSleep();
      const stream = connect(server.url, { use: [pageLifecycle()], reconnect: { sleep: held.sleep } });
      streams.push(stream);
      const seen = listen(stream);
      const first = await server.request(0);
      first.send({ id: '1', data: 'a' });
      await seen.nth(1);
      first.drop();
      await held.entered;
      expect(server.count()).toBe(1);
      page().window.dispatchEvent(new (page().window.Event)('online'));
      const second = await server.request(1);
      expect(second.lastEventId).toBe('1');
      second.send({ id: '2', data: 'b' });
      await seen.nth(2);
      expect(seen.data).toEqual(['a', 'b']);
    });

    it('reconnects at once with Last-Event-ID after a restore from the back/forward cache', async () => {
      const reconnects: ReconnectInfo[] = [];
      const stream = connect(server.url, { use: [pageLifecycle()], onReconnect: (info) => reconnects.push(info) });
      streams.push(stream);
      const seen = listen(stream);
      const first = await server.request(0);
      first.send({ id: '1', data: 'a' });
      await seen.nth(1);
      page().window.dispatchEvent(restoredFromCache(page().window));
      await first.closed;
      const second = await server.request(1);
      expect(second.lastEventId).toBe('1');
      expect(reconnects).toEqual([{ attempt: 1, delay: 0, delaySource: 'page', cause: undefined, lastEventId: '1' }]);
      second.send({ id: '2', data: 'b' });
      await seen.nth(2);
      expect(seen.data).toEqual(['a', 'b']);
    });

    it('with pauseWhenHidden, holds no connection while hidden and resumes with Last-Event-ID when visible', async () => {
      const stream = connect(server.url, { use: [pageLifecycle({ pauseWhenHidden: true })] });
      streams.push(stream);
      const seen = listen(stream);
      const first = await server.request(0);
      first.send({ id: '1', data: 'a' });
      await seen.nth(1);
      show('hidden');
      await first.closed;
      // Held before its next request until the page is visible.
      await vi.waitFor(() => expect(stream.readyState).toBe('connecting'));
      expect(server.count()).toBe(1);
      show('visible');
      const second = await server.request(1);
      expect(second.lastEventId).toBe('1');
      second.send({ id: '2', data: 'b' });
      await seen.nth(2);
      expect(seen.data).toEqual(['a', 'b']);
    });
  });
}
