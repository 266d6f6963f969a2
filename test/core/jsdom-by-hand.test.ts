/**
 * jsdom installed by hand on `globalThis`, as tests under node:test, mocha, ava and many React
 * harnesses do (`global-jsdom`, `jsdom-global`, or the lines below), in the node environment:
 * the page's EventTargets are jsdom's, while `AbortController` stays Node's, and jsdom refuses
 * a Node `AbortSignal` in `addEventListener`'s options. The stream must still follow the page,
 * and nothing may throw into a microtask (an uncaught exception ends a plain Node process).
 */
import { JSDOM } from 'jsdom';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/index.js';
import { startLoopback } from '../helpers/loopback.js';
import { frame } from '../helpers/sse.js';
import { pageCases } from './page-cases.js';

const dom = new JSDOM('', { url: 'http://127.0.0.1/' });
const scope = globalThis as { window?: unknown; document?: unknown };
scope.window = dom.window;
scope.document = dom.window.document;
afterAll(() => {
  delete scope.window;
  delete scope.document;
  dom.window.close();
});

describe('the hand-installed page', () => {
  it('is jsdom, with a Node AbortController that its EventTargets refuse', () => {
    expect(globalThis.AbortController).not.toBe(dom.window.AbortController);
    expect(() => dom.window.addEventListener('online', () => {}, { signal: new AbortController().signal })).toThrow(TypeError);
  });

  it("takes a signal of the page's realm, and closes quietly when it aborts", async () => {
    const server = await startLoopback();
    try {
      let opened!: () => void;
      const open = new Promise<void>((resolve) => (opened = resolve));
      server.script({ steps: [frame({ id: '1', data: 'a' }), { hold: true }] });
      const controller = new dom.window.AbortController();
      const stream = connect(server.url('/events'), { signal: controller.signal as AbortSignal, onOpen: () => opened() });
      const events: string[] = [];
      stream.addEventListener('message', (event) => {
        events.push(event.data);
        controller.abort();
      });
      await open;
      expect(await stream.finished).toEqual({ type: 'closed' });
      expect(events).toEqual(['a']);
      await server.requests[0]!.closed;
    } finally {
      await server.close();
    }
  });
});

pageCases('jsdom installed by hand');
