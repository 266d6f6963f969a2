// `runstream tail` and the behaviour every streaming command shares: --json, --raw, POST bodies,
// filters and limits, reconnect diagnostics after a drop mid-event, Ctrl-C with the resume
// hint, exit codes and usage errors. The built bin against reference servers on 127.0.0.1.
import { describe, expect, it } from 'vitest';
import { bytes } from '../../src/cli/output.js';
import { connect } from '../../src/index.js';
import { jsonLines, run, start, until, useBuiltCli, useServer } from './support.js';
import { refusedPort } from '../helpers/loopback.js';

useBuiltCli();
const fast = useServer({ eventDelay: 5 });
const slow = useServer({ eventDelay: 150 });
const runUrl = (server = fast.server, id = 'run_abc123') => `${server.url}/v1/runs/${id}/events`;
const bearer = ['-H', 'Authorization: Bearer test-key'];

describe('tail', () => {
  it('GET: --json lines are the events connect() delivers, with data decoded', async () => {
    const { code, stdout } = await run(['tail', runUrl(), ...bearer, '--json', '--no-reconnect']);
    expect(code).toBe(0);
    const expected = [];
    for await (const event of connect(runUrl(), { headers: { authorization: 'Bearer test-key' }, json: true, reconnect: false })) {
      expected.push({ type: event.type, id: event.id, data: event.data });
    }
    expect(jsonLines(stdout)).toEqual(expected);
    expect(expected).toHaveLength(10);
  });

  it('POST: -d sends the body as JSON and streams the answer', async () => {
    const { code, stdout } = await run(['tail', `${fast.server.url}/v1/skills/my.skill/execute/stream`, '-H', 'x-api-key: test-key', '-d', '{"inputs": {"text": "hi"}}', '--json']);
    expect(code).toBe(0);
    const events = jsonLines(stdout);
    expect(events.at(-1)).toMatchObject({ type: 'done', data: { status: 'completed', outputs: { result: 'Analyzed 2 characters: “hi”' } } });
    const request = fast.server.requests.filter((entry) => entry.path === '/v1/skills/my.skill/execute/stream').at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body).toEqual({ inputs: { text: 'hi' } });
  });

  it('POST: -d - reads the body from stdin', async () => {
    const { code, stdout } = await run(['tail', `${fast.server.url}/v1/skills/my.skill/execute/stream`, '-H', 'x-api-key: test-key', '-d', '-', '--json'], {
      input: '{"inputs": {"text": "from stdin"}}',
    });
    expect(code).toBe(0);
    expect(stdout).toContain('from stdin');
  });

  it('plain lines: id, type, data; --types filters and --max-events stops (exit 0)', async () => {
    const { code, stdout } = await run(['tail', runUrl(), ...bearer, '--types', 'agent.started,artifact', '--max-events', '2']);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^evt_003 agent\.started \{"agent":"Researcher"/),
      expect.stringMatching(/^evt_007 agent\.started \{"agent":"Writer"/),
    ]);
  });

  it('--raw prints the frames as received, --end-marker ends the stream cleanly', async () => {
    const { code, stdout } = await run(['tail', `${fast.server.url}/api/v1/runs/run_abc123/stream`, '--end-marker', '[DONE]', '--raw']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^data: \{"event":"progress","data":\{"percentage":0,"current_step":"Initializing"\}\}\n\n/);
    expect(stdout.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('--no-reconnect: a server that closes ends the command (exit 0); keepalives are counted', async () => {
    const { code, stdout, stderr } = await run(['tail', `${fast.server.url}/v1/executions/exec_xyz789/events`, '-H', 'x-api-key: test-key', '--no-reconnect', '--json']);
    expect(code).toBe(0);
    expect(jsonLines(stdout)).toHaveLength(13);
    expect(stderr).toContain('outcome: ended');
    expect(stderr).toMatch(/· 13 events · [\d.]+ kB · 1 keepalive · 0 reconnects/);
    expect(stderr).not.toContain('↻');
  });

  it('a keepalive is what the stream skips: a Crewship heartbeat counts as one under runs, and is an event under tail', async () => {
    // run_envelope: five envelopes, an `event: heartbeat`, then `complete` (evt_006).
    const runs = await run(['runs', 'run_envelope', '--base-url', fast.server.url, '--api-key', 'test-key', '--json']);
    expect(runs.code, runs.stderr).toBe(0);
    expect(jsonLines(runs.stdout).map((event) => event.type)).not.toContain('heartbeat');
    expect(runs.stderr).toMatch(/· 6 events · [\d.]+ B · 1 keepalive · 0 reconnects · last id evt_006/);
    // connect() delivers every event: the heartbeat is shown and counted once, as an event.
    const tailed = await run(['tail', runUrl(fast.server, 'run_envelope'), ...bearer, '--no-reconnect', '--json']);
    expect(tailed.code, tailed.stderr).toBe(0);
    expect(jsonLines(tailed.stdout).filter((event) => event.type === 'heartbeat')).toHaveLength(1);
    expect(tailed.stderr).toMatch(/· 7 events · [\d.]+ B · 0 keepalives · 0 reconnects · last id evt_006/);
  });

  it('--raw writes the body as the stream read it, multi-byte characters whole', async () => {
    const raw = await run(['tail', `${fast.server.url}/v1/executions/exec_xyz789/events`, '-H', 'x-api-key: test-key', '--no-reconnect', '--raw']);
    const json = await run(['tail', `${fast.server.url}/v1/executions/exec_xyz789/events`, '-H', 'x-api-key: test-key', '--no-reconnect', '--json']);
    expect(raw.code, raw.stderr).toBe(0);
    expect(raw.stdout).toContain(': keepalive\n');
    expect(raw.stdout).toContain('Résumé');
    // The summary's byte count is the length of what --raw printed.
    expect(raw.stderr).toContain(`· ${jsonLines(json.stdout).length} events · ${bytes(Buffer.byteLength(raw.stdout))} · 1 keepalive`);
  });

  it('a drop mid-event: one reconnect line with Last-Event-ID, no event lost or repeated', async () => {
    fast.server.dropNext('/v1/runs/run_abc123/events', { afterEvents: 3, midEvent: true });
    const { code, stdout, stderr } = await run(['runs', 'run_abc123', '--base-url', fast.server.url, '--api-key', 'test-key', '--json']);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/^↻ reconnect #1 in \d+ ms \(ConnectionError: .*\) · Last-Event-ID: evt_003$/m);
    expect(jsonLines(stdout).map((event) => event.id)).toEqual(Array.from({ length: 10 }, (_, index) => `evt_${String(index + 1).padStart(3, '0')}`));
    expect(fast.server.requests.filter((entry) => entry.path === '/v1/runs/run_abc123/events').at(-1)?.headers['last-event-id']).toBe('evt_003');
  });

  it('a gap on a platform without ids is shown (resync), not hidden', async () => {
    fast.server.dropNext('/v1/executions/exec_xyz789/events', { afterEvents: 4 });
    const view = await run(['executions', 'exec_xyz789', '--base-url', fast.server.url, '--api-key', 'test-key']);
    expect(view.code).toBe(0);
    expect(view.stdout).toContain('⟳ reconnected without Last-Event-ID (FlowMaestro sends no ids): events sent meanwhile may be lost');
    fast.server.dropNext('/v1/executions/exec_xyz789/events', { afterEvents: 4 });
    const json = await run(['executions', 'exec_xyz789', '--base-url', fast.server.url, '--api-key', 'test-key', '--json']);
    expect(jsonLines(json.stdout).filter((event) => event.type === 'resync')).toEqual([{ type: 'resync', id: '', data: { reason: 'reconnected', recovered: false } }]);
    expect(json.stderr).toContain('⟳ reconnected without Last-Event-ID');
  });

  it('Ctrl-C closes the stream, prints the command that resumes, exits 130; the command resumes', async () => {
    const watching = start(['runs', 'run_abc123', '--base-url', slow.server.url, '--api-key', 'test-key']);
    await watching.waitFor(/Tool: web_search/);
    watching.child.kill('SIGINT');
    const { code, stdout, stderr } = await watching.done;
    expect(code).toBe(130);
    expect(stdout).toContain('⏸ Interrupted');
    const hint = /Resume with:\n {2}(runstream runs run_abc123 .*--last-event-id (evt_\d{3}))$/m.exec(stderr);
    expect(hint, stderr).not.toBeNull();
    expect(hint![1]).toContain('--api-key "$RUNSTREAM_API_KEY"');
    expect(stderr + stdout).not.toContain('test-key');
    const resumed = await run(['runs', 'run_abc123', '--base-url', slow.server.url, '--api-key', 'test-key', '--last-event-id', hint![2]!, '--json'], { timeout: 20_000 });
    const next = Number(hint![2]!.slice(4)) + 1;
    expect(jsonLines(resumed.stdout)[0]?.id).toBe(`evt_${String(next).padStart(3, '0')}`);
  });

  it('Ctrl-C on the never-ending bus exits 130', async () => {
    const opened = () => slow.server.streams.filter((stream) => stream.path === '/api/events' && stream.state === 'open').length;
    const before = opened();
    const watching = start(['runner', 'tail', '--base-url', slow.server.url]);
    await until(() => opened() > before, 5_000, 'the tail subscribed');
    watching.child.kill('SIGINT');
    const { code, stderr } = await watching.done;
    expect(code).toBe(130);
    expect(stderr).toContain('Interrupted');
  });
});

describe('exit codes', () => {
  it('4: connection refused', async () => {
    const { code, stderr } = await run(['tail', `http://127.0.0.1:${await refusedPort()}/events`, '--no-reconnect']);
    expect(code).toBe(4);
    expect(stderr).toMatch(/ConnectionError/);
  });

  it('4: an HTTP error (401)', async () => {
    const { code, stderr } = await run(['tail', runUrl()]);
    expect(code).toBe(4);
    expect(stderr).toMatch(/HTTPError 401/);
  });

  it('5: a broken stream (not text/event-stream)', async () => {
    const { code, stderr } = await run(['tail', `${fast.server.url}/api/runs`]);
    expect(code).toBe(5);
    expect(stderr).toContain('StreamError [invalid-content-type]');
  });

  it('2: usage errors, each with a hint', async () => {
    const cases = [
      { args: ['nope'], message: 'unknown command "nope"' },
      { args: ['tial', 'http://x'], message: 'did you mean "runstream tail"?' },
      { args: ['tail', 'http://127.0.0.1:1/x', '--jsn'], message: 'did you mean --json?' },
      { args: ['tail'], message: 'missing <url>' },
      { args: ['tail', 'ftp://example.com/x'], message: 'only http: and https:' },
      { args: ['tail', 'http://127.0.0.1:1/x', '-H', 'no-colon'], message: "-H wants 'Name: value'" },
      { args: ['tail', 'http://127.0.0.1:1/x', '--max-events', 'ten'], message: '--max-events must be a whole number' },
      { args: ['runs'], message: 'missing <run_id>' },
      { args: ['jobs', 'run'], message: 'jobs run needs --prompt' },
      { args: ['runner', 'walk'], message: 'unknown subcommand "runner walk"' },
      { args: ['runs', 'x', '--json', '--raw'], message: '--json and --raw exclude each other' },
      { args: [], message: 'missing command' },
    ];
    for (const { args, message } of cases) {
      const { code, stdout, stderr } = await run(args);
      expect(code, `${args.join(' ')}: ${stderr}`).toBe(2);
      expect(stderr, args.join(' ')).toContain(message);
      expect(stdout).toBe('');
    }
  });

  it('--help for every command, with an example and the exit codes', async () => {
    const top = await run(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Exit codes:\n {2}0 /);
    for (const name of ['tail', 'runs', 'executions', 'jobs', 'skills', 'runner', 'serve', 'demo']) {
      for (const args of [[name, '--help'], ['help', name]]) {
        const { code, stdout } = await run(args);
        expect(code, args.join(' ')).toBe(0);
        expect(stdout).toContain(`Usage: runstream ${name}`);
        expect(stdout).toMatch(/Examples:\n {2}\S/);
        expect(stdout).toMatch(/Exit codes:\n {2}0 /);
        // serve stops on Ctrl-C as its normal end (exit 0); every other command reports 130.
        if (name !== 'serve') expect(stdout).toContain('130  interrupted with Ctrl-C');
      }
    }
  }, 60_000);
});
