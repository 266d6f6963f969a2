// `runstream tail --record`: the built bin against a reference server on 127.0.0.1 writes a
// script file that scriptedFetch() replays through connect(), at the stream's end and on Ctrl-C.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/index.js';
import { scriptedFetch, type Script } from '../../src/testing/index.js';
import { jsonLines, run, start, useBuiltCli, useServer } from './support.js';

useBuiltCli();
const fast = useServer({ eventDelay: 5 });
const slow = useServer({ eventDelay: 150 });
const dir = mkdtempSync(join(tmpdir(), 'runstream-record-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PATH = '/v1/runs/run_abc123/events';

describe('tail --record', () => {
  it('writes every connection (the drop, the resume with Last-Event-ID, the 204) as a script that replays the same events', async () => {
    const file = join(dir, 'dropped.json');
    fast.server.dropNext(PATH, { afterEvents: 3, midEvent: true });
    const { code, stdout, stderr } = await run(['tail', `${fast.server.url}${PATH}?token=sk_secret_123`, '-H', 'Authorization: Bearer test-key', '--json', '--record', file]);
    expect(code).toBe(0);
    expect(stderr).toContain(`recorded 3 connections to ${file}`);

    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('test-key');
    expect(text).not.toContain('sk_secret_123');
    const recorded = JSON.parse(text) as Script;
    expect(recorded.format).toBe('runstream-script@1');
    expect(recorded.connections.map((connection) => connection.expectLastEventId)).toEqual([null, 'evt_003', 'evt_010']);

    const fetch = scriptedFetch(recorded);
    const replayed = [];
    for await (const event of connect('https://replay.test/events', { fetch, json: true, reconnect: { initialDelay: 1 }, signal: AbortSignal.timeout(5_000) })) {
      replayed.push({ type: event.type, id: event.id, data: event.data });
    }
    expect(replayed).toEqual(jsonLines(stdout));
    expect(replayed).toHaveLength(10);
    expect(fetch.problems).toEqual([]);
  });

  it('writes what was received so far on Ctrl-C', async () => {
    const file = join(dir, 'interrupted.json');
    const watching = start(['tail', `${slow.server.url}${PATH}`, '-H', 'Authorization: Bearer test-key', '--record', file]);
    await watching.waitFor(/evt_002/);
    watching.child.kill('SIGINT');
    const { code, stdout } = await watching.done;
    expect(code).toBe(130);

    const recorded = JSON.parse(readFileSync(file, 'utf8')) as Script;
    expect(recorded.connections).toHaveLength(1);
    expect(recorded.connections[0]!.note).toBe('closed by the client');
    const ids = recorded.connections[0]!.steps!.flatMap((step) => ('id' in step && step.id ? [step.id] : []));
    const shown = [...stdout.matchAll(/^(evt_\d{3}) /gm)].map((match) => match[1]);
    expect(ids.slice(0, shown.length)).toEqual(shown);
  });
});
