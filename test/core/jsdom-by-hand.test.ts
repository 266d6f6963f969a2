/**
 * jsdom installed by hand on `globalThis`, as tests under node:test, mocha, ava and many React
 * harnesses do (`global-jsdom`, `jsdom-global`, or the lines below), in the node environment:
 * the page's EventTargets are jsdom's, while `AbortController` stays Node's, and jsdom refuses
 * a Node `AbortSignal` in `addEventListener`'s options. The stream must still follow the page,
 * and nothing may throw into a microtask (an uncaught exception ends a plain Node process).
 */
import { JSDOM } from 'jsdom';
import { afterAll, describe, expect, it } from 'vitest';
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
});

pageCases('jsdom installed by hand');
