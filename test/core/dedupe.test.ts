// `dedupe`: a stream that reconnects to a server which replays drops the events it delivered
// already, by id, remembering only the latest ids (a window), so that memory stays bounded on a
// stream that never ends. What the user sees of the window: an id older than it comes through again.
import { describe, expect, it } from 'vitest';
import { connect, dedupe, DEFAULTS } from '../../src/index.js';
import { BASE, useMsw } from '../helpers/msw.js';
import { collect, frames, sseResponse, type Frame } from '../helpers/sse.js';
import { instantReconnect } from '../../src/testing/index.js';
import { route } from './support.js';

useMsw();

const numbered = (ids: readonly number[], tag = ''): Frame[] => ids.map((id) => ({ id: String(id), data: `${id}${tag}` }));
const upTo = (count: number): number[] => Array.from({ length: count }, (_, index) => index);

describe('dedupe window', () => {
  it('remembers the last n ids with dedupe(n): an id inside the window is dropped, one older than it is delivered again', async () => {
    const { reconnect } = instantReconnect();
    // The first connection delivers 1, 2, 3 and ends; the reconnect replays 2, 1, 3, then 4.
    route('get', '/events', [
      () => sseResponse([frames(numbered([1, 2, 3]))]),
      () => sseResponse([frames(numbered([2, 1, 3, 4], ' again'))]),
      () => new Response(null, { status: 204 }),
    ]);

    const events = await collect(connect(`${BASE}/events`, { use: [dedupe(2)], reconnect }));

    // The window holds 2 and 3: 2 is dropped, 1 (evicted when 3 came) is delivered again and
    // pushes 2 out, 3 is still in the window.
    expect(events.map((event) => event.data)).toEqual(['1', '2', '3', '1 again', '4 again']);
  });

  it(`remembers DEFAULTS.dedupeWindow (${DEFAULTS.dedupeWindow}) ids with dedupe()`, async () => {
    const { reconnect } = instantReconnect();
    const window = DEFAULTS.dedupeWindow;
    // Ids 0 … window: the window then holds 1 … window, and 0 has left it.
    route('get', '/events', [
      () => sseResponse([frames(numbered(upTo(window + 1)))]),
      () => sseResponse([frames(numbered([1, window, 0], ' again'))]),
      () => new Response(null, { status: 204 }),
    ]);

    const events = await collect(connect(`${BASE}/events`, { use: [dedupe()], reconnect }));

    expect(events).toHaveLength(window + 2);
    expect(events.slice(window + 1).map((event) => event.data)).toEqual(['0 again']);
  });
});
