/**
 * The conformance harness: how a vector's bytes are cut into writes (chunkings), and how one
 * run of the public client over the loopback socket is observed (events, last event ID,
 * reconnection time, the `Last-Event-ID` the next request carries).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { connect, type StreamEvent } from '../../src/index.js';
import { splitAt, utf8, type Loopback, type SeenRequest } from '../helpers/loopback.js';
import { collect } from '../helpers/sse.js';
import { prng, within } from '../helpers/async.js';

export { prng, within };

/**
 * Base seed of every seeded random split. Set `CONFORMANCE_SEED` to explore other splits; a
 * failing test's name shows the seed of its split, so a failure replays exactly.
 */
export const BASE_SEED = Number(process.env.CONFORMANCE_SEED ?? 0x5e55e);

/**
 * The client's initial reconnection delay in these runs, in ms: an odd value no vector sends,
 * so a reconnect that waits it shows the server's `retry:` was (rightly or wrongly) ignored.
 */
export const INITIAL_DELAY = 4321;

/** A vector's expected event, as the iterator delivers it. */
export interface Expected {
  type: string;
  data: string;
  id: string;
}

/** One way of cutting a vector into writes. */
export interface Chunking {
  name: string;
  chunks: Uint8Array[];
}


/** A stable 32-bit number for a name (FNV-1a), to derive a vector's own seeds. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Concatenates text (UTF-8 encoded) and raw byte values into one byte array. */
export function bytes(...parts: (string | readonly number[])[]): Uint8Array {
  const pieces = parts.map((part) => (typeof part === 'string' ? utf8(part) : Uint8Array.from(part)));
  const out = new Uint8Array(pieces.reduce((sum, piece) => sum + piece.length, 0));
  let offset = 0;
  for (const piece of pieces) {
    out.set(piece, offset);
    offset += piece.length;
  }
  return out;
}

function positions(input: Uint8Array, keep: (index: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 1; i < input.length; i++) if (keep(i)) out.push(i);
  return out;
}

const isContinuation = (byte: number | undefined) => byte !== undefined && (byte & 0xc0) === 0x80;
const CR = 0x0d;
const LF = 0x0a;

/** `count` distinct cut positions in (0, length), ascending, from `random`. */
export function randomCuts(length: number, count: number, random: () => number): number[] {
  const cuts = new Set<number>();
  const wanted = Math.min(count, length - 1);
  // Bounded: at most 20 draws per wanted cut, however unlucky the generator.
  for (let draws = 0; cuts.size < wanted && draws < wanted * 20; draws++) cuts.add(1 + Math.floor(random() * (length - 1)));
  return [...cuts].sort((a, b) => a - b);
}

/**
 * The chunkings a vector runs in. Small vectors: whole, one byte per write, three seeded
 * random splits (few, medium and many cuts), a cut inside every multi-byte character, a cut
 * after every line-end byte, and a cut between every CR and LF (each only when the input has
 * such places). Large vectors (`maxWrites` set): whole and three seeded random splits of at
 * most `maxWrites` writes, since one byte per write would take millions of writes.
 */
export function chunkingsOf(name: string, input: Uint8Array, maxWrites?: number): Chunking[] {
  const out: Chunking[] = [];
  const seen = new Set<string>();
  const add = (label: string, cuts: number[]) => {
    const key = cuts.join(',');
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ name: label, chunks: splitAt(input, cuts) });
  };
  add('whole', []);
  const seedOf = (n: number) => (hash32(name) ^ BASE_SEED ^ Math.imul(n, 0x9e3779b1)) >>> 0;
  if (maxWrites !== undefined) {
    for (const [n, writes] of [
      [1, 2],
      [2, Math.max(2, maxWrites >> 2)],
      [3, maxWrites],
    ] as const) {
      const seed = seedOf(n);
      add(`random split into ${writes} writes (seed ${seed})`, randomCuts(input.length, writes - 1, prng(seed)));
    }
    return out;
  }
  add('one byte per write', positions(input, () => true));
  // Few cuts (1 to 3), about one per 8 bytes, about one per 2 bytes.
  for (const [n, count] of [
    [1, 1 + (seedOf(1) % 3)],
    [2, Math.max(2, Math.round(input.length / 8))],
    [3, Math.max(3, Math.round(input.length / 2))],
  ] as const) {
    const seed = seedOf(n);
    add(`random split, ${count} cuts (seed ${seed})`, randomCuts(input.length, count, prng(seed)));
  }
  const multibyte = positions(input, (i) => isContinuation(input[i]));
  if (multibyte.length) add('cut inside every multi-byte character', multibyte);
  const lineEnds = positions(input, (i) => input[i - 1] === CR || input[i - 1] === LF);
  if (lineEnds.length) add('cut after every CR and every LF', lineEnds);
  const crlf = positions(input, (i) => input[i - 1] === CR && input[i] === LF);
  if (crlf.length) add('cut between every CR and LF', crlf);
  return out;
}


/** What one run of `connect()` showed. */
export interface Observation {
  events: StreamEvent<string, string>[];
  /** `stream.lastEventId` once the stream ended. */
  lastEventId: string;
  /** `info.delay` of each `onReconnect`, in ms. */
  delays: number[];
  /** The requests the server saw: the vector's, then the reconnect answered 204. */
  requests: SeenRequest[];
}

/**
 * Serves `chunks` (one write each) as the body of the first response and 204 to the reconnect
 * that follows, and reads it all through `connect()`. The reconnect shows the reconnection
 * time (`onReconnect` info.delay, first attempt: exactly the base delay) and the
 * `Last-Event-ID` header; the 204 ends the stream, as the spec tells clients to stop.
 */
export async function observe(loopback: Loopback, chunks: readonly Uint8Array[], timeout = 15_000): Promise<Observation> {
  loopback.script({ steps: chunks }, { status: 204, steps: [] });
  const delays: number[] = [];
  const stream = connect(loopback.url('/conformance'), {
    reconnect: { initialDelay: INITIAL_DELAY, sleep: () => Promise.resolve(), random: () => 0, maxAttempts: 1 },
    onReconnect: (info) => delays.push(info.delay),
  });
  const events = await within(timeout, collect(stream));
  return { events, lastEventId: stream.lastEventId, delays, requests: [...loopback.requests] };
}

/**
 * The `Last-Event-ID` header's bytes as the server received them (Node decodes header bytes as
 * Latin-1, so this undoes it); `undefined` when the header was absent.
 */
export function lastEventIdBytes(request: SeenRequest | undefined): Uint8Array | undefined {
  const value = request?.headers['last-event-id'];
  if (value === undefined) return undefined;
  return Uint8Array.from(Buffer.from(String(value), 'latin1'));
}

/**
 * What a conforming client puts on the wire for last event ID `id`: nothing for `''`, else its
 * UTF-8 bytes. HTTP field values cannot begin or end with spaces or tabs (the fetch Headers
 * class strips them), so those are not expected on the wire; docs/conformance.md lists this.
 */
export function expectedHeaderBytes(id: string): Uint8Array | undefined {
  return id === '' ? undefined : utf8(id.replace(/^[ \t]+|[ \t]+$/g, ''));
}

/** Data longer than this is compared by length and SHA-256, so a failure prints a short diff. */
const SHORT = 2000;

function summary(data: string): string {
  if (data.length <= SHORT) return data;
  return `<${data.length} characters, sha256 ${createHash('sha256').update(data).digest('hex').slice(0, 16)}>`;
}

/** `{ type, data, id }` of each event, with long data summarised. */
export function shapeOf(events: readonly { type: string; data: string; id: string }[]): Expected[] {
  return events.map(({ type, data, id }) => ({ type: summary(type), data: summary(data), id: summary(id) }));
}

/** One conformance vector: input bytes and what a conforming client makes of them. */
export interface Vector {
  /** The behaviour, in words; the test name. */
  name: string;
  /** The response body; text is sent as UTF-8. */
  input: string | Uint8Array;
  /** The events in order (`id`: the last event ID at dispatch). */
  events: Expected[];
  /** `stream.lastEventId` once the stream ended. */
  lastEventId: string;
  /** The reconnection time (ms) after the stream; omitted: unchanged by the stream. */
  retry?: number;
}

/** Runs `vector` in every chunking and checks what a user of `connect()` sees. */
export function defineVector(vector: Vector, server: () => Loopback, maxWrites?: number): void {
  const input = typeof vector.input === 'string' ? utf8(vector.input) : vector.input;
  describe(vector.name, () => {
    it.each(chunkingsOf(vector.name, input, maxWrites).map((c) => [c.name, c] as const))('%s', async (_, chunking) => {
      const seen = await observe(server(), chunking.chunks);
      expect(shapeOf(seen.events)).toEqual(shapeOf(vector.events));
      // Without json/decode, `raw` is the data text itself.
      expect(seen.events.every((event) => event.raw === event.data)).toBe(true);
      expect(seen.lastEventId).toBe(vector.lastEventId);
      // The first reconnect waits exactly the reconnection time (no backoff yet).
      expect(seen.delays).toEqual([vector.retry ?? INITIAL_DELAY]);
      expect(seen.requests).toHaveLength(2);
      expect(lastEventIdBytes(seen.requests[1])).toEqual(expectedHeaderBytes(vector.lastEventId));
    });
  });
}
