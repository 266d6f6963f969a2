// @ts-check
/**
 * The runtime matrix's shared integration suite: written once, run unchanged by Node 20/22/24,
 * Bun, Deno, a workerd Worker and Chromium. It imports the built package as `runstream` (each
 * runtime resolves that name its own way: node_modules, an import map, a workerd module name)
 * and uses only the public API and Web APIs (`fetch`, `AbortController`, timers).
 *
 * It talks to two servers of the orchestrator (run.mjs), both on 127.0.0.1: the reference server
 * (`runstream/testing`) and a small control server that exposes the reference server's
 * `dropNext()` and request/stream logs over HTTP, since the suite may run in another process.
 */
import { ConnectionError, HTTPError, Runstream, SDKError, StreamError, connect } from 'runstream';
import * as assert from './assert.js';
import { eventually, run, test } from './harness.js';

/** @typedef {import('./harness.js').SuiteReport} SuiteReport */
/** @typedef {{ method: string, path: string, headers: Record<string, string>, body: unknown, requestId: string }} RecordedRequest */
/** @typedef {{ method: string, path: string, lastEventId?: string, events: number, state: string }} StreamRecord */

const API_KEY = 'test-key';
const WRONG_KEY = 'sk-live-WRONG-5f4e3d2c1b0a';
/** Longest any one stream may run, in ms. */
const STREAM_BUDGET = 5_000;
const FAST_RECONNECT = { initialDelay: 10, maxAttempts: 3 };

const STORY = [
  'run.started',
  'log',
  'agent.started',
  'tool.called',
  'tool.result',
  'agent.completed',
  'agent.started',
  'agent.completed',
  'artifact',
  'run.completed',
];
const STORY_IDS = STORY.map((_, index) => `evt_${String(index + 1).padStart(3, '0')}`);
const STAX_RUN = [
  'run.started',
  'job.started',
  'step.started',
  'step.log',
  'step.completed',
  'step.started',
  'step.log',
  'step.log',
  'step.completed',
  'step.started',
  'step.log',
  'step.log',
  'step.log',
  'step.completed',
  'job.completed',
  'run.completed',
];

/** @type {string} */
let serverUrl = '';
/** @type {string} */
let controlUrl = '';
/** @type {Runstream} */
let client;

/** @type {Set<ReturnType<typeof setTimeout>>} */
const budgetTimers = new Set();
/**
 * A signal that ends a stream (quietly) if a test would otherwise wait too long. Not
 * `AbortSignal.timeout()`: Deno keeps a process alive while such a signal has listeners, and
 * `AbortSignal.any()` leaves one; these timers are cleared after each test.
 */
function budget(ms = STREAM_BUDGET) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(`budget of ${ms} ms exceeded`, 'TimeoutError')), ms);
  budgetTimers.add(timer);
  return controller.signal;
}

/**
 * Collects every item of a stream, failing once more than `max` arrive.
 * @template T @param {AsyncIterable<T>} iterable @returns {Promise<T[]>}
 */
async function collect(iterable, max = 100) {
  /** @type {T[]} */
  const out = [];
  for await (const item of iterable) {
    out.push(item);
    if (out.length > max) throw new Error(`collect(): more than ${max} items`);
  }
  return out;
}

/**
 * Collects items until the stream throws; fails when it ends without an error.
 * @template T @param {AsyncIterable<T>} iterable @returns {Promise<{ items: T[], error: unknown }>}
 */
async function collectUntilError(iterable, max = 100) {
  /** @type {T[]} */
  const items = [];
  try {
    for await (const item of iterable) {
      items.push(item);
      if (items.length > max) throw new Error(`collectUntilError(): more than ${max} items`);
    }
  } catch (error) {
    return { items, error };
  }
  throw new Error(`expected the stream to fail; it ended after ${items.length} items`);
}

/** @param {readonly { type: string }[]} events */
const typesOf = (events) => events.map((event) => event.type);
/** @param {readonly { id: string }[]} events */
const idsOf = (events) => events.map((event) => event.id);

/** The reference server's logs, through the control server. @returns {Promise<{ requests: RecordedRequest[], streams: StreamRecord[] }>} */
async function serverLog() {
  const response = await fetch(`${controlUrl}/log`);
  if (!response.ok) throw new Error(`control /log answered ${response.status}`);
  return response.json();
}

/**
 * Makes the next SSE response on `path` drop, as the reference server's `dropNext()`.
 * @param {string} path @param {{ afterEvents: number, midEvent?: boolean }} options
 */
async function dropNext(path, options) {
  const response = await fetch(`${controlUrl}/drop`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ path, ...options }),
  });
  if (response.status !== 204) throw new Error(`control /drop answered ${response.status}`);
}

/**
 * Plays `script` on `route`, as the reference server's `play()` (the latest play of a route first).
 * @param {string} route @param {unknown} script
 */
async function play(route, script) {
  const response = await fetch(`${controlUrl}/play`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ route, script }),
  });
  if (response.status !== 204) throw new Error(`control /play answered ${response.status}`);
}

/**
 * What the server logs from now on, optionally only paths starting with a prefix. CORS preflights
 * (`OPTIONS`, sent by browsers before a request with an `Authorization` header) are left out.
 */
async function watch() {
  const start = await serverLog();
  /** @param {string} path @param {string | undefined} prefix */
  const matches = (path, prefix) => prefix === undefined || path.startsWith(prefix);
  return {
    /** @param {string} [prefix] */
    async requests(prefix) {
      return (await serverLog()).requests
        .slice(start.requests.length)
        .filter((request) => request.method !== 'OPTIONS' && matches(request.path, prefix));
    },
    /** @param {string} [prefix] */
    async streams(prefix) {
      return (await serverLog()).streams.slice(start.streams.length).filter((stream) => matches(stream.path, prefix));
    },
  };
}

/** @param {Awaited<ReturnType<typeof watch>>} log */
async function serverSawClose(log) {
  await eventually(async () => assert.deepEqual((await log.streams()).map((stream) => stream.state), ['client-closed'], 'server-side stream states'));
}

// ── Each platform, end to end ───────────────────────────────────────────────────────────────

test('Crewship: streams run_abc123 as 10 named events with evt_ ids, ending after run.completed', async () => {
  const log = await watch();
  const events = await collect(client.runs.stream('run_abc123', { signal: budget() }));
  assert.deepEqual(typesOf(events), STORY, 'types');
  assert.deepEqual(idsOf(events), STORY_IDS, 'ids');
  const started = events[2];
  assert.ok(started?.type === 'agent.started', 'third event is agent.started');
  assert.equal(started.data.agent, 'Researcher', 'typed data');
  // Multi-byte text arrives intact.
  const result = events[4];
  assert.ok(result?.type === 'tool.result', 'fifth event is tool.result');
  assert.match(String(result.data.output), /“Agentic AI in 2024”, “Multi-agent systems: état de l’art”/, 'UTF-8 output');
  assert.deepEqual(JSON.parse(result.raw), result.data, 'raw is the data text');
  const requests = await log.requests('/v1/runs/run_abc123/events');
  assert.equal(requests.length, 1, 'one request');
  assert.equal(requests[0]?.headers.authorization, '***', 'Bearer auth sent');
  assert.equal(requests[0]?.headers.accept, 'text/event-stream', 'Accept');
});

test('Crewship: typed listeners see the same events and finished resolves', async () => {
  const stream = client.runs.stream('run_abc123', { signal: budget() });
  /** @type {string[]} */
  const agents = [];
  /** @type {number | undefined} */
  let duration;
  stream.addEventListener('agent.started', (event) => agents.push(event.data.agent));
  stream.addEventListener('run.completed', (event) => {
    duration = event.data.duration_ms;
  });
  await stream.finished;
  assert.deepEqual(agents, ['Researcher', 'Writer'], 'agents');
  assert.equal(duration, 45_200, 'duration_ms');
  assert.equal(stream.readyState, 'closed', 'readyState');
  assert.equal(stream.lastEventId, 'evt_010', 'lastEventId');
});

test('Crewship: reads the unnamed {type, data} envelope variant ending with a named complete', async () => {
  const events = await collect(client.runs.stream('run_envelope', { signal: budget() }));
  assert.deepEqual(typesOf(events), ['run.started', 'agent.started', 'tool.called', 'tool.result', 'agent.completed', 'complete'], 'types');
  assert.deepEqual(events[2]?.data, { tool: 'web_search', input: 'AI agents 2024', timestamp: '2024-01-15T12:00:02Z' }, 'inner data');
});

test('Crewship: delivers the events before an error event, then fails with StreamError server-error-event', async () => {
  const { items, error } = await collectUntilError(client.runs.stream('run_error', { signal: budget() }));
  assert.deepEqual(typesOf(items), ['run.started', 'log', 'agent.started', 'error'], 'types');
  assert.instanceOf(error, StreamError);
  assert.instanceOf(error, SDKError);
  assert.equal(error.code, 'server-error-event', 'code');
  assert.equal(error.lastEventId, 'evt_003', 'lastEventId');
});

test('FlowMaestro: streams exec_xyz789 with X-API-Key, camelCase data, progress and outputs', async () => {
  const log = await watch();
  const events = await collect(client.executions.stream('exec_xyz789', { signal: budget() }));
  assert.equal(events[0]?.type, 'connected', 'first event');
  const last = events.at(-1);
  assert.ok(last?.type === 'execution:completed', 'ends with execution:completed');
  assert.deepEqual(last.data.outputs, { summary: 'Résumé: 3 key points…', wordCount: 128 }, 'outputs');
  const progress = events.flatMap((event) => (event.type === 'execution:progress' ? [event.data.progress] : []));
  assert.deepEqual(progress, [25, 50, 75, 100], 'progress');
  const requests = await log.requests('/v1/executions/exec_xyz789/events');
  assert.equal(requests.length, 1, 'one request');
  assert.equal(requests[0]?.headers['x-api-key'], '***', 'X-API-Key sent');
  assert.equal(requests[0]?.headers.authorization, undefined, 'no Authorization');
});

test('PraisonAI: jobs.run() creates a job (POST), streams its progress and returns the result', async () => {
  /** @type {number[]} */
  const percentages = [];
  const result = await client.jobs.run(
    { prompt: 'Analyze quarterly sales data' },
    {
      onEvent: (event) => {
        if (event.type === 'progress') percentages.push(event.data.percentage);
      },
      signal: budget(),
    },
  );
  assert.equal(result, 'Analysis complete for “Analyze quarterly sales data” (28 characters).', 'result');
  assert.deepEqual(percentages, [0, 25, 50, 75, 100], 'progress');
});

test('skills (POST streaming): POSTs the inputs as JSON and streams engine events to done', async () => {
  const log = await watch();
  const events = await collect(client.skills.start('my.skill', { inputs: { text: 'naïve café ☕' } }, { signal: budget() }));
  assert.deepEqual(typesOf(events), ['skill_start', 'step_start', 'step_completed', 'step_start', 'step_skipped', 'skill_completed', 'done'], 'types');
  const done = events.at(-1);
  assert.ok(done?.type === 'done', 'ends with done');
  assert.equal(done.data.status, 'completed', 'status');
  assert.equal(done.data.outputs?.length, 12, 'outputs.length counts characters');
  assert.match(String(done.data.outputs?.result), /naïve café ☕/, 'outputs.result');
  const requests = await log.requests('/v1/skills/my.skill/execute/stream');
  assert.equal(requests.length, 1, 'one request');
  assert.equal(requests[0]?.method, 'POST', 'method');
  assert.deepEqual(requests[0]?.body, { inputs: { text: 'naïve café ☕' } }, 'body');
  assert.equal(requests[0]?.headers['content-type'], 'application/json', 'content-type');
});

test('stax: follows the bus, starts a run with POST /api/runs once subscribed, and filters by the id it answers', async () => {
  /** @type {Promise<Response> | undefined} */
  let started;
  // runner.events(), not follow(): the runner chooses the id, known only once POST answers.
  // It has put run.started on the bus before answering, so a subscriber that POSTs from onOpen
  // misses nothing.
  const stream = client.runner.events({
    signal: budget(),
    onOpen: () => {
      started ??= fetch(`${serverUrl}/api/runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ workflow: 'build' }),
      });
    },
  });
  /** @type {unknown[]} */
  const seen = [];
  /** @type {string[]} */
  const types = [];
  /** @type {string | undefined} */
  let runId;
  for await (const event of stream) {
    seen.push(event);
    if (seen.length > 200) break;
    if (runId === undefined) {
      assert.ok(started, 'onOpen was called');
      const response = await /** @type {Promise<Response>} */ (started);
      assert.equal(response.status, 201, 'POST /api/runs status');
      const run = /** @type {{ id?: unknown, workflow?: unknown, status?: unknown }} */ (await response.json());
      assert.match(String(run.id), /^[0-9a-f]{8}$/, 'the runner chose the id');
      assert.equal(run.workflow, 'build', 'workflow');
      assert.equal(run.status, 'in_progress', 'status');
      runId = String(run.id);
    }
    const data = /** @type {{ runId?: unknown }} */ (event.data);
    if (data?.runId !== runId) continue;
    types.push(event.type);
    if (event.type === 'run.completed') break;
  }
  assert.deepEqual(types, STAX_RUN, 'types');
});

test('connect(): a raw GET stream with json: true, closed by the caller after run.completed', async () => {
  const stream = connect(`${serverUrl}/v1/runs/run_abc123/events`, {
    headers: { authorization: `Bearer ${API_KEY}` },
    json: true,
    signal: budget(),
  });
  /** @type {string[]} */
  const types = [];
  for await (const event of stream) {
    types.push(event.type);
    if (event.type === 'run.completed') {
      // Without a type argument connect() types data as text; json: true decodes it at run time.
      const data = /** @type {{ run_id?: string }} */ (/** @type {unknown} */ (event.data));
      assert.equal(data.run_id, 'run_abc123', 'decoded data');
      break;
    }
    if (types.length > 20) break;
  }
  assert.deepEqual(types, STORY, 'types');
  assert.equal(stream.readyState, 'closed', 'readyState after break');
});

// ── Reconnection with Last-Event-ID ─────────────────────────────────────────────────────────

test('reconnect: resumes a run dropped inside a multi-byte character with Last-Event-ID, losing and repeating nothing', async () => {
  const path = '/v1/runs/run_abc123/events';
  const log = await watch();
  /** @type {import('runstream').ReconnectInfo[]} */
  const reconnects = [];
  await dropNext(path, { afterEvents: 4, midEvent: true });
  const events = await collect(client.runs.stream('run_abc123', { signal: budget(), onReconnect: (info) => reconnects.push(info) }));
  assert.deepEqual(idsOf(events), STORY_IDS, 'ids');
  assert.deepEqual(
    (await log.requests(path)).map((request) => request.headers['last-event-id'] ?? null),
    [null, 'evt_004'],
    'Last-Event-ID per request',
  );
  assert.deepEqual((await log.streams(path)).map(({ state, events: written }) => [state, written]), [['dropped', 4], ['ended', 6]], 'streams');
  assert.equal(reconnects.length, 1, 'one reconnect');
  assert.equal(reconnects[0]?.attempt, 1, 'attempt');
  assert.equal(reconnects[0]?.lastEventId, 'evt_004', 'lastEventId');
  assert.instanceOf(reconnects[0]?.cause, ConnectionError, 'cause');
});

test('reconnect: resumes the PraisonAI server form cut between CR and LF, with Last-Event-ID', async () => {
  // A played script, not a live job: a job runs on its own clock, so whether it still runs when
  // the reconnect lands (resumed) or has finished (400, settled by a resync) would depend on the
  // machine's speed. The script answers the reconnect with the rest, whenever it comes.
  const jobId = `run_cut_${Math.random().toString(36).slice(2, 10)}`;
  const path = `/api/v1/runs/${jobId}/stream`;
  const events7 = [
    { id: '1', event: 'status', data: { job_id: jobId, status: 'running' } },
    ...[0, 25, 50, 75, 100].map((percentage, index) => ({ id: String(index + 2), event: 'progress', data: { percentage, step: `step ${index}` } })),
    { id: '7', event: 'result', data: { job_id: jobId, status: 'succeeded', result: 'done' } },
  ];
  const wire = { eol: '\r\n', idFirst: true, headers: { 'content-type': 'text/event-stream; charset=utf-8' } };
  await play(`GET ${path}`, {
    connections: [
      // The pause lets the client read what came before the cut: Bun and undici drop the body
      // they buffered when the socket closes before it is read (a fetch read 50 ms after the
      // cut gets none of it), so without it the resume would depend on which comes first.
      { ...wire, steps: [...events7.slice(0, 3), { event: 'heartbeat', data: {} }, { comment: 'ping' }, { wait: 250 }, { cut: 'between-cr-lf' }, events7[3]] },
      { ...wire, expectLastEventId: '3', resume: true, steps: events7 },
    ],
  });
  const log = await watch();
  const events = await collect(client.jobs.stream(jobId, { signal: budget() }));
  assert.deepEqual(typesOf(events), ['status', 'progress', 'progress', 'progress', 'progress', 'progress', 'result'], 'types');
  assert.deepEqual(idsOf(events), ['1', '2', '3', '4', '5', '6', '7'], 'ids');
  assert.deepEqual((await log.requests(path)).map((request) => request.headers['last-event-id'] ?? null), [null, '3'], 'Last-Event-ID');
});

test('reconnect: never re-sends a POST stream; a dropped skills execution fails with its lastEventId', async () => {
  const path = '/v1/skills/my.skill/execute/stream';
  const log = await watch();
  await dropNext(path, { afterEvents: 2, midEvent: true });
  const { items, error } = await collectUntilError(client.skills.start('my.skill', { inputs: { text: 'naïve café' } }, { signal: budget() }));
  assert.deepEqual(typesOf(items), ['skill_start', 'step_start'], 'types');
  assert.ok(error instanceof ConnectionError || error instanceof StreamError, `ConnectionError or StreamError, got ${String(error)}`);
  assert.equal(error.lastEventId, '', 'lastEventId');
  assert.equal((await log.requests(path)).length, 1, 'one request');
});

// ── Abort ───────────────────────────────────────────────────────────────────────────────────

test('abort: an AbortSignal aborted mid-stream ends the loop quietly and the server sees the socket close', async () => {
  const log = await watch();
  const controller = new AbortController();
  const stream = client.runs.stream('run_abc123', { signal: AbortSignal.any([controller.signal, budget()]) });
  /** @type {string[]} */
  const seen = [];
  // No try/catch: an abort must not throw out of the loop.
  for await (const event of stream) {
    seen.push(event.type);
    if (seen.length === 2) controller.abort();
    if (seen.length > 10) break;
  }
  assert.deepEqual(seen, ['run.started', 'log'], 'events before the abort');
  assert.equal(stream.readyState, 'closed', 'readyState');
  await stream.finished;
  await serverSawClose(log);
  assert.equal((await log.requests()).length, 1, 'no reconnect');
});

test('abort: leaving the loop with break closes the connection', async () => {
  const log = await watch();
  const stream = client.runs.stream('run_abc123', { signal: budget() });
  let count = 0;
  for await (const event of stream) {
    count++;
    if (event.type === 'agent.started' || count > 20) break;
  }
  assert.equal(count, 3, 'events read');
  await serverSawClose(log);
});

test('abort: a POST stream ends quietly on abort, without being sent again', async () => {
  const log = await watch();
  const controller = new AbortController();
  /** @type {string[]} */
  const seen = [];
  const signal = AbortSignal.any([controller.signal, budget()]);
  for await (const event of client.skills.start('my.skill', { inputs: { text: 'stop me' } }, { signal })) {
    seen.push(event.type);
    if (seen.length === 1) controller.abort();
    if (seen.length > 10) break;
  }
  assert.deepEqual(seen, ['skill_start'], 'events before the abort');
  await serverSawClose(log);
  assert.equal((await log.requests()).length, 1, 'one request');
});

// ── HTTP errors ─────────────────────────────────────────────────────────────────────────────

test('errors: a wrong key fails with HTTPError 401 that does not contain the key; 404 carries the parsed body', async () => {
  const wrong = new Runstream({ baseUrl: serverUrl, apiKey: WRONG_KEY, reconnect: FAST_RECONNECT, dangerouslyAllowBrowser: true });
  const unauthorized = await assert.rejects(collect(wrong.runs.stream('run_abc123', { signal: budget() })));
  assert.instanceOf(unauthorized, HTTPError);
  assert.equal(unauthorized.status, 401, 'status');
  assert.equal(unauthorized.url, `${serverUrl}/v1/runs/run_abc123/events`, 'url');
  assert.match(unauthorized.requestId ?? '', /^req_\d+$/, 'requestId from X-Request-ID (a CORS-exposed header)');
  for (const text of [String(unauthorized), unauthorized.message, JSON.stringify(unauthorized), unauthorized.stack ?? '']) {
    assert.ok(!text.includes(WRONG_KEY), 'the key is not in the error');
  }
  const missing = await assert.rejects(collect(client.runs.stream('run_missing', { signal: budget() })));
  assert.instanceOf(missing, HTTPError);
  assert.equal(missing.status, 404, 'status');
  assert.deepEqual(/** @type {any} */ (missing.body)?.error?.code, 'not_found', 'parsed body');
});

test('secrets: an apiKey needs dangerouslyAllowBrowser in a browser page, and nowhere else', async () => {
  const inPage = typeof globalThis.window === 'object' && typeof globalThis.window?.document === 'object';
  /** @type {unknown} */
  let thrown;
  try {
    new Runstream({ baseUrl: serverUrl, apiKey: API_KEY });
  } catch (error) {
    thrown = error;
  }
  if (inPage) {
    assert.instanceOf(thrown, TypeError);
    assert.match(/** @type {Error} */ (thrown).message, /dangerouslyAllowBrowser/, 'names the opt-in');
    assert.ok(!/** @type {Error} */ (thrown).message.includes(API_KEY), 'the key is not in the message');
  } else {
    assert.equal(thrown, undefined, 'no opt-in needed outside a page');
  }
  // Without a key there is nothing to leak, in a page too.
  new Runstream({ baseUrl: serverUrl });
});

/**
 * Runs the suite against a reference server and its control server.
 * @param {{ server: string, control: string, timeout?: number, filter?: string, onResult?: (result: import('./harness.js').TestResult) => void }} options
 * @returns {Promise<SuiteReport>}
 */
export async function runSuite({ server, control, timeout, filter, onResult }) {
  serverUrl = server.replace(/\/$/, '');
  controlUrl = control.replace(/\/$/, '');
  // The suite also runs in a Chromium page, where a key needs the opt-in; the test key is public.
  client = new Runstream({ baseUrl: serverUrl, apiKey: API_KEY, reconnect: FAST_RECONNECT, dangerouslyAllowBrowser: true });
  return run({
    timeout,
    filter,
    onResult,
    afterEach: () => {
      for (const timer of budgetTimers) clearTimeout(timer);
      budgetTimers.clear();
    },
  });
}
