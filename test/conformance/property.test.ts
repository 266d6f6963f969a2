/**
 * Chunking invariance as a property: any valid stream, cut into chunks at any byte offsets,
 * yields exactly the events of the unsplit stream, and both equal what the spec says the
 * generated frames mean. In memory through msw (`connect()` reads a `ReadableStream` body that
 * delivers one chunk per read), so that a few hundred streams take a few seconds.
 *
 * Reproduce a failure with the seed it prints: `CONFORMANCE_SEED=<seed> npm run test:conformance`.
 */
import fc from 'fast-check';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { connect } from '../../src/index.js';
import { splitAt, utf8 } from '../helpers/loopback.js';
import { BASE, server, useMsw } from '../helpers/msw.js';
import { collect, frame, sseResponse, type Frame, type LineEnding } from '../helpers/sse.js';
import { BASE_SEED, INITIAL_DELAY, shapeOf, within, type Expected } from './harness.js';

useMsw();

/** Streams (and runs) per property: bounded so that each property takes about a second. */
const NUM_RUNS = 200;

interface Generated {
  frames: { frame: Frame; eol: LineEnding }[];
  bom: boolean;
}

/** Text without CR or LF (which `frame()` rejects in names and splits in data), any code point. */
function text(unit: 'binary' | 'binary-ascii', maxLength: number): fc.Arbitrary<string> {
  return fc.string({ unit, maxLength }).map((value) => value.replace(/[\r\n]/g, ''));
}

function stream(ids: 'unicode' | 'header'): fc.Arbitrary<Generated> {
  const line = fc.oneof(text('binary', 12), text('binary-ascii', 12), fc.constantFrom('', ' ', '😀𝄞', 'é€', '\uFEFF', '\u0000'));
  const id =
    ids === 'unicode'
      ? fc.oneof(text('binary', 8), fc.constantFrom('', '\u0000', '7'))
      : // Any code point, sent back as UTF-8 in Last-Event-ID, which cannot carry edge spaces.
        fc.oneof(text('binary', 8), fc.constantFrom('é', '😀', '7')).filter((value) => !/^[ \t]|[ \t]$/.test(value));
  const one = fc.record(
    {
      comment: text('binary', 10),
      retry: fc.nat({ max: 100_000 }),
      event: fc.oneof(text('binary', 10), fc.constantFrom('', 'message', 'run.completed')),
      id,
      data: fc.array(line, { minLength: 1, maxLength: 4 }).map((lines) => lines.join('\n')),
    },
    { requiredKeys: [] },
  );
  const eol = fc.constantFrom<LineEnding>('\n', '\r', '\r\n');
  return fc.record({
    frames: fc.array(fc.record({ frame: one, eol }), { minLength: 1, maxLength: 10 }),
    bom: fc.boolean(),
  });
}

/** What the spec makes of the generated frames: the events, last event ID and reconnection time. */
function model(generated: Generated): { events: Expected[]; lastEventId: string; retry: number | undefined } {
  const events: Expected[] = [];
  let lastEventId = '';
  let retry: number | undefined;
  for (const { frame: f } of generated.frames) {
    if (f.retry !== undefined) retry = f.retry;
    if (f.id !== undefined && !f.id.includes('\u0000')) lastEventId = f.id;
    if (f.data !== undefined) events.push({ type: f.event || 'message', data: String(f.data), id: lastEventId });
  }
  return { events, lastEventId, retry };
}

function encode(generated: Generated): Uint8Array {
  const body = generated.frames.map(({ frame: f, eol }) => frame(f, eol)).join('');
  return utf8(generated.bom ? `\uFEFF${body}` : body);
}

/** Cut positions: a few random offsets, or every byte. */
const cutsArb = fc.oneof(
  { arbitrary: fc.array(fc.nat(), { minLength: 1, maxLength: 48 }), weight: 4 },
  { arbitrary: fc.constant('every byte' as const), weight: 1 },
);

function chunk(bytes: Uint8Array, cuts: number[] | 'every byte'): Uint8Array[] {
  if (bytes.length < 2) return [bytes];
  const offsets =
    cuts === 'every byte'
      ? Array.from({ length: bytes.length - 1 }, (_, i) => i + 1)
      : [...new Set(cuts.map((n) => 1 + (n % (bytes.length - 1))))].sort((a, b) => a - b);
  return splitAt(bytes, offsets);
}

/** Serves each request the next response of `responses` (then 418), and returns the Last-Event-ID of each. */
function serve(responses: (() => Response)[]): (string | null)[] {
  const seen: (string | null)[] = [];
  server.use(
    http.get(`${BASE}/property`, ({ request }) => {
      const header = request.headers.get('last-event-id');
      // A header value is a byte string: the id travels as its UTF-8 bytes.
      seen.push(header === null ? null : new TextDecoder().decode(Uint8Array.from(header, (char) => char.charCodeAt(0))));
      const next = responses[seen.length - 1];
      return next ? next() : HttpResponse.text('unexpected request', { status: 418 });
    }),
  );
  return seen;
}

const parameters = {
  numRuns: NUM_RUNS,
  seed: BASE_SEED,
  plugins: [fc.interruptAfterTimeLimit(20_000, { failOnInterrupt: true }), fc.timeout(5_000)],
};

describe('any chunking of any valid stream yields the events of the unsplit stream', () => {
  it('delivers each chunk of the in-memory body as its own read, so the cuts are real', async () => {
    const reads: number[] = [];
    // A pass-through fetch sees the body as the client reads it.
    const counting: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const counted = response.body!.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(bytes, controller) {
            reads.push(bytes.length);
            controller.enqueue(bytes);
          },
        }),
      );
      return new Response(counted, { status: response.status, headers: response.headers });
    };
    serve([() => sseResponse(chunk(utf8('data: é\r\n\r\n'), [2, 6, 8]))]);
    const events = await within(4_000, collect(connect(`${BASE}/property`, { reconnect: false, fetch: counting })));
    expect(events.map((e) => e.data)).toEqual(['é']);
    // Cut inside é and between CR and LF.
    expect(reads).toEqual([3, 4, 2, 3]);
  });

  it(`events and last event ID, Unicode ids (${NUM_RUNS} streams, seed ${BASE_SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(stream('unicode'), cutsArb, async (generated, cuts) => {
        const bytes = encode(generated);
        const read = async (chunks: Uint8Array[]) => {
          serve([() => sseResponse(chunks)]);
          const s = connect(`${BASE}/property`, { reconnect: false });
          const events = await within(4_000, collect(s));
          return { events: shapeOf(events), lastEventId: s.lastEventId };
        };
        const whole = await read([bytes]);
        const split = await read(chunk(bytes, cuts));
        const expected = model(generated);
        expect(split).toEqual(whole);
        expect(whole).toEqual({ events: expected.events, lastEventId: expected.lastEventId });
      }),
      parameters,
    );
  });

  it(`reconnection time and Last-Event-ID too, ids of any code point but edge spaces (${NUM_RUNS} streams, seed ${BASE_SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(stream('header'), cutsArb, async (generated, cuts) => {
        const bytes = encode(generated);
        const expected = model(generated);
        const headers = serve([() => sseResponse(chunk(bytes, cuts)), () => new HttpResponse(null, { status: 204 })]);
        const delays: number[] = [];
        const s = connect(`${BASE}/property`, {
          reconnect: { initialDelay: INITIAL_DELAY, sleep: () => Promise.resolve(), maxAttempts: 1 },
          onReconnect: (info) => delays.push(info.delay),
        });
        const events = await within(4_000, collect(s));
        expect(shapeOf(events)).toEqual(expected.events);
        expect(s.lastEventId).toBe(expected.lastEventId);
        expect(delays).toEqual([expected.retry ?? INITIAL_DELAY]);
        expect(headers).toEqual([null, expected.lastEventId === '' ? null : expected.lastEventId]);
      }),
      parameters,
    );
  });
});
