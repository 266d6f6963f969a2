// The platform commands of the built bin against a reference server over real sockets: each
// view, each exit code, resync lines, and the key never printed (the server's key is a secret here).
import { describe, expect, it } from 'vitest';
import { Runstream } from '../../src/index.js';
import { jsonLines, run, start, until, useBuiltCli, useServer } from './support.js';

const SECRET = 'sk-live-0123456789abcdef';
useBuiltCli();
const setup = useServer({ apiKey: SECRET, eventDelay: 5 });
const base = () => ['--base-url', setup.server.url];
// A created job starts when its stream (the first request that names it) arrives, so `jobs run`
// sees every step however long the CLI takes between the two requests.
const jobsBase = base;
const auth = () => [...base(), '--api-key', SECRET];

describe('runs (Crewship)', () => {
  it('draws the tree of a completed run and exits 0', async () => {
    const { code, stdout, stderr } = await run(['runs', 'run_abc123', ...auth()]);
    expect(code, stderr).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('▶ Run started: run_abc123');
    expect(stdout).toContain('├─ [10:30:02] Researcher agent starting task');
    expect(stdout).toContain('├─ [10:30:05] Tool: web_search("AI agents 2024")');
    expect(stdout).toContain('├─ [10:30:45] Writer agent completed task');
    expect(stdout).toMatch(/├─ \[--:--:--\] Artifact: report\.md/);
    // Measured from the event timestamps, the server's duration_ms labelled as such.
    expect(stdout).toMatch(/✅ Run completed in ≥\d+\.\ds by event timestamps · server: 45\.2s/);
    expect(stderr).toMatch(/· 10 events · .* · last id evt_010/);
  });

  it('exits 1 for a failed run, with the error and the stack trace', async () => {
    const { code, stdout } = await run(['runs', 'run_failed', ...auth()]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/Tool error: web_search: Rate limit exceeded/);
    expect(stdout).toMatch(/❌ Run failed .*: /);
  });

  it('exits 1 for a server error event, with the typed error', async () => {
    const { code, stdout } = await run(['runs', 'run_error', ...auth()]);
    expect(code).toBe(1);
    expect(stdout).toContain('❌ Server error: Internal error: event store unavailable');
    expect(stdout).toContain('StreamError [server-error-event]');
  });

  it('exits 4 for an unknown run (404) and for a wrong key (401)', async () => {
    const missing = await run(['runs', 'run_nope', ...auth()]);
    expect(missing.code).toBe(4);
    expect(missing.stdout).toMatch(/✖ HTTPError 404/);
    const denied = await run(['runs', 'run_abc123', ...base(), '--api-key', 'wrong']);
    expect(denied.code).toBe(4);
    expect(denied.stdout).toMatch(/HTTPError 401/);
  });

  it('reads the base URL and key from RUNSTREAM_BASE_URL, then CREWSHIP_API_KEY', async () => {
    const { code } = await run(['runs', 'run_abc123', '--json'], { env: { RUNSTREAM_BASE_URL: setup.server.url, CREWSHIP_API_KEY: SECRET } });
    expect(code).toBe(0);
  });

  it('--json prints exactly the events the stream delivers, decoded', async () => {
    const { code, stdout } = await run(['runs', 'run_abc123', '--json', ...auth()]);
    expect(code).toBe(0);
    const client = new Runstream({ baseUrl: setup.server.url, apiKey: SECRET });
    const expected = [];
    for await (const event of client.runs.stream('run_abc123')) expected.push({ type: event.type, id: event.id, data: event.data });
    expect(jsonLines(stdout)).toEqual(expected);
    expect(expected.map((event) => event.id)).toEqual(Array.from({ length: 10 }, (_, index) => `evt_${String(index + 1).padStart(3, '0')}`));
  });
});

describe('executions (FlowMaestro)', () => {
  it('shows nodes starting and finishing and a progress bar (plain lines when piped)', async () => {
    const { code, stdout } = await run(['executions', 'exec_xyz789', ...auth()]);
    expect(code).toBe(0);
    expect(stdout).toContain('▶ Execution started: exec_xyz789');
    expect(stdout).toContain('├─ ● node_1 (ai_chat) started');
    expect(stdout).toMatch(/├─ ✓ node_1 \(ai_chat\) completed \(server: 1\.20s\)/);
    expect(stdout).toContain('[██████████░░░░░░░░░░]  50% node_2');
    expect(stdout).toContain('[████████████████████] 100% node_3');
    expect(stdout).toMatch(/✅ Execution completed in/);
  });

  it('exits 1 for a failed execution and 3 for a cancelled one', async () => {
    const failed = await run(['executions', 'exec_failed', ...auth()]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/✗ node_2 failed: HTTP 503/);
    const cancelled = await run(['executions', 'exec_cancelled', ...auth()]);
    expect(cancelled.code).toBe(3);
    expect(cancelled.stdout).toMatch(/⏹ Execution cancelled/);
  });
});

describe('jobs (PraisonAI)', () => {
  it('jobs run submits, streams with a progress bar and prints the result', async () => {
    const { code, stdout, stderr } = await run(['jobs', 'run', '--prompt', 'Analyze quarterly sales data', ...jobsBase()]);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^▶ Job submitted: run_[0-9a-f]{12} \(queued\)/);
    expect(stdout).toContain('[██████████░░░░░░░░░░]  50% Processing data');
    expect(stdout).toMatch(/✅ Job succeeded in \d+\.\d+s watched/);
    expect(stdout).toContain('Result:\nAnalysis complete for “Analyze quarterly sales data” (28 characters).');
  });

  it('jobs run exits 1 for a failing job and 3 for a cancelled one', async () => {
    const failed = await run(['jobs', 'run', '--prompt', 'this should fail', ...jobsBase()]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/❌ Job failed/);
    const cancelled = await run(['jobs', 'run', '--prompt', 'please cancel it', ...jobsBase()]);
    expect(cancelled.code).toBe(3);
    expect(cancelled.stdout).toMatch(/⏹ Job cancelled/);
  });

  it('jobs stream follows the server form, then shows the 400 of a finished job as a resync', async () => {
    const first = await run(['jobs', 'stream', 'run_named', ...base()]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('status: running');
    expect(first.stdout).toMatch(/Result:\nAnalysis complete/);
    const again = await run(['jobs', 'stream', 'run_named', ...base()]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('⟳ the stream answered 400 (job already finished): state from GET /api/v1/runs/run_named: status succeeded');
    const cancelled = await run(['jobs', 'stream', 'run_named_cancelled', ...base()]);
    expect(cancelled.code).toBe(3);
  });

  it('jobs run --json writes only events on stdout (the result on stderr)', async () => {
    const { code, stdout, stderr } = await run(['jobs', 'run', '--prompt', 'named json', '--json', ...jobsBase()]);
    expect(code).toBe(0);
    const events = jsonLines(stdout);
    expect(events.at(-1)?.type).toBe('result');
    expect(stderr).toMatch(/result: Analysis complete/);
  });
});

describe('skills (skills engine)', () => {
  it('shows the steps, then the outputs of done', async () => {
    const { code, stdout } = await run(['skills', 'my.skill', '--inputs', '{"text": "Hello world"}', ...auth()]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/▶ Starting skill 'my\.skill'\. \(trace id [0-9a-f-]{36}\)/);
    expect(stdout).toMatch(/├─ \[\d\d:\d\d:\d\d\] ✓ Step 'analyze' completed\./);
    expect(stdout).toMatch(/↷ Step 'translate' skipped/);
    expect(stdout).toMatch(/Outputs:\n\{\n {2}"result": "Analyzed 11 characters: “Hello world”",\n {2}"length": 11\n\}/);
  });

  it('a failing skill exits 1 with the typed error: serverCode, status and trace id', async () => {
    const { code, stdout } = await run(['skills', 'failing.skill', ...auth()]);
    expect(code).toBe(1);
    expect(stdout).toContain("❌ Skill failed: STEP_FAILED (status 500): Step 'fetch' failed");
    expect(stdout).toMatch(/serverCode STEP_FAILED · status 500 · trace id [0-9a-f-]{36}/);
  });

  it('--inputs must be a JSON object (usage, exit 2)', async () => {
    const { code, stderr } = await run(['skills', 'my.skill', '--inputs', '[1]', ...auth()]);
    expect(code).toBe(2);
    expect(stderr).toContain('--inputs must be a JSON object');
  });
});

describe('runner (stax)', () => {
  it('runner run starts and follows a run: jobs, steps, log lines, prefixed with the run id', async () => {
    const { code, stdout } = await run(['runner', 'run', '--workflow', 'build', ...base()]);
    expect(code).toBe(0);
    const id = /^([0-9a-f]{8}) ▶ run started: build$/m.exec(stdout)?.[1];
    expect(id).toBeDefined();
    expect(stdout).toContain(`${id} │  ● 1. Checkout`);
    expect(stdout).toContain(`${id} │  │ Workspace already available`);
    expect(stdout).toContain(`${id} │  └─ ✓ 3. Test`);
    expect(stdout).toMatch(new RegExp(`${id} ✅ run completed: success in \\d+\\.\\d+s`));
  });

  it('a failing workflow exits 1 and shows the step skipped after the failure', async () => {
    const { code, stdout } = await run(['runner', 'run', '--workflow', 'failing', ...base()]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/✗ 2\. Test \(failure\)/);
    expect(stdout).toMatch(/↷ 3\. Deploy \(skipped\)/);
    expect(stdout).toMatch(/❌ run failed: failure/);
  });

  it('runner follow shows the state so far as a resync, then the rest', async () => {
    const id = setup.server.staxStartRun({ id: 'follow-me', workflow: 'slow' });
    const { code, stdout } = await run(['runner', 'follow', id, ...base()], { timeout: 20_000 });
    expect(code).toBe(0);
    expect(stdout).toContain("follow-me ⟳ subscribed: the run's state so far from GET /api/runs/follow-me: status in_progress");
    expect(stdout).toMatch(/follow-me ✅ run completed: success/);
  });

  it('runner follow of an unknown run exits 4', async () => {
    expect((await run(['runner', 'follow', 'deadbeef', ...base()])).code).toBe(4);
  });

  it('runner tail tells several runs apart by their run id', async () => {
    const opened = () => setup.server.streams.filter((stream) => stream.path === '/api/events' && stream.state === 'open').length;
    const before = opened();
    const tail = start(['runner', 'tail', '--max-events', '32', ...base()]);
    await until(() => opened() > before, 5_000, 'the tail subscribed');
    setup.server.staxStartRun('run-a');
    setup.server.staxStartRun('run-b');
    const { code, stdout } = await tail.done;
    expect(code).toBe(0);
    expect(stdout).toContain('run-a ▶ run started: build');
    expect(stdout).toContain('run-b ▶ run started: build');
    expect(stdout).toMatch(/run-a ✅ run completed/);
    expect(stdout).toMatch(/run-b ✅ run completed/);
  });
});

describe('the key is never printed', () => {
  it('with --verbose, on any platform, on stdout or stderr', async () => {
    const results = await Promise.all([
      run(['runs', 'run_abc123', '--verbose', ...auth()]),
      run(['executions', 'exec_xyz789', '--verbose', ...auth()]),
      run(['skills', 'my.skill', '--verbose', ...auth()]),
      run(['tail', `${setup.server.url}/v1/runs/run_abc123/events?api_key=${SECRET}`, '-H', `Authorization: Bearer ${SECRET}`, '--verbose', '--no-reconnect']),
    ]);
    for (const { stdout, stderr } of results) expect(stdout + stderr).not.toContain(SECRET);
    const [runs, executions, , tail] = results;
    // The debug log's lines: `runstream #N ` then the request, its answer, the end.
    expect(runs!.stderr).toMatch(/^runstream #\d+ → GET http:\/\/127\.0\.0\.1:\d+\/v1\/runs\/run_abc123\/events · accept: text\/event-stream · authorization: \*\*\*$/m);
    expect(runs!.stderr).toMatch(/^runstream #\d+ ← 200 OK \(event stream\) · x-request-id req_\d+ · \d+ ms$/m);
    expect(runs!.stderr).toMatch(/^runstream #\d+ ■ ended completed$/m);
    expect(executions!.stderr).toContain('x-api-key: ***');
    expect(tail!.stderr).toContain('?api_key=***');
  });
});
