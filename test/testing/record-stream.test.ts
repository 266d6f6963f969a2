/**
 * recordStream() with scripted servers: a retried 503, a refused 404, a clean end, an idle
 * timeout, and no secret in what it writes. Each recording is replayed through connect().
 */
import { describe, expect, it } from 'vitest';
import { connect, HTTPError, type StreamEvent } from '../../src/index.js';
import { collectEvents, recordStream, scriptedFetch, type Script, type ScriptInput } from '../../src/testing/index.js';

const URL_ = 'https://api.test/v1/events';
const FAST = { initialDelay: 1, maxAttempts: 3 } as const;
const shapeOf = (events: readonly StreamEvent[]) => events.map(({ type, id, data }) => ({ type, id, data }));

/** Runs connect() against `script`, records it, and returns the events, the outcome and the recording (as JSON would keep it). */
async function recordRun(script: ScriptInput, options: Parameters<typeof connect>[1] = {}, url = URL_) {
  const stream = connect(url, { fetch: scriptedFetch(script), reconnect: FAST, signal: AbortSignal.timeout(5_000), ...options });
  const recording = recordStream(stream);
  const { events, error } = await collectEvents(stream);
  const recorded = JSON.parse(JSON.stringify(await recording.finished)) as Script;
  return { events, error, outcome: stream.outcome, recorded };
}

/** Replays `recorded` through connect() with the same options. */
async function replay(recorded: Script, options: Parameters<typeof connect>[1] = {}) {
  const fetch = scriptedFetch(recorded);
  const stream = connect(URL_, { fetch, reconnect: FAST, signal: AbortSignal.timeout(5_000), ...options });
  const { events, error } = await collectEvents(stream);
  return { events, error, outcome: stream.outcome, fetch };
}

describe('recordStream()', () => {
  it('records a retried 503 (status, Retry-After, body) then the stream that followed; the replay retries it the same way', async () => {
    const { events, recorded } = await recordRun({
      connections: [
        { status: 503, headers: { 'retry-after': '0' }, body: { error: 'overloaded' } },
        { steps: [{ event: 'ready', id: '1', data: { ok: true } }, { retry: 5 }, { data: 'plain', id: '2' }] },
      ],
    });

    expect(recorded.connections).toEqual([
      { status: 503, headers: { 'content-type': 'application/json', 'retry-after': '0' }, body: { error: 'overloaded' }, expectLastEventId: null, note: 'answered HTTP 503' },
      expect.objectContaining({ expectLastEventId: null, note: 'the server closed the stream' }),
      { status: 204, expectLastEventId: '2', note: '204 No Content: the server asked the client to stop' },
    ]);
    expect(recorded.connections[1]!.steps!.filter((step) => !('wait' in step))).toEqual([{ event: 'ready', id: '1', data: '{"ok":true}' }, { retry: 5, data: 'plain', id: '2' }]);

    const again = await replay(recorded);
    expect(shapeOf(again.events)).toEqual(shapeOf(events));
    expect(again.fetch.requests.map((request) => request.lastEventId)).toEqual([undefined, undefined, '2']);
    expect(again.fetch.problems).toEqual([]);
  });

  it('records a refused 404 with its body; the replay fails with the same HTTPError status', async () => {
    const { error, recorded } = await recordRun({ connections: [{ status: 404, body: { error: { code: 'not_found', message: 'no such run' } } }] });

    expect(error).toBeInstanceOf(HTTPError);
    expect(recorded.connections).toEqual([
      { status: 404, headers: { 'content-type': 'application/json' }, body: { error: { code: 'not_found', message: 'no such run' } }, expectLastEventId: null, note: 'answered HTTP 404' },
    ]);
    const again = await replay(recorded);
    expect(again.error).toBeInstanceOf(HTTPError);
    expect((again.error as HTTPError).status).toBe(404);
    expect((again.error as HTTPError).body).toEqual((error as HTTPError).body);
  });

  it('records a clean end without reconnect as one connection whose steps end (no cut)', async () => {
    const { events, outcome, recorded } = await recordRun([{ comment: 'hello' }, { event: 'a', id: 'x1', data: 'one' }, { event: 'b', data: 'two\nlines' }], { reconnect: false });

    expect(outcome?.type).toBe('ended');
    expect(recorded.connections).toHaveLength(1);
    expect(recorded.connections[0]!.steps!.filter((step) => !('wait' in step))).toEqual([
      { comment: 'hello' },
      { event: 'a', id: 'x1', data: 'one' },
      { event: 'b', data: 'two\nlines' },
    ]);
    expect(recorded.connections[0]!.note).toBe('the server closed the stream');
    const again = await replay(recorded, { reconnect: false });
    expect(shapeOf(again.events)).toEqual(shapeOf(events));
    expect(again.outcome?.type).toBe('ended');
  });

  it('records a connection the idle timeout dropped as a hold, so the replay drops it the same way', async () => {
    const script: Script = { connections: [{ steps: [{ event: 'a', id: '1', data: 'one' }, { wait: Infinity }] }, { steps: [{ event: 'b', id: '2', data: 'two' }] }] };
    const { events, recorded } = await recordRun(script, { idleTimeout: 30 });

    // A finite hold: JSON has no Infinity.
    expect(recorded.connections[0]!.steps!.at(-1)).toEqual({ wait: 2_147_483_647 });
    expect(recorded.connections[0]!.note).toMatch(/^dropped: ConnectionError: .*idle timeout/);
    expect(recorded.connections[1]!.expectLastEventId).toBe('1');

    const again = await replay(recorded, { idleTimeout: 30 });
    expect(shapeOf(again.events)).toEqual(shapeOf(events));
    expect(again.fetch.requests.map((request) => request.lastEventId)).toEqual([undefined, '1', '2']);
  });

  it('writes no secret: no URL, no request header but Last-Event-ID, error bodies masked', async () => {
    const token = 'sk_live_0123456789abcdef';
    const { recorded } = await recordRun(
      {
        connections: [
          { status: 500, body: { error: 'bad request', echo: { authorization: `Bearer ${token}` } } },
          { steps: [{ event: 'ready', id: '1', data: 'ok' }] },
        ],
      },
      { headers: { authorization: `Bearer ${token}` } },
      `${URL_}?token=${token}`,
    );

    const json = JSON.stringify(recorded);
    expect(recorded.connections.length).toBe(3);
    expect(json).not.toContain(token);
    expect(json).not.toContain('api.test');
    expect(json).toContain('***');
  });

  it('gives the script so far while the stream runs, and stop() ends the recording', async () => {
    const stream = connect(URL_, { fetch: scriptedFetch([{ event: 'a', id: '1', data: 'one' }, { wait: Infinity }]), reconnect: false, signal: AbortSignal.timeout(5_000) });
    const recording = recordStream(stream);
    expect(recording.script().connections).toEqual([]);
    for await (const event of stream) {
      expect(event.id).toBe('1');
      const [connection, ...rest] = recording.script().connections;
      expect(rest).toEqual([]);
      expect(connection!.expectLastEventId).toBeNull();
      expect(connection!.steps!.filter((step) => !('wait' in step))).toEqual([{ event: 'a', id: '1', data: 'one' }]);
      const stopped = recording.stop();
      expect(await recording.finished).toBe(stopped);
      break;
    }
    // Steps after stop() are not recorded: the client's close is not in the script.
    expect(recording.script().connections[0]!.note).toBeUndefined();
  });
});
