/**
 * Chaos: a real server on 127.0.0.1 sends 50,000 events and cuts the connection at 240 byte
 * offsets (mid-line, mid-event, between CR and LF, inside multi-byte characters, on event
 * boundaries), resuming each time after the client's Last-Event-ID. The client must deliver the
 * original sequence exactly: none lost, none repeated.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { connect } from '../../src/index.js';
import { frame, type LineEnding } from '../helpers/sse.js';
import { prng } from '../helpers/async.js';

const EVENTS = 50_000;
const CUTS_PER_CLASS = 60; // four classes: 240 cuts in all


const WORDS = ['run', 'step', 'café', '日本語', 'naïve', '🎉', 'token', 'Ωmega', 'x'];

function corpus(random: () => number) {
  const encoder = new TextEncoder();
  const expected: { type: string; data: string; id: string }[] = [];
  const parts: Uint8Array[] = [];
  /** Byte offset just after each event, by id. */
  const endOf = new Map<string, number>();
  let offset = 0;
  for (let index = 0; index < EVENTS; index++) {
    const id = String(index + 1);
    const type = index % 7 === 0 ? 'message' : `kind.${index % 5}`;
    const lines = 1 + Math.floor(random() * 3);
    const data = Array.from({ length: lines }, () => WORDS[Math.floor(random() * WORDS.length)]!.repeat(1 + Math.floor(random() * 3))).join('\n');
    const eol: LineEnding = index % 3 === 0 ? '\r\n' : index % 3 === 1 ? '\n' : '\r';
    const bytes = encoder.encode(frame({ id, event: type === 'message' ? undefined : type, data }, eol));
    parts.push(bytes);
    offset += bytes.length;
    endOf.set(id, offset);
    expected.push({ type, data, id });
  }
  const stream = new Uint8Array(offset);
  let at = 0;
  for (const part of parts) {
    stream.set(part, at);
    at += part.length;
  }
  return { stream, expected, endOf };
}

/** Cut offsets of four classes, sorted. */
function cuts(stream: Uint8Array, endOf: Map<string, number>, random: () => number): number[] {
  const pick = (accept: (at: number) => boolean): number => {
    for (;;) {
      const at = 1 + Math.floor(random() * (stream.length - 2));
      if (accept(at)) return at;
    }
  };
  const boundaries = new Set(endOf.values());
  const out = new Set<number>();
  for (let i = 0; i < CUTS_PER_CLASS; i++) {
    out.add(pick((at) => stream[at - 1] === 0x0d && stream[at] === 0x0a)); // between CR and LF
    out.add(pick((at) => (stream[at]! & 0xc0) === 0x80)); // inside a multi-byte character
    out.add(pick((at) => stream[at - 1] !== 0x0a && stream[at - 1] !== 0x0d && stream[at] !== 0x0a && stream[at] !== 0x0d)); // mid-line
    out.add(pick((at) => boundaries.has(at))); // between two events
  }
  return [...out].sort((a, b) => a - b);
}

describe('chaos: drops at random byte offsets', () => {
  it(`delivers ${EVENTS} events exactly once across ${CUTS_PER_CLASS * 4} cuts, resuming from Last-Event-ID`, async () => {
    const random = prng(0x5eed);
    const { stream, expected, endOf } = corpus(random);
    const cutAt = cuts(stream, endOf, random);
    let drops = 0;
    let requests = 0;
    let nextCut = 0; // each cut is used once
    let bytesSent = 0;

    const server = createServer((req, res) => {
      requests++;
      const lastId = req.headers['last-event-id'];
      const start = typeof lastId === 'string' ? (endOf.get(lastId) ?? 0) : 0;
      if (start >= stream.length) return void res.writeHead(204).end();
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      while (nextCut < cutAt.length && cutAt[nextCut]! <= start) nextCut++;
      const end = cutAt[nextCut++];
      // Two writes per connection, so cuts also fall between TCP reads of one response.
      const stop = end ?? stream.length;
      const middle = start + Math.floor((stop - start) / 2);
      res.write(stream.subarray(start, middle));
      bytesSent += stop - start;
      res.write(stream.subarray(middle, stop), () => {
        if (end === undefined) return void res.end();
        drops++;
        res.socket?.destroy();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const started = performance.now();
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
      const received: { type: string; data: string; id: string }[] = [];
      // No wait between attempts (the delays are the policy tests' business); two cuts inside
      // one event make an attempt with no new event, so allow a few in a row.
      const events = connect(url, { reconnect: { sleep: () => Promise.resolve(), maxAttempts: 20 } });
      for await (const event of events) received.push({ type: event.type, data: event.data, id: event.id });

      expect(drops).toBeGreaterThanOrEqual(200);
      expect(received.length).toBe(EVENTS);
      expect(received).toEqual(expected);
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `chaos: ${EVENTS} events, ${(stream.length / 1e6).toFixed(2)} MB, ${drops} drops (${requests} requests, ${(bytesSent / 1e6).toFixed(2)} MB sent), ${seconds.toFixed(2)} s`,
      );
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 60_000);
});
