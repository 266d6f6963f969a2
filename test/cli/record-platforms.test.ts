// `--record` on the platform commands: the built bin against a reference server on 127.0.0.1
// writes a script file, and scriptedFetch() replays it through the same resource method of the
// platform client: the same events, the reconnect with its Last-Event-ID, a POST stream's body.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Crewship, FlowMaestro, PraisonAI, SkillsEngine, Stax, type StreamEvent } from '../../src/index.js';
import { scriptedFetch, type Script } from '../../src/testing/index.js';
import { helpText } from '../../src/cli/command.js';
import { executions } from '../../src/cli/commands/executions.js';
import { jobs } from '../../src/cli/commands/jobs.js';
import { runner } from '../../src/cli/commands/runner.js';
import { runs } from '../../src/cli/commands/runs.js';
import { skills } from '../../src/cli/commands/skills.js';
import { tail } from '../../src/cli/commands/tail.js';
import { jsonLines, run, useBuiltCli, useServer } from './support.js';

useBuiltCli();
const KEY = 'test-key';
const setup = useServer({ apiKey: KEY, eventDelay: 5 });
const dir = mkdtempSync(join(tmpdir(), 'runstream-record-platforms-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const REPLAY = 'https://replay.test';

/** Reads a recorded script file. */
function readScript(file: string): Script {
  return JSON.parse(readFileSync(file, 'utf8')) as Script;
}

/** Every event of a replayed stream, as `--json` prints them. */
async function collect(stream: AsyncIterable<StreamEvent<string, unknown>>): Promise<{ type: string; id: string; data: unknown }[]> {
  const events = [];
  for await (const event of stream) events.push({ type: event.type, id: event.id, data: event.data });
  return events;
}

describe('--record on the platform commands', () => {
  it('every command that streams takes --record (its help says so)', () => {
    for (const command of [tail, runs, executions, jobs, skills, runner]) {
      expect(helpText(command), command.name).toMatch(/--record <file\.json>/);
      expect(command.examples.join('\n'), command.name).toContain('--record');
    }
  });

  it('runs <id> --record: a dropped stream, then the resume with Last-Event-ID, replays through Crewship runs.stream()', async () => {
    const file = join(dir, 'runs.json');
    setup.server.dropNext('/v1/runs/run_abc123/events', { afterEvents: 3, midEvent: true });
    const { code, stdout, stderr } = await run(['runs', 'run_abc123', '--base-url', setup.server.url, '--api-key', KEY, '--json', '--record', file]);
    expect(code).toBe(0);
    expect(stderr).toContain(`recorded 2 connections to ${file}`);
    expect(readFileSync(file, 'utf8')).not.toContain(KEY);

    const recorded = readScript(file);
    expect(recorded.connections.map((connection) => connection.expectLastEventId)).toEqual([null, 'evt_003']);
    expect(recorded.connections[0]!.note).toMatch(/^dropped: /);

    const fetch = scriptedFetch({ 'GET /v1/runs/:id/events': recorded });
    const client = new Crewship({ baseUrl: REPLAY, apiKey: 'replay-key', fetch });
    const stream = client.runs.stream('run_abc123', { reconnect: { initialDelay: 1 }, signal: AbortSignal.timeout(5_000) });
    const replayed = await collect(stream);
    expect(replayed).toEqual(jsonLines(stdout));
    expect(replayed.at(-1)!.type).toBe('run.completed');
    expect(stream.outcome?.type).toBe('completed');
    expect(fetch.requests.map((request) => request.lastEventId)).toEqual([undefined, 'evt_003']);
    expect(fetch.problems).toEqual([]);
  });

  it('skills <id> --record: the POST stream replays through SkillsEngine skills.start(), which sends the POST with its inputs', async () => {
    const file = join(dir, 'skills.json');
    const inputs = { text: 'Hello world' };
    const { code, stdout } = await run(['skills', 'my.skill', '--inputs', JSON.stringify(inputs), '--base-url', setup.server.url, '--api-key', KEY, '--json', '--record', file]);
    expect(code).toBe(0);

    const recorded = readScript(file);
    expect(recorded.connections).toHaveLength(1);
    expect(recorded.connections[0]!.expectLastEventId).toBeNull();

    const fetch = scriptedFetch({ 'POST /v1/skills/:id/execute/stream': recorded });
    const client = new SkillsEngine({ baseUrl: REPLAY, apiKey: 'replay-key', fetch });
    const stream = client.skills.start('my.skill', { inputs }, { signal: AbortSignal.timeout(5_000) });
    const replayed = await collect(stream);
    expect(replayed).toEqual(jsonLines(stdout));
    expect(replayed.at(-1)!.type).toBe('done');
    expect(stream.outcome?.type).toBe('completed');
    expect(fetch.requests).toHaveLength(1);
    expect(fetch.requests[0]!.method).toBe('POST');
    expect(JSON.parse(fetch.requests[0]!.body)).toMatchObject({ inputs });
    expect(fetch.problems).toEqual([]);
  });

  it('jobs run --record: the job stream (not the submit), dropped, and the resume with Last-Event-ID the finished job refused, replays through PraisonAI jobs.stream()', async () => {
    const file = join(dir, 'jobs.json');
    setup.server.dropNext(/^\/api\/v1\/runs\/[^/]+\/stream/, { afterEvents: 2 });
    // "named": the server's form, with ids 1, 2, … that a resume sends back. The job runs on the
    // server meanwhile: its few steps (5 ms each) are over long before the reconnect (1 s backoff),
    // so the resume is answered 400 and the client reads the job's state and result instead.
    const { code, stdout, stderr } = await run(['jobs', 'run', '--prompt', 'named quarterly report', '--base-url', setup.server.url, '--json', '--record', file]);
    expect(code).toBe(0);
    const jobId = /Job submitted: (\S+)/.exec(stderr)?.[1];
    expect(jobId).toBeDefined();

    const recorded = readScript(file);
    expect(recorded.connections.map((connection) => connection.expectLastEventId)).toEqual([null, '2']);
    expect(recorded.connections[1]).toMatchObject({ status: 400, body: { detail: 'Job already completed (no stream available)' } });

    // The recording holds the stream's connections; the JSON calls of the resync (the job's
    // state and result) are not in it: the test answers them with what the CLI printed.
    const shown = jsonLines(stdout);
    const resync = shown.find((event) => event.type === 'resync')!.data as { state: unknown; result: unknown };
    const fetch = scriptedFetch({
      'GET /api/v1/runs/:id/stream': recorded,
      'GET /api/v1/runs/:id/result': { status: 200, body: resync.result },
      'GET /api/v1/runs/:id': { status: 200, body: resync.state },
    });
    const client = new PraisonAI({ baseUrl: REPLAY, fetch });
    const stream = client.jobs.stream(jobId!, { reconnect: { initialDelay: 1 }, signal: AbortSignal.timeout(5_000) });
    const replayed = await collect(stream);
    expect(replayed).toEqual(shown);
    expect(stream.outcome?.type).toBe('completed');
    expect(fetch.requests.map((request) => `${request.method} ${request.path} ${request.lastEventId ?? '-'}`)).toEqual([
      `GET /api/v1/runs/${jobId}/stream -`,
      `GET /api/v1/runs/${jobId}/stream 2`,
      `GET /api/v1/runs/${jobId} -`,
      `GET /api/v1/runs/${jobId}/result -`,
    ]);
    expect(fetch.problems).toEqual([]);
  });

  it('executions <id> --record replays through FlowMaestro executions.stream()', async () => {
    const file = join(dir, 'executions.json');
    const { code, stdout } = await run(['executions', 'exec_xyz789', '--base-url', setup.server.url, '--api-key', KEY, '--json', '--record', file]);
    expect(code).toBe(0);

    const fetch = scriptedFetch({ 'GET /v1/executions/:id/events': readScript(file) });
    const client = new FlowMaestro({ baseUrl: REPLAY, apiKey: 'replay-key', fetch });
    const stream = client.executions.stream('exec_xyz789', { signal: AbortSignal.timeout(5_000) });
    expect(await collect(stream)).toEqual(jsonLines(stdout));
    expect(stream.outcome?.type).toBe('completed');
    expect(fetch.problems).toEqual([]);
  });

  it('runner run --record: the bus stream replays through Stax runner.start(), whose POST /api/runs the test answers', async () => {
    const file = join(dir, 'runner.json');
    const { code, stdout } = await run(['runner', 'run', '--workflow', 'build', '--base-url', setup.server.url, '--json', '--record', file]);
    expect(code).toBe(0);
    const shown = jsonLines(stdout);
    expect(shown.at(-1)!.type).toBe('run.completed');

    const recorded = readScript(file);
    expect(recorded.connections).toHaveLength(1);
    // The POST that started the run is a JSON call, not in the recording: its answer is the run
    // as run.started carried it.
    const started = (shown[0]!.data as { run: { id: string } }).run;
    const fetch = scriptedFetch({ 'GET /api/events': recorded, 'POST /api/runs': { status: 201, body: started } });
    const stax = new Stax({ baseUrl: REPLAY, fetch });
    const stream = stax.runner.start({ workflow: 'build' }, { signal: AbortSignal.timeout(5_000) });
    expect(await collect(stream)).toEqual(shown);
    expect(stream.outcome?.type).toBe('completed');
    expect(fetch.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /api/events', 'POST /api/runs']);
    expect(fetch.problems).toEqual([]);
  });
});
