/**
 * The WHATWG vector table, each vector through `connect()` over a real socket on 127.0.0.1, in
 * every chunking of harness.ts `chunkingsOf()`: the events, the last event ID, the
 * reconnection time and the `Last-Event-ID` of the reconnect must not depend on where the
 * writes split.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/index.js';
import { startLoopback, utf8, type Loopback, countingFetch } from '../helpers/loopback.js';
import { collect } from '../helpers/sse.js';
import { chunkingsOf, defineVector, within } from './harness.js';
import { groups } from './vectors.js';

let loopback: Loopback;
beforeAll(async () => {
  loopback = await startLoopback();
});
afterAll(() => loopback.close());

const total = groups.reduce((sum, group) => sum + group.vectors.length, 0);

describe('WHATWG event stream vectors over a real socket', () => {
  it(`has ${total} vectors, each with a distinct name`, () => {
    const names = groups.flatMap((group) => group.vectors.map((vector) => vector.name));
    expect(new Set(names).size).toBe(names.length);
    expect(total).toBeGreaterThanOrEqual(60);
  });

  it('delivers one-byte writes to the client as separate reads, so the chunkings are real', async () => {
    // A pass-through fetch counts the body's reads: TCP may coalesce some writes, but most of
    // the cuts must reach the decoder and the parser as chunk boundaries.
    const counting = countingFetch();
    const input = utf8('id: 1\r\ndata: é€😀\r\n\r\n');
    const oneByte = chunkingsOf('reads', input).find((c) => c.name === 'one byte per write')!;
    expect(oneByte.chunks).toHaveLength(input.length);
    loopback.script({ steps: oneByte.chunks });
    const events = await within(10_000, collect(connect(loopback.url('/reads'), { reconnect: false, fetch: counting.fetch })));
    expect(events.map((e) => [e.data, e.id])).toEqual([['é€😀', '1']]);
    expect(counting.reads()).toBeGreaterThanOrEqual(input.length / 2);
  });

  for (const group of groups) {
    describe(`${group.rule} (${group.see.split('#')[1]})`, () => {
      for (const vector of group.vectors) defineVector(vector, () => loopback);
    });
  }
});
