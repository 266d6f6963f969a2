/**
 * The cases of `useEventStream` every simulated page runs (happy-dom and jsdom as vitest
 * environments), against a real SSE server on 127.0.0.1: batched renders, reduce and the events
 * window, no update after unmount, a deps change that closes the old stream first, StrictMode's
 * one request, a status that follows the stream between events with no timer, a resume after a drop, persisted resumption (in the page's own `localStorage`
 * too), and server rendering that sends nothing.
 */
import type { ServerResponse } from 'node:http';
import { act, createElement, StrictMode } from 'react';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { connect, type EventStream } from '../../src/index.js';
import { useEventStream, type EventStreamView, type PersistStorage, type UseEventStreamOptions } from '../../src/react/index.js';
import { frame } from '../helpers/sse.js';
import { countingFetch, mount, settle, startSseServer, until, type SseServer } from './support.js';

type Tokens = { token: { text: string }; done: { ok: boolean } };

const servers: SseServer[] = [];
const unmounts: (() => Promise<void>)[] = [];

/** A server that writes `count` token events (ids `1`…), `perWrite` per write, then `done`. */
async function tokenServer(count: number, { perWrite = count, gap = 0 }: { perWrite?: number; gap?: number } = {}): Promise<SseServer> {
  const server = await startSseServer(async (response, seen) => {
    const from = seen.lastEventId ? Number(seen.lastEventId) : 0;
    let chunk = '';
    for (let n = from + 1; n <= count; n++) {
      chunk += frame({ event: 'token', id: String(n), data: { text: `t${n} ` } });
      if ((n - from) % perWrite === 0 || n === count) {
        if (seen.closed) return;
        response.write(chunk);
        chunk = '';
        if (gap) await new Promise((resolve) => setTimeout(resolve, gap));
      }
    }
    response.end(frame({ event: 'done', data: { ok: true } }));
  });
  servers.push(server);
  return server;
}

/** Renders a component that uses the hook; records every render's view. */
async function renderHook<State = undefined>(
  factory: Parameters<typeof useEventStream<Tokens, State>>[0],
  options: UseEventStreamOptions<Tokens, State> = {},
  { strict = false, deps = [] as unknown[] } = {},
) {
  const views: EventStreamView<Tokens, State>[] = [];
  const root = mount();
  function Probe({ deps }: { deps: unknown[] }) {
    views.push(useEventStream<Tokens, State>(factory, deps, options));
    return null;
  }
  const tree = (deps: unknown[]) => (strict ? createElement(StrictMode, null, createElement(Probe, { deps })) : createElement(Probe, { deps }));
  await root.render(tree(deps));
  unmounts.push(root.unmount);
  return { views, last: () => views.at(-1)!, rerender: (next: unknown[]) => root.render(tree(next)), unmount: root.unmount };
}

/** The hook's cases under `environment` (for the test names). */
export function hookCases(environment: string): void {
  describe(`useEventStream in ${environment}`, () => {
    afterEach(async () => {
      for (const unmount of unmounts.splice(0)) await unmount();
      await Promise.all(servers.splice(0).map((server) => server.close()));
      // The page's storage outlives a test: clear it, as docs/testing.md tells users to.
      localStorage.clear();
    });

    describe('batching', () => {
      it('renders a burst of 2000 events a few times, not once per event', async () => {
        const server = await tokenServer(2000, { perWrite: 250 });
        const hook = await renderHook(() => connect<Tokens>(server.url(), { json: true, reconnect: false }));
        await until(() => hook.last().status === 'closed', 5000, 'the end');
        expect(hook.last().events).toHaveLength(1000); // the default window
        expect(hook.last().events.at(-1)).toMatchObject({ type: 'done', data: { ok: true } });
        expect(hook.last().lastEventId).toBe('2000');
        expect(hook.last().outcome?.type).toBe('ended');
        expect(hook.views.length).toBeLessThan(40);
      });

      it("renders once per event with batch: 'none', and at most every n ms with a number", async () => {
        const server = await tokenServer(20, { perWrite: 1, gap: 5 });
        const each = await renderHook(() => connect<Tokens>(server.url(), { json: true, reconnect: false }), { batch: 'none' });
        await until(() => each.last().status === 'closed', 5000, 'the end');
        // One render per event, but React merges the updates of one task (events of one TCP read).
        expect(each.views.length).toBeGreaterThan(10);

        const slow = await renderHook(() => connect<Tokens>(server.url(), { json: true, reconnect: false }), { batch: 1000 });
        await until(() => slow.last().status === 'closed', 5000, 'the end');
        expect(slow.last().events).toHaveLength(21);
        expect(slow.views.length).toBeLessThanOrEqual(5);
      });
    });

    describe('reduce and the events window', () => {
      it('folds a token stream into a string and keeps no events with window: 0', async () => {
        const server = await tokenServer(500, { perWrite: 50 });
        let calls = 0;
        const hook = await renderHook(() => connect<Tokens>(server.url(), { json: true, reconnect: false }), {
          initial: '',
          window: 0,
          reduce: (text, event) => {
            calls++;
            return event.type === 'token' ? text + event.data.text : text;
          },
        });
        await until(() => hook.last().status === 'closed', 5000, 'the end');
        expect(hook.last().value).toBe(Array.from({ length: 500 }, (_, n) => `t${n + 1} `).join(''));
        expect(hook.last().events).toEqual([]);
        expect(calls).toBe(501);
      });

      it('keeps the latest `window` events, oldest first', async () => {
        const server = await tokenServer(30, { perWrite: 7 });
        const hook = await renderHook(() => connect<Tokens>(server.url(), { json: true, reconnect: false }), { window: 5 });
        await until(() => hook.last().status === 'closed', 5000, 'the end');
        expect(hook.last().events.map((event) => event.id)).toEqual(['27', '28', '29', '30', '30']);
        expect(hook.last().events.map((event) => event.type)).toEqual(['token', 'token', 'token', 'token', 'done']);
      });
    });

    describe('lifecycle', () => {
      it('does not update after unmount, and the unmount cancels the request', async () => {
        const server = await tokenServer(200, { perWrite: 1, gap: 10 });
        let reduced = 0;
        const hook = await renderHook(() => connect<Tokens>(server.url(), { json: true, reconnect: false }), { initial: 0, reduce: (n) => (reduced = n + 1) });
        await until(() => hook.last().events.length >= 3, 5000, 'three events');
        await hook.unmount();
        const renders = hook.views.length;
        const reducedAtUnmount = reduced;
        await settle(150);
        expect(hook.views.length).toBe(renders);
        expect(reduced).toBe(reducedAtUnmount);
        await until(() => server.requests[0]!.closed, 3000, 'the request to close');
      });

      it('closes the old stream before the factory opens the next when deps change', async () => {
        const server = await tokenServer(100, { perWrite: 1, gap: 20 });
        const streams: EventStream<Tokens>[] = [];
        const closedBeforeNext: boolean[] = [];
        const factory = () => {
          if (streams.length) closedBeforeNext.push(streams.at(-1)!.readyState === 'closed');
          const stream = connect<Tokens>(server.url(`/events?n=${streams.length}`), { json: true, reconnect: false });
          streams.push(stream);
          return stream;
        };
        const hook = await renderHook(factory, {}, { deps: ['a'] });
        await until(() => hook.last().events.length >= 3, 5000, 'three events');
        await hook.rerender(['b']);
        expect(closedBeforeNext).toEqual([true]);
        expect(streams[0]!.outcome?.type).toBe('closed');
        // The state restarts with the new stream.
        expect(hook.last().events.length).toBeLessThan(3);
        await until(() => hook.last().events.length >= 2, 5000, 'events of the second stream');
        expect(hook.last().stream).toBe(streams[1]);
        await until(() => server.requests[0]!.closed, 3000, 'the first request to close');
        expect(server.requests.map((request) => request.path)).toEqual(['/events?n=0', '/events?n=1']);
      });

      it('opens exactly one request under StrictMode, whose double mount closes the first stream unused', async () => {
        const server = await tokenServer(5, { perWrite: 1, gap: 5 });
        const fetch = countingFetch();
        const streams: EventStream<Tokens>[] = [];
        const hook = await renderHook(
          () => {
            const stream = connect<Tokens>(server.url(), { json: true, reconnect: false, fetch });
            streams.push(stream);
            return stream;
          },
          {},
          { strict: true },
        );
        await until(() => hook.last().status === 'closed', 5000, 'the end');
        expect(streams).toHaveLength(2); // StrictMode ran the effect twice
        expect(streams[0]!.outcome?.type).toBe('closed');
        expect(fetch.calls).toHaveLength(1);
        expect(server.requests).toHaveLength(1);
        expect(hook.last().events).toHaveLength(6);
      });

      it("is 'idle' while the factory returns null, and reports what the factory throws", async () => {
        const idle = await renderHook(() => null);
        expect(idle.last().status).toBe('idle');
        expect(idle.last().stream).toBeUndefined();
        const thrown = await renderHook(() => connect<Tokens>('ftp://127.0.0.1/events'));
        expect(thrown.last()).toMatchObject({ status: 'closed', outcome: { type: 'error' } });
        expect(thrown.last().error).toBeInstanceOf(TypeError);
      });

      it('close() ends the stream with a closed outcome', async () => {
        const server = await tokenServer(100, { perWrite: 1, gap: 20 });
        const hook = await renderHook(() => connect<Tokens>(server.url(), { json: true, reconnect: false }));
        await until(() => hook.last().status === 'open' && hook.last().events.length > 0, 5000, 'open');
        await act(async () => hook.last().close());
        await until(() => hook.last().status === 'closed', 5000, 'closed');
        expect(hook.last().outcome?.type).toBe('closed');
      });
    });

    describe('status', () => {
      afterEach(() => {
        vi.useRealTimers();
      });

      it('follows the stream between events without a timer: open before any event, connecting while a reconnect waits, open again, closed with the outcome', async () => {
        // Intervals are fake and never advanced: a status that depended on one would stay put.
        vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
        const responses: ServerResponse[] = [];
        const server = await startSseServer((response) => void responses.push(response));
        servers.push(server);
        let wake: (() => void) | undefined;
        const delays: number[] = [];
        const sleep = (delay: number) => new Promise<void>((resolve) => ((wake = resolve), delays.push(delay)));
        const hook = await renderHook(() => connect<Tokens>(server.url(), { json: true, reconnect: { sleep } }));

        await until(() => hook.last().status === 'open', 5000, 'open');
        expect(hook.last().events).toEqual([]);
        expect(vi.getTimerCount()).toBe(0);

        // A drop with no event: the wait before the reconnect shows as 'connecting'.
        responses[0]!.socket!.destroy();
        await until(() => hook.last().status === 'connecting', 5000, 'connecting');
        expect(delays).toHaveLength(1);
        expect(hook.last().stream!.getSnapshot()).toMatchObject({ readyState: 'connecting', reconnects: 1, events: 0 });

        wake!();
        await until(() => hook.last().status === 'open', 5000, 'open again');
        expect(server.requests).toHaveLength(2);
        expect(hook.last().outcome).toBeUndefined();

        await act(async () => hook.last().close());
        await until(() => hook.last().status === 'closed', 5000, 'closed');
        expect(hook.last().outcome?.type).toBe('closed');
        expect(hook.last().events).toEqual([]);
        expect(vi.getTimerCount()).toBe(0);
      });

      it('renders once per change of status, not at each step the stream reports (bytes, comments)', async () => {
        const comment = ': keepalive\n\n';
        const server = await startSseServer(async (response) => {
          for (let n = 0; n < 5; n++) {
            response.write(comment);
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        });
        servers.push(server);
        const hook = await renderHook(() => connect<Tokens>(server.url(), { json: true, reconnect: false }));
        await until(() => hook.last().stream?.getSnapshot().bytes === 5 * comment.length, 5000, 'five comments');
        await act(async () => {}); // anything the last comment scheduled
        expect(hook.last().status).toBe('open');
        expect(hook.views.filter((view) => view.status === 'open')).toHaveLength(1);
      });
    });

    describe('a throwing reduce', () => {
      it('closes the stream and reports the exception as the error, never as an uncaught exception', async () => {
        const escaped: unknown[] = [];
        const record = (error: unknown) => void escaped.push(error);
        process.on('uncaughtException', record);
        process.on('unhandledRejection', record);
        try {
          const server = await tokenServer(200, { perWrite: 1, gap: 10 });
          const failure = new Error('reduce failed on t3');
          const hook = await renderHook(() => connect<Tokens>(server.url(), { json: true, reconnect: false }), {
            initial: '',
            reduce: (text, event) => {
              if (event.type === 'token' && event.data.text === 't3 ') throw failure;
              return event.type === 'token' ? text + event.data.text : text;
            },
          });
          await until(() => hook.last().status === 'closed', 5000, 'the close');
          expect(hook.last().error).toBe(failure);
          expect(hook.last().outcome).toEqual({ type: 'error', error: failure });
          // What is shown is consistent: the fold of the events shown, none of the failed batch.
          const shown = hook.last().events.map((event) => (event.type === 'token' ? event.data.text : ''));
          expect(hook.last().value).toBe(shown.join(''));
          expect(shown).not.toContain('t3 ');
          await until(() => server.requests[0]!.closed, 3000, 'the request to close');
          await settle(20);
        } finally {
          process.off('uncaughtException', record);
          process.off('unhandledRejection', record);
        }
        expect(escaped).toEqual([]);
      });
    });

    describe('persist', () => {
      function memory(): PersistStorage & { data: Map<string, string>; reads: number } {
        const data = new Map<string, string>();
        const storage = {
          data,
          reads: 0,
          getItem: (key: string) => (storage.reads++, data.get(key) ?? null),
          setItem: (key: string, value: string) => void data.set(key, value),
          removeItem: (key: string) => void data.delete(key),
        };
        return storage;
      }

      it('resumes after a remount from the id of the last event processed, showing what it showed, and forgets a finished stream', async () => {
        const server = await tokenServer(40, { perWrite: 1, gap: 15 });
        const storage = memory();
        const seen: (string | undefined)[] = [];
        const factory = ({ lastEventId }: { lastEventId: string | undefined }) => {
          seen.push(lastEventId);
          return connect<Tokens>(server.url(), { json: true, reconnect: false, lastEventId });
        };
        const options = { persist: { key: 'tokens', storage }, initial: '', reduce: (text: string, event: { type: string; data: unknown }) => (event.type === 'token' ? text + (event.data as { text: string }).text : text) };
        const first = await renderHook(factory, options);
        await until(() => first.last().events.length >= 5, 5000, 'five events');
        await first.unmount();
        const stored = JSON.parse(storage.data.get('tokens')!) as { lastEventId: string; events: { id: string }[]; value: string };
        expect(stored.events.at(-1)!.id).toBe(stored.lastEventId);
        expect(stored.events).toHaveLength(Number(stored.lastEventId));

        const second = await renderHook(factory, options);
        await until(() => second.last().status === 'closed', 5000, 'the end');
        expect(seen).toEqual([undefined, stored.lastEventId]);
        expect(server.requests.map((request) => request.lastEventId)).toEqual([undefined, stored.lastEventId]);
        // Every event once: the restored ones and those after the id.
        expect(second.last().events.map((event) => event.id)).toEqual([...Array.from({ length: 40 }, (_, n) => String(n + 1)), '40']);
        expect(second.last().value).toBe(Array.from({ length: 40 }, (_, n) => `t${n + 1} `).join(''));
        expect(storage.data.has('tokens')).toBe(false); // ended by itself: a reload starts afresh
      });
    });

    describe('reconnection', () => {
      it('resumes after a dropped connection with Last-Event-ID, showing every event once', async () => {
        const server = await startSseServer((response, seen) => {
          const from = seen.lastEventId ? Number(seen.lastEventId) : 0;
          const tokens = (ids: number[]) => ids.map((n) => frame({ event: 'token', id: String(n), data: { text: `t${n} ` } })).join('');
          // Three events, then a drop without an end; on the resume the rest, then the stream
          // stays open (a plain `connect()` would reconnect after an end).
          if (from === 0) response.write(tokens([1, 2, 3]), () => response.socket?.destroy());
          else if (from === 3) response.write(tokens([4, 5]) + frame({ event: 'done', id: '6', data: { ok: true } }));
        });
        servers.push(server);
        const hook = await renderHook(() => connect<Tokens>(server.url(), { json: true, reconnect: { sleep: () => Promise.resolve() } }));
        await until(() => hook.last().events.some((event) => event.type === 'done'), 5000, 'the done event');
        expect(server.requests.map((request) => request.lastEventId)).toEqual([undefined, '3']);
        expect(hook.last().events.map((event) => event.id)).toEqual(['1', '2', '3', '4', '5', '6']);
        expect(hook.last().status).toBe('open');
      });
    });

    describe("persist in the page's localStorage", () => {
      it('stores progress in localStorage by default, where a later mount (a later test, too) resumes from it', async () => {
        const server = await tokenServer(40, { perWrite: 1, gap: 15 });
        const factory = ({ lastEventId }: { lastEventId: string | undefined }) => connect<Tokens>(server.url(), { json: true, reconnect: false, lastEventId });
        const first = await renderHook(factory, { persist: { key: 'run_1' } });
        await until(() => first.last().events.length >= 3, 5000, 'three events');
        await first.unmount();
        const stored = JSON.parse(localStorage.getItem('run_1')!) as { lastEventId: string };
        expect(Number(stored.lastEventId)).toBeGreaterThanOrEqual(3);

        const second = await renderHook(factory, { persist: { key: 'run_1' } });
        await until(() => second.last().status === 'closed', 5000, 'the end');
        expect(server.requests.map((request) => request.lastEventId)).toEqual([undefined, stored.lastEventId]);
      });
    });

    describe('persist without ids', () => {
      it('stores nothing for a stream whose events carry no id, so that a reload starts afresh', async () => {
        const server = await startSseServer((response) => {
          response.end(frame({ event: 'token', data: { text: 'a' } }) + frame({ event: 'token', data: { text: 'b' } }));
        });
        servers.push(server);
        const writes: string[] = [];
        const storage = { getItem: () => JSON.stringify({ lastEventId: '', events: [{ type: 'token', id: '', data: { text: 'stale' } }], value: undefined }), setItem: (_key: string, value: string) => void writes.push(value) };
        const hook = await renderHook(() => connect<Tokens>(server.url(), { json: true, reconnect: false }), { persist: { key: 'no-ids', storage } });
        await until(() => hook.last().status === 'closed', 5000, 'the end');
        expect(hook.last().events.map((event) => event.data)).toEqual([{ text: 'a' }, { text: 'b' }]);
        // Only the end's forget (an empty entry: this storage has no removeItem), never a progress.
        expect(writes).toEqual(['']);
      });
    });

    describe('server rendering', () => {
      it('sends no request and reads no storage during renderToString', () => {
        const fetch = countingFetch();
        let factoryCalls = 0;
        const storage = { getItem: () => (factoryCalls += 100, null), setItem: () => {} };
        function Probe() {
          const { status, events } = useEventStream(
            () => {
              factoryCalls++;
              return connect('http://127.0.0.1:9/events', { fetch });
            },
            [],
            { persist: { key: 'ssr', storage } },
          );
          return createElement('p', null, `${status} ${events.length}`);
        }
        expect(renderToString(createElement(StrictMode, null, createElement(Probe)))).toBe('<p>connecting 0</p>');
        expect(fetch.calls).toEqual([]);
        expect(factoryCalls).toBe(0);
      });
    });
  });
}
