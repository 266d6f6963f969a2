/**
 * The platform vector tables through `new Runstream({ baseUrl, apiKey })` resources against a
 * real socket on 127.0.0.1, in every chunking: the delivered `{ type, data, id }` sequence,
 * what string listeners hear, the outcome and whether the stream reconnected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Runstream, StreamError, type StreamEvent, type StreamOptions } from '../../src/index.js';
import { startLoopback, utf8, type Loopback } from '../helpers/loopback.js';
import { chunkingsOf, within } from './harness.js';
import { tables, type Delivered, type PlatformTable, type PlatformVector } from './platforms.js';

let loopback: Loopback;
beforeAll(async () => {
  loopback = await startLoopback();
});
afterAll(() => loopback.close());

const shape = ({ type, data, id }: StreamEvent): Delivered => ({ type, data, id });

async function run(table: PlatformTable, vector: PlatformVector, chunks: Uint8Array[]) {
  const rest = vector.rest;
  const restReply = rest && { headers: { 'content-type': 'application/json' }, steps: [JSON.stringify(rest.body)] };
  loopback.script({ steps: chunks }, ...(restReply ? [restReply] : []), { status: 204, steps: [] });
  const client = new Runstream({
    baseUrl: loopback.url(''),
    apiKey: 'sk-conformance',
    reconnect: { sleep: () => Promise.resolve(), random: () => 0, maxAttempts: 1 },
  });
  const skipped: (string | undefined)[] = [];
  const options: StreamOptions = vector.skipped ? { onInvalidData: (error) => skipped.push(error.data) } : {};
  const stream = (vector.open ?? table.open)(client, options);
  const heard: Delivered[] = [];
  if (vector.heard) stream.addEventListener(vector.heard.type, (event) => heard.push(shape(event)));
  const events: Delivered[] = [];
  let failure: unknown;
  await within(
    10_000,
    (async () => {
      try {
        for await (const event of stream) events.push(shape(event));
      } catch (error) {
        failure = error;
      }
    })(),
  );
  const restRequests = loopback.requests.filter((request) => request.path === rest?.path);
  if (rest) expect(restRequests.map((request) => request.method)).toEqual(['GET']);
  const requests = loopback.requests.filter((request) => request.path !== rest?.path);
  return { events, failure, heard, skipped, lastEventId: stream.lastEventId, requests };
}

const total = tables.reduce((sum, table) => sum + table.vectors.length, 0);

describe('platform normalisation over a real socket', () => {
  it(`has ${total} vectors over 5 platforms`, () => {
    expect(tables.map((table) => table.vectors.length).every((n) => n >= 3)).toBe(true);
  });

  for (const table of tables) {
    describe(table.platform, () => {
      for (const vector of table.vectors) {
        const chunkings = chunkingsOf(vector.name, utf8(vector.wire)).map((c) => [c.name, c] as const);
        describe(vector.name, () => {
          it.each(chunkings)('%s', async (_, chunking) => {
            const seen = await run(table, vector, chunking.chunks);
            expect(seen.events).toEqual(vector.events);
            const outcome = seen.failure === undefined ? 'ends' : seen.failure instanceof StreamError ? seen.failure.code : seen.failure;
            expect(outcome).toBe(vector.outcome);
            expect(seen.lastEventId).toBe(vector.lastEventId ?? '');
            expect(seen.requests).toHaveLength(vector.requests);
            if (vector.requests === 2) expect(seen.requests[1]!.headers['last-event-id']).toBe(vector.lastEventId || undefined);
            if (vector.heard) expect(seen.heard).toEqual(vector.heard.events);
            if (vector.skipped) expect(seen.skipped).toEqual(vector.skipped);
          });
        });
      }
    });
  }
});
