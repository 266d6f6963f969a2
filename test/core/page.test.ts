/**
 * What browsers do to connections, with a stand-in page (a window and a document as event
 * targets): back online, restored from the back/forward cache, hidden and visible again; and
 * Safari's and Firefox's network failures classified as ConnectionError. The same flows run in
 * a real Chromium in scripts/test-browser-network.mjs.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectionError, connect, pageLifecycle, type EventStream, type ReconnectInfo } from '../../src/index.js';
import { BASE, useMsw } from '../helpers/msw.js';
import { collect, frame } from '../helpers/sse.js';
import { droppable, openResponse, rejection, route } from './support.js';

useMsw();
afterEach(() => {
  vi.unstubAllGlobals();
});

const URL_ = `${BASE}/events`;

/** A stand-in page: `window` and `document` event targets, with a settable visibility. */
function fakePage(): { window: EventTarget; document: EventTarget & { visibilityState: string }; show(state: 'visible' | 'hidden'): void } {
  const window = new EventTarget();
  const document = Object.assign(new EventTarget(), { visibilityState: 'visible' });
  vi.stubGlobal('window', window);
  vi.stubGlobal('document', document);
  return {
    window,
    document,
    show(state) {
      document.visibilityState = state;
      document.dispatchEvent(new Event('visibilitychange'));
    },
  };
}

/** Records a stream's messages; `second` resolves once two have arrived. */
function listen(stream: EventStream): { events: string[]; second: Promise<void> } {
  const events: string[] = [];
  const second = new Promise<void>((resolve) =>
    stream.addEventListener('message', (event) => {
      events.push(event.data);
      if (events.length === 2) resolve();
    }),
  );
  return { events, second };
}

/** A sleep that waits until its signal aborts (or a long time): the test decides when it ends. */
function heldSleep(): { sleep: (delay: number, signal: AbortSignal) => Promise<void>; waiting: () => number } {
  let waiting = 0;
  return {
    waiting: () => waiting,
    sleep: (_delay, signal) =>
      new Promise<void>((resolve) => {
        waiting++;
        const done = () => {
          waiting--;
          resolve();
        };
        if (signal.aborted) return done();
        signal.addEventListener('abort', done, { once: true });
      }),
  };
}

describe('a stream in a page', () => {
  it('reconnects at once when the browser comes back online, instead of after the backoff', async () => {
    const page = fakePage();
    const first = droppable([frame({ id: '1', data: 'a' })]);
    const seen = route('get', '/events', [first.response, () => openResponse([frame({ id: '2', data: 'b' })])]);
    const held = heldSleep();
    const stream = connect(URL_, { use: [pageLifecycle()], reconnect: { sleep: held.sleep } });
    const events: string[] = [];
    const second = new Promise<void>((resolve) =>
      stream.addEventListener('message', (event) => {
        events.push(event.data);
        if (events.length === 1) first.drop();
        else resolve();
      }),
    );
    await vi.waitFor(() => expect(held.waiting()).toBe(1));
    page.window.dispatchEvent(new Event('online'));
    await second;
    expect(events).toEqual(['a', 'b']);
    expect(seen[1]!.headers.get('last-event-id')).toBe('1');
    stream.close();
  });

  it('reconnects at once with Last-Event-ID after a restore from the back/forward cache', async () => {
    const page = fakePage();
    const reconnects: ReconnectInfo[] = [];
    const seen = route('get', '/events', [() => openResponse([frame({ id: '1', data: 'a' })]), () => openResponse([frame({ id: '2', data: 'b' })])]);
    const stream = connect(URL_, { use: [pageLifecycle()], onReconnect: (info) => reconnects.push(info) });
    const { events, second } = listen(stream);
    await vi.waitFor(() => expect(events).toEqual(['a']));
    page.window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    await second;
    expect(seen[0]!.signal.aborted).toBe(true);
    expect(seen[1]!.headers.get('last-event-id')).toBe('1');
    expect(reconnects).toEqual([{ attempt: 1, delay: 0, delaySource: 'page', cause: undefined, lastEventId: '1' }]);
    stream.close();
  });

  it('ignores a pageshow that is not a cache restore', async () => {
    const page = fakePage();
    const seen = route('get', '/events', [() => openResponse([frame({ id: '1', data: 'a' })])]);
    const stream = connect(URL_, { use: [pageLifecycle()] });
    await new Promise<void>((resolve) => stream.addEventListener('message', () => resolve()));
    page.window.dispatchEvent(new Event('pageshow'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toHaveLength(1);
    expect(stream.readyState).toBe('open');
    stream.close();
  });

  it('with pauseWhenHidden, holds no connection while hidden and resumes with Last-Event-ID when visible', async () => {
    const page = fakePage();
    const seen = route('get', '/events', [() => openResponse([frame({ id: '1', data: 'a' })]), () => openResponse([frame({ id: '2', data: 'b' })])]);
    const reconnects: ReconnectInfo[] = [];
    const stream = connect(URL_, { use: [pageLifecycle({ pauseWhenHidden: true })], onReconnect: (info) => reconnects.push(info) });
    const { events, second } = listen(stream);
    await vi.waitFor(() => expect(events).toEqual(['a']));
    page.show('hidden');
    await vi.waitFor(() => expect(seen[0]!.signal.aborted).toBe(true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toHaveLength(1);
    expect(stream.readyState).toBe('connecting');
    // The reconnect is reported when it happens, on show, not while the page is hidden.
    expect(reconnects).toEqual([]);
    page.show('visible');
    await second;
    expect(reconnects).toEqual([{ attempt: 1, delay: 0, delaySource: 'page', cause: undefined, lastEventId: '1' }]);
    expect(seen).toHaveLength(2);
    expect(seen[1]!.headers.get('last-event-id')).toBe('1');
    stream.close();
  });

  it('does not connect while the page starts hidden with pauseWhenHidden', async () => {
    const page = fakePage();
    page.document.visibilityState = 'hidden';
    const seen = route('get', '/events', [() => openResponse([frame({ data: 'a' })])]);
    const stream = connect(URL_, { use: [pageLifecycle({ pauseWhenHidden: true })] });
    const first = new Promise<void>((resolve) => stream.addEventListener('message', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toHaveLength(0);
    page.show('visible');
    await first;
    expect(seen).toHaveLength(1);
    stream.close();
  });

  it('never pauses a POST stream', async () => {
    const page = fakePage();
    const seen = route('post', '/events', [() => openResponse([frame({ data: 'a' })])]);
    const stream = connect(URL_, { method: 'POST', body: { a: 1 }, use: [pageLifecycle({ pauseWhenHidden: true })] });
    await new Promise<void>((resolve) => stream.addEventListener('message', () => resolve()));
    page.show('hidden');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen[0]!.signal.aborted).toBe(false);
    expect(stream.readyState).toBe('open');
    stream.close();
  });

  it('removes its page listeners when it ends', async () => {
    const page = fakePage();
    const targets = [page.window, page.document];
    const added = targets.map((target) => vi.spyOn(target, 'addEventListener'));
    const removed = targets.map((target) => vi.spyOn(target, 'removeEventListener'));
    route('get', '/events', [() => openResponse([frame({ data: 'a' })])]);
    const stream = connect(URL_, { use: [pageLifecycle({ pauseWhenHidden: true })] });
    await new Promise<void>((resolve) => stream.addEventListener('message', () => resolve()));
    expect(added.map((spy) => spy.mock.calls.map((call) => call[0]))).toEqual([['online', 'pageshow'], ['visibilitychange']]);
    expect(removed.every((spy) => spy.mock.calls.length === 0)).toBe(true);
    stream.close();
    // The same listeners, and no options: an AbortSignal of this realm is refused by a page of
    // another (jsdom installed by hand), so none is passed.
    for (const [n, spy] of added.entries()) {
      expect(removed[n]!.mock.calls).toEqual(spy.mock.calls.map(([type, listener]) => [type, listener]));
      expect(spy.mock.calls.every((call) => call.length === 2)).toBe(true);
    }
  });

  it('runs without page handling when the page refuses its listeners', async () => {
    const page = fakePage();
    vi.spyOn(page.document, 'addEventListener').mockImplementation(() => {
      throw new TypeError('refused');
    });
    const removed = vi.spyOn(page.window, 'removeEventListener');
    const seen = route('get', '/events', [() => openResponse([frame({ id: '1', data: 'a' })])]);
    const stream = connect(URL_, { use: [pageLifecycle({ pauseWhenHidden: true })] });
    const first = new Promise<string>((resolve) => stream.addEventListener('message', (event) => resolve(event.data)));
    expect(await first).toBe('a');
    expect(seen).toHaveLength(1);
    // The listeners it did add are gone: no half-watched page.
    expect(removed.mock.calls.map((call) => call[0])).toEqual(['online', 'pageshow']);
    stream.close();
  });
});

describe("browsers' network failures", () => {
  const failures = ['Load failed', 'NetworkError when attempting to fetch resource.', 'Failed to fetch'];
  for (const message of failures) {
    it(`classifies fetch rejecting with TypeError: ${message} as ConnectionError`, async () => {
      const failing = (() => Promise.reject(new TypeError(message))) as typeof fetch;
      const error = await rejection(collect(connect(URL_, { fetch: failing, reconnect: false })));
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as Error).message).toContain(message);
    });

    it(`classifies a body read failing with TypeError: ${message} as a dropped connection, and reconnects`, async () => {
      let requests = 0;
      const encoder = new TextEncoder();
      const flaky = (async () => {
        requests++;
        const body =
          requests === 1
            ? new ReadableStream<Uint8Array>({
                start(controller) {
                  controller.enqueue(encoder.encode(frame({ id: '1', data: 'a' })));
                  setTimeout(() => controller.error(new TypeError(message)), 5);
                },
              })
            : new ReadableStream<Uint8Array>({
                start(controller) {
                  controller.enqueue(encoder.encode(frame({ id: '2', data: 'b' })));
                  controller.close();
                },
              });
        return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
      }) as typeof fetch;
      const reconnects: ReconnectInfo[] = [];
      const stream = connect(URL_, {
        fetch: flaky,
        reconnect: { sleep: () => Promise.resolve(), maxAttempts: 1 },
        onReconnect: (info) => reconnects.push(info),
      });
      const events: string[] = [];
      for await (const event of stream) {
        events.push(event.data);
        if (events.length === 2) break;
      }
      expect(events).toEqual(['a', 'b']);
      expect(reconnects[0]!.cause).toBeInstanceOf(ConnectionError);
      expect(reconnects[0]!.lastEventId).toBe('1');
    });
  }
});
