import { spawn } from 'node:child_process';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startReferenceServer } from '../../src/testing/index.js';
import { API_KEY, watch, useReferenceServer } from './support.js';

const ref = useReferenceServer();

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body bytes received (chunked encoding removed). */
  body: Buffer;
  /** Set when the connection ended before the response did. */
  error: Error | undefined;
}

/** One request over a fresh connection with node:http, reading the whole body (bounded in time). */
function raw(url: string, init: { method?: string | undefined; headers?: Record<string, string> | undefined; body?: string | undefined } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: init.method ?? 'GET', headers: init.headers, agent: false, timeout: 5_000 }, (res) => {
      const chunks: Buffer[] = [];
      let settled = false;
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), error });
      };
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => finish());
      res.on('error', (error) => finish(error));
      res.on('aborted', () => finish(new Error('aborted')));
      res.on('close', () => finish(res.complete ? undefined : new Error('closed before the end')));
    });
    req.on('timeout', () => req.destroy(new Error('raw(): timed out')));
    req.on('error', reject);
    req.end(init.body);
  });
}

function json(response: RawResponse): unknown {
  return JSON.parse(response.body.toString('utf8'));
}

/**
 * How long a child process may take before it counts as hung, in ms: a guard, not a measure. On
 * a loaded machine tsx alone can take seconds to start; a process kept alive by a forgotten timer
 * or socket never exits (the fixture's timers are minutes long), so a generous bound tells the
 * two apart without depending on the machine's speed.
 */
const CHILD_BUDGET = 60_000;

/** Runs `node --import tsx <args>` and resolves with its exit code and output (bounded in time). */
function runNode(args: string[], onStdout?: (text: string, kill: (signal: NodeJS.Signals) => void) => void) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: fileURLToPath(new URL('../..', import.meta.url)) });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`node ${args.join(' ')} did not exit within ${CHILD_BUDGET / 1000} s; stdout: ${stdout}; stderr: ${stderr}`));
    }, CHILD_BUDGET);
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      onStdout?.(stdout, (signal) => child.kill(signal));
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Orders what the test observes: each bus event read and each response received takes the next number. */
let tick = 0;

/** A POST over a fresh connection: `answeredAt` is the tick at which the response headers arrived. */
function post(url: string, body: unknown): Promise<{ status: number; body: unknown; answeredAt: number }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json' }, agent: false, timeout: 5_000 }, (res) => {
      const answeredAt = ++tick;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : undefined, answeredAt });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('post(): timed out')));
    req.on('error', reject);
    req.end(typeof body === 'string' ? body : JSON.stringify(body));
  });
}

async function getJson<T = unknown>(url: string): Promise<{ status: number; body: T }> {
  const response = await raw(url);
  return { status: response.status, body: json(response) as T };
}

interface StepBody {
  name: string;
  number: number;
  status: string;
  conclusion?: string;
  logs: string[];
  startedAt: string | null;
  completedAt: string | null;
}
interface JobBody {
  id: string;
  name: string;
  status: string;
  conclusion?: string;
  steps: StepBody[];
  startedAt: string | null;
  completedAt: string | null;
}
interface RunBody {
  id: string;
  workflow: string;
  status: string;
  conclusion?: string;
  inputs: Record<string, unknown>;
  sandbox: { strategy: string; ref?: string } | null;
  jobs: JobBody[];
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
}
/** What a stax bus event carries (the union of its payloads). */
interface BusData {
  runId?: string;
  jobId?: string;
  stepNumber?: number;
  line?: string;
  run?: Partial<RunBody>;
  job?: JobBody;
  step?: StepBody;
}

interface BusEvent {
  event: string;
  data: BusData;
  /** The tick at which the block was read. */
  at: number;
}

/** A raw subscriber of the stax bus (node:http, one connection), parsing blocks as they arrive. */
interface Bus {
  readonly events: BusEvent[];
  /** Resolves when the response ends or its connection drops, with the error if it dropped. */
  readonly ended: Promise<Error | undefined>;
  /** Waits (bounded) for the first event so far or to come that matches. */
  next(match: (event: BusEvent) => boolean): Promise<BusEvent>;
  /** The events of one run. */
  of(runId: string): BusEvent[];
  close(): void;
}

function subscribe(url: string): Bus {
  const events: BusEvent[] = [];
  const waiters = new Set<() => void>();
  let buffer = '';
  let req: ReturnType<typeof httpRequest> | undefined;
  const ended = new Promise<Error | undefined>((resolve) => {
    req = httpRequest(`${url}/api/events`, { agent: false }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (text: string) => {
        buffer += text;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event !== undefined && data !== undefined) events.push({ event, data: JSON.parse(data) as BusData, at: ++tick });
        }
        for (const wake of [...waiters]) wake();
      });
      res.on('close', () => resolve(res.complete ? undefined : new Error('closed before the end')));
    });
    req.on('error', (error) => resolve(error));
    req.end();
  });
  return {
    events,
    ended,
    of: (runId) => events.filter((event) => event.data.runId === runId),
    next(match) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(match);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no such bus event within 5 s; got ${events.map((event) => event.event).join(', ')}`));
        }, 5_000);
        waiters.add(check);
        check();
      });
    },
    close: () => req?.destroy(),
  };
}

/** The 16 events of a `build` run. */
const BUILD = [
  'run.started',
  'job.started',
  ...['step.started', 'step.log', 'step.completed'],
  ...['step.started', 'step.log', 'step.log', 'step.completed'],
  ...['step.started', 'step.log', 'step.log', 'step.log', 'step.completed'],
  'job.completed',
  'run.completed',
];
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, x-api-key, last-event-id, content-type, idempotency-key, accept, traceparent, tracestate, a2a-version, mcp-protocol-version, mcp-session-id, mcp-method, mcp-name',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-expose-headers': 'x-request-id, retry-after, mcp-session-id',
};

describe('reference server', () => {
  it('listens on 127.0.0.1 on a random port by default', () => {
    expect(ref.server.url).toBe(`http://127.0.0.1:${ref.server.port}`);
    expect(ref.server.port).toBeGreaterThan(0);
  });

  it('answers a CORS preflight with 204 and the CORS headers', async () => {
    const response = await raw(`${ref.server.url}/v1/runs/run_abc123/events`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization, last-event-id' },
    });
    expect(response.status).toBe(204);
    expect(response.headers).toMatchObject(CORS);
    expect(response.headers['x-request-id']).toMatch(/^req_\d+$/);
    expect(response.body).toHaveLength(0);
  });

  it('sends SSE headers, CORS headers and a request id on a stream', async () => {
    const response = await raw(`${ref.server.url}/v1/runs/run_abc123/events`, { headers: { authorization: `Bearer ${API_KEY}` } });
    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject({ ...CORS, 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    expect(response.headers['x-request-id']).toMatch(/^req_\d+$/);
    expect(response.body.toString('utf8')).toMatch(/^event: run\.started\ndata: \{.*\}\nid: evt_001\n\n/);
  });

  it.each([
    ['GET', '/v1/runs/run_abc123/events', {}, 401, { error: { code: 'unauthorized' } }],
    ['GET', '/v1/runs/run_abc123/events', { authorization: 'Bearer nope' }, 401, { error: { code: 'unauthorized' } }],
    ['GET', '/v1/runs/run_nope/events', { authorization: `Bearer ${API_KEY}` }, 404, { error: { code: 'not_found' } }],
    ['GET', '/api/v1/executions/exec_xyz789/events', {}, 401, { error: { code: 'UNAUTHORIZED' } }],
    ['GET', '/v1/executions/exec_nope/events', { 'x-api-key': API_KEY }, 404, { error: { code: 'NOT_FOUND' } }],
    ['POST', '/v1/skills/my.skill/execute/stream', {}, 401, { error: { code: 'UNAUTHORIZED' } }],
    ['POST', '/v1/skills/nope/execute', { 'x-api-key': API_KEY }, 404, { error: { code: 'SKILL_NOT_FOUND' } }],
    ['POST', '/v1/skills/my.skill/execute', { 'x-api-key': API_KEY }, 400, { error: { code: 'INVALID_REQUEST' } }],
    ['POST', '/api/v1/runs', {}, 400, { detail: 'prompt is required' }],
    ['GET', '/api/v1/runs/run_nope', {}, 404, { detail: 'Job not found' }],
    ['GET', '/api/v1/runs/run_nope/stream', {}, 404, { detail: 'Job not found' }],
    ['GET', '/nowhere', {}, 404, { error: { code: 'not_found' } }],
    ['POST', '/api/events', {}, 405, { error: { code: 'method_not_allowed' } }],
    ['POST', '/api/runs', {}, 400, { error: 'workflow is required (one of build, failing, quick, slow)' }],
    ['GET', '/api/runs/nope', {}, 404, { error: 'Run not found' }],
    ['POST', '/api/runs/nope/cancel', {}, 404, { error: 'Run not found' }],
    ['GET', '/api/runs/nope/cancel', {}, 405, { error: { code: 'method_not_allowed' } }],
  ] as const)('%s %s %o → %i JSON', async (method, path, headers, status, body) => {
    const response = await raw(`${ref.server.url}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body: method === 'POST' ? '{}' : undefined });
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers).toMatchObject(CORS);
    expect(response.headers['x-request-id']).toMatch(/^req_\d+$/);
    expect(json(response)).toMatchObject(body);
  });

  it('replays a run after Last-Event-ID, and answers 204 when nothing is left', async () => {
    const headers = { authorization: `Bearer ${API_KEY}` };
    const rest = await raw(`${ref.server.url}/v1/runs/run_abc123/events`, { headers: { ...headers, 'last-event-id': 'evt_008' } });
    expect(rest.body.toString('utf8').match(/^id: .*$/gm)).toEqual(['id: evt_009', 'id: evt_010']);
    const filtered = await raw(`${ref.server.url}/v1/runs/run_abc123/events?types=artifact`, { headers: { ...headers, 'last-event-id': 'evt_009' } });
    expect(filtered.status).toBe(204);
    const done = await raw(`${ref.server.url}/v1/runs/run_abc123/events`, { headers: { ...headers, 'last-event-id': 'evt_010' } });
    expect(done.status).toBe(204);
    expect(done.headers['x-request-id']).toMatch(/^req_\d+$/);
  });

  it('refuses a request body over 1 MiB with 413', async () => {
    const body = JSON.stringify({ prompt: 'x'.repeat(1024 * 1024) });
    const response = await raw(`${ref.server.url}/api/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(413);
    expect(json(response)).toMatchObject({ error: { code: 'payload_too_large' } });
  });

  it('answers POST /api/v1/runs with 202, Location and Retry-After', async () => {
    const response = await raw(`${ref.server.url}/api/v1/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'hello' }),
    });
    expect(response.status).toBe(202);
    const job = json(response) as { job_id: string };
    expect(job).toMatchObject({ status: 'queued', created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) });
    expect(response.headers.location).toBe(`/api/v1/runs/${job.job_id}`);
    expect(response.headers['retry-after']).toBe('2');
  });

  it('logs requests with lower-case headers, secrets redacted, and parsed JSON bodies', async () => {
    const log = watch(ref.server);
    await raw(`${ref.server.url}/v1/skills/my.skill/execute`, {
      method: 'POST',
      headers: { Authorization: 'Bearer secret-1', 'X-API-Key': 'secret-2', 'X-Trace': 'kept', 'Content-Type': 'application/json' },
      body: JSON.stringify({ inputs: { text: 'hi' } }),
    });
    await raw(`${ref.server.url}/api/v1/runs?x=1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });

    const [first, second] = log.requests();
    expect(first).toMatchObject({
      method: 'POST',
      path: '/v1/skills/my.skill/execute',
      headers: { authorization: '***', 'x-api-key': '***', 'x-trace': 'kept', 'content-type': 'application/json' },
      body: { inputs: { text: 'hi' } },
      requestId: expect.stringMatching(/^req_\d+$/),
    });
    expect(second).toMatchObject({ path: '/api/v1/runs?x=1', body: undefined });
    expect(JSON.stringify(ref.server.requests)).not.toMatch(/secret-1|secret-2/);
  });

  it('cuts a CRLF stream between the CR and the LF that end an event, then drops the connection', async () => {
    const create = await raw(`${ref.server.url}/api/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"prompt":"named"}' });
    const { job_id: jobId } = json(create) as { job_id: string };
    const log = watch(ref.server);
    ref.server.dropNext(`/api/v1/runs/${jobId}/stream`, { afterEvents: 3, midEvent: true });

    const response = await raw(`${ref.server.url}/api/v1/runs/${jobId}/stream`);

    expect(response.error).toBeDefined();
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const text = response.body.toString('utf8');
    expect(text.startsWith('id: 1\r\nevent: status\r\ndata: {')).toBe(true);
    expect(text).toContain('event: heartbeat\r\ndata: {}\r\n\r\n: ping - ');
    expect(text).toMatch(/id: 4\r\nevent: progress\r\ndata: \{[^\r\n]*\}\r$/);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/\n/);
    expect(log.streams()).toMatchObject([{ state: 'dropped', events: 3, lastEventId: undefined }]);
  });

  it('cuts an LF stream inside a multi-byte character, then drops the connection', async () => {
    ref.server.dropNext('/v1/runs/run_abc123/events', { afterEvents: 4, midEvent: true });
    const response = await raw(`${ref.server.url}/v1/runs/run_abc123/events`, { headers: { authorization: `Bearer ${API_KEY}` } });

    expect(response.error).toBeDefined();
    const fatal = new TextDecoder('utf-8', { fatal: true });
    expect(() => fatal.decode(response.body)).toThrow(TypeError);
    const text = new TextDecoder().decode(response.body);
    expect(text.split('\n\n').filter((block) => block.includes('id: evt_'))).toHaveLength(4);
    expect(text).toMatch(/event: tool\.result\ndata: \{"tool":"web_search"[^\n]*$/);
  });

  it('drops between events without midEvent, and queues faults one per response', async () => {
    ref.server.dropNext(/\/run_failed\/events$/, { afterEvents: 1 });
    ref.server.dropNext(/\/run_failed\/events$/, { afterEvents: 2 });
    const headers = { authorization: `Bearer ${API_KEY}` };
    const first = await raw(`${ref.server.url}/v1/runs/run_failed/events`, { headers });
    const second = await raw(`${ref.server.url}/v1/runs/run_failed/events`, { headers });
    const third = await raw(`${ref.server.url}/v1/runs/run_failed/events`, { headers });

    expect(first.body.toString('utf8').match(/^id: /gm)).toHaveLength(1);
    expect(first.body.toString('utf8').endsWith('\n\n')).toBe(true);
    expect(first.error).toBeDefined();
    expect(second.body.toString('utf8').match(/^id: /gm)).toHaveLength(2);
    expect(third.error).toBeUndefined();
    expect(third.body.toString('utf8').match(/^id: /gm)).toHaveLength(6);
    expect(() => ref.server.dropNext('/x', { afterEvents: -1 })).toThrow(RangeError);
  });

  it('rejects a host that is not loopback and negative durations', async () => {
    await expect(startReferenceServer({ host: '0.0.0.0' })).rejects.toThrow(TypeError);
    await expect(startReferenceServer({ eventDelay: -1 })).rejects.toThrow(RangeError);
  });

  it('keeps each instance independent', async () => {
    const other = await startReferenceServer({ apiKey: 'other-key' });
    try {
      const created = await raw(`${other.url}/api/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"prompt":"p"}' });
      const { job_id: jobId } = json(created) as { job_id: string };
      expect((await raw(`${ref.server.url}/api/v1/runs/${jobId}`)).status).toBe(404);
      expect((await raw(`${other.url}/api/v1/runs/${jobId}`)).status).toBe(200);
      expect((await raw(`${other.url}/v1/runs/run_abc123/events`, { headers: { authorization: `Bearer ${API_KEY}` } })).status).toBe(401);
      expect(other.requests).toHaveLength(3);
      other.staxStartRun('same-id');
      expect(() => other.staxStartRun('same-id')).toThrow(/already running/);
      expect(ref.server.staxStartRun('same-id')).toBe('same-id');
    } finally {
      await other.close();
    }
  });

  it('close() resolves while a stream is open, ends it, and stops listening', async () => {
    const other = await startReferenceServer({ keepaliveInterval: 5 });
    const streaming = raw(`${other.url}/api/events`);
    await expect.poll(() => other.streams.map((stream) => stream.state), { timeout: 2_000, interval: 5 }).toEqual(['open']);

    // Resolves at all: a close() that waited for the never-ending stream would hang (the test's timeout).
    await other.close();
    expect(other.streams[0]!.state).toBe('server-closed');
    const response = await streaming;
    expect(response.body.toString('utf8')).toMatch(/^event: ping\ndata: \{\}\n\n/);
    await expect(raw(`${other.url}/api/events`)).rejects.toThrow(/ECONNREFUSED/);
    expect(other.close()).toBe(other.close());
  });

  it('leaves nothing behind after close(): a process that used it exits on its own', async () => {
    const result = await runNode(['test/integration/fixtures/close-and-exit.ts']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe('closed server-closed,server-closed,server-closed');
  }, CHILD_BUDGET + 10_000);

  it('runs from runstream serve until SIGTERM, printing its URL first', async () => {
    let url = '';
    let fetched: Promise<RawResponse> | undefined;
    const result = await runNode(['src/cli/index.ts', 'serve', '--port', '0', '--event-delay', '1'], (stdout, kill) => {
      const line = stdout.split('\n')[0];
      if (url || !line || !stdout.includes('\n')) return;
      url = line;
      fetched = raw(`${url}/v1/runs/run_abc123/events`, { headers: { authorization: 'Bearer test-key' } });
      fetched.finally(() => kill('SIGTERM')).catch(() => {});
    });
    const response = await fetched!;
    expect(response.status).toBe(200);
    expect(response.body.toString('utf8')).toContain('event: run.completed');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(result.signal).toBeNull();
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('runstream reference server on');
  }, CHILD_BUDGET + 10_000);
});

describe('reference server: stax runner', () => {
  /** Subscribers opened by a test, closed after it whatever happens. */
  const buses: Bus[] = [];
  afterEach(() => {
    for (const bus of buses.splice(0)) bus.close();
  });
  async function openBus(count = 1): Promise<Bus[]> {
    const log = watch(ref.server);
    const opened = Array.from({ length: count }, () => subscribe(ref.server.url));
    buses.push(...opened);
    await log.opened('/api/events', count);
    return opened;
  }
  const completedRun = (runId: string) => (event: BusEvent) => event.event === 'run.completed' && event.data.runId === runId;
  const runUrl = (runId: string) => `${ref.server.url}/api/runs/${runId}`;

  it('POST /api/runs answers 201 with the run, whose id the runner chose, after run.started reached every subscriber', async () => {
    const [first, second] = await openBus(2);
    const answer = await post(`${ref.server.url}/api/runs`, { workflow: 'build', runId: 'chosen-by-the-client' });

    expect(answer.status).toBe(201);
    const run = answer.body as RunBody;
    expect(run).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}$/),
      workflow: 'build',
      status: 'in_progress',
      inputs: {},
      sandbox: null,
      jobs: [],
      createdAt: expect.stringMatching(ISO),
      startedAt: expect.stringMatching(ISO),
      completedAt: null,
    });
    for (const bus of [first!, second!]) {
      // Read before the response headers arrived: the runner wrote run.started first.
      const started = bus.of(run.id).find((event) => event.event === 'run.started');
      expect(started, 'run.started read before the answer').toBeDefined();
      expect(started!.at).toBeLessThan(answer.answeredAt);
      expect(started!.data.run).toEqual(run);
    }
    await first!.next(completedRun(run.id));
    expect(first!.of(run.id).map((event) => event.event)).toEqual(BUILD);
    const logs = first!.of(run.id).flatMap((event) => (event.event === 'step.log' ? [event.data.line] : []));
    expect(logs).toEqual(['Workspace already available\n', '$ npm ci\n', 'added 312 packages in 4s\n', '$ npm test\n', '✓ 42 tests passed (1.2 s)\n', 'Done — no failures\n']);
    // As the runner's documented sample shows, run.completed's run has no id: runId names it.
    const completed = first!.of(run.id).at(-1)!;
    expect(completed.data.run).not.toHaveProperty('id');
    expect(completed.data.run).toMatchObject({ workflow: 'build', status: 'completed', conclusion: 'success', completedAt: expect.stringMatching(ISO) });
  });

  it('echoes inputs and sandbox; answers 400 {"error"} for a missing or unknown workflow, a bad sandbox or inputs', async () => {
    const good = await post(`${ref.server.url}/api/runs`, { workflow: 'quick', inputs: { target: 'prod' }, sandbox: { strategy: 'worktree', ref: 'main' } });
    expect(good.status).toBe(201);
    expect(good.body).toMatchObject({ workflow: 'quick', inputs: { target: 'prod' }, sandbox: { strategy: 'worktree', ref: 'main' } });
    for (const strategy of ['copy', 'none']) {
      expect((await post(`${ref.server.url}/api/runs`, { workflow: 'quick', sandbox: { strategy } })).body).toMatchObject({ sandbox: { strategy } });
    }

    const bad: [unknown, RegExp][] = [
      [{}, /workflow is required/],
      [{ runId: 'abc' }, /workflow is required/],
      [{ workflow: 'deploy' }, /Unknown workflow "deploy"; known: build, failing, quick, slow/],
      [{ workflow: 42 }, /Unknown workflow 42/],
      [{ workflow: 'build', sandbox: { strategy: 'docker' } }, /Invalid sandbox strategy "docker"/],
      [{ workflow: 'build', sandbox: {} }, /Invalid sandbox strategy/],
      [{ workflow: 'build', sandbox: 'worktree' }, /sandbox must be an object/],
      [{ workflow: 'build', sandbox: { strategy: 'copy', ref: 7 } }, /sandbox\.ref must be a string/],
      [{ workflow: 'build', inputs: [1] }, /inputs must be an object/],
      ['{not json', /must be a JSON object/],
      [[{ workflow: 'build' }], /must be a JSON object/],
    ];
    const newest = async () => (await getJson<RunBody[]>(`${ref.server.url}/api/runs`)).body[0]!.id;
    const before = await newest();
    const log = watch(ref.server);
    for (const [body, message] of bad) {
      const response = await post(`${ref.server.url}/api/runs`, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body).toEqual({ error: expect.stringMatching(message) });
    }
    // None of them started a run.
    expect(log.requests('/api/runs')).toHaveLength(bad.length);
    expect(await newest()).toBe(before);
  });

  it('GET /api/runs/:id follows a run to its end; GET /api/runs lists runs newest first', async () => {
    const a = (await post(`${ref.server.url}/api/runs`, { workflow: 'build' })).body as RunBody;
    const b = (await post(`${ref.server.url}/api/runs`, { workflow: 'build' })).body as RunBody;

    const list = await getJson<RunBody[]>(`${ref.server.url}/api/runs`);
    expect(list.status).toBe(200);
    expect(list.body.slice(0, 2).map((run) => run.id)).toEqual([b.id, a.id]);

    await vi.waitFor(async () => expect((await getJson<RunBody>(runUrl(a.id))).body.status).toBe('completed'), { timeout: 5_000, interval: 10 });
    const { status, body: run } = await getJson<RunBody>(runUrl(a.id));
    expect(status).toBe(200);
    expect(run).toMatchObject({ id: a.id, workflow: 'build', status: 'completed', conclusion: 'success', createdAt: a.createdAt, startedAt: a.startedAt });
    expect(run.completedAt).toMatch(ISO);
    expect(run.jobs).toHaveLength(1);
    expect(run.jobs[0]).toMatchObject({ id: 'build', name: 'build', status: 'completed', conclusion: 'success' });
    expect(run.jobs[0]!.steps).toEqual([
      { name: 'Checkout', number: 1, status: 'completed', conclusion: 'success', logs: ['Workspace already available\n'], startedAt: expect.stringMatching(ISO), completedAt: expect.stringMatching(ISO) },
      { name: 'Install', number: 2, status: 'completed', conclusion: 'success', logs: ['$ npm ci\n', 'added 312 packages in 4s\n'], startedAt: expect.stringMatching(ISO), completedAt: expect.stringMatching(ISO) },
      {
        name: 'Test',
        number: 3,
        status: 'completed',
        conclusion: 'success',
        logs: ['$ npm test\n', '✓ 42 tests passed (1.2 s)\n', 'Done — no failures\n'],
        startedAt: expect.stringMatching(ISO),
        completedAt: expect.stringMatching(ISO),
      },
    ]);
    expect(await getJson(runUrl('nope'))).toEqual({ status: 404, body: { error: 'Run not found' } });
  });

  it('the failing workflow: step 2 fails, step 3 is skipped with no events of its own, the run fails', async () => {
    const [bus] = await openBus();
    const run = (await post(`${ref.server.url}/api/runs`, { workflow: 'failing' })).body as RunBody;
    await bus!.next(completedRun(run.id));
    const events = bus!.of(run.id);

    expect(events.map((event) => event.event)).toEqual([
      'run.started',
      'job.started',
      ...['step.started', 'step.log', 'step.completed'],
      ...['step.started', 'step.log', 'step.log', 'step.completed'],
      'job.completed',
      'run.completed',
    ]);
    const stepCompleted = events.filter((event) => event.event === 'step.completed').map((event) => [event.data.stepNumber, event.data.step?.conclusion]);
    expect(stepCompleted).toEqual([
      [1, 'success'],
      [2, 'failure'],
    ]);
    expect(events.some((event) => event.data.stepNumber === 3)).toBe(false);
    const skipped = { name: 'Deploy', number: 3, status: 'completed', conclusion: 'skipped', logs: [], startedAt: null, completedAt: null };
    const job = events.at(-2)!.data.job!;
    expect(job).toMatchObject({ status: 'failed', conclusion: 'failure' });
    expect(job.steps.map((step) => [step.name, step.conclusion])).toEqual([
      ['Checkout', 'success'],
      ['Test', 'failure'],
      ['Deploy', 'skipped'],
    ]);
    expect(job.steps[2]).toEqual(skipped);
    const final = events.at(-1)!.data.run!;
    expect(final).toMatchObject({ workflow: 'failing', status: 'failed', conclusion: 'failure' });
    expect(final.jobs![0]!.steps[2]).toEqual(skipped);

    const { body } = await getJson<RunBody>(runUrl(run.id));
    expect(body).toMatchObject({ status: 'failed', conclusion: 'failure' });
    expect(body.jobs[0]!.steps[1]).toMatchObject({ status: 'failed', conclusion: 'failure', logs: ['$ npm test\n', '✗ 3 of 42 tests failed\n'] });
    expect(body.jobs[0]!.steps[2]).toEqual(skipped);
  });

  it('the quick workflow ends right after the answer: a subscriber that connects after it never sees run.completed', async () => {
    const [early] = await openBus();
    const answer = await post(`${ref.server.url}/api/runs`, { workflow: 'quick' });
    const run = answer.body as RunBody;
    expect(run).toMatchObject({ workflow: 'quick', status: 'in_progress', jobs: [] });
    // By the time a client can ask, it is over.
    expect((await getJson<RunBody>(runUrl(run.id))).body).toMatchObject({ status: 'completed', conclusion: 'success' });

    await early!.next(completedRun(run.id));
    expect(early!.of(run.id).map((event) => event.event)).toEqual([
      'run.started',
      'job.started',
      'step.started',
      'step.log',
      'step.completed',
      'job.completed',
      'run.completed',
    ]);
    expect(early!.of(run.id)[0]!.at).toBeLessThan(answer.answeredAt);

    // Subscribing once the answer is in is too late: the bus does not replay.
    const [late] = await openBus();
    await late!.next((event) => event.event === 'ping');
    // Wait past when a run.completed could still arrive: it went by before this subscription.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(late!.of(run.id)).toEqual([]);
  });

  it('POST /api/runs/:id/cancel ends a slow run: the running step cancelled, the rest skipped; 409 once it has ended', async () => {
    const [bus] = await openBus();
    const run = (await post(`${ref.server.url}/api/runs`, { workflow: 'slow' })).body as RunBody;
    await bus!.next((event) => event.event === 'step.started' && event.data.runId === run.id);

    const cancelled = await post(`${runUrl(run.id)}/cancel`, {});
    expect(cancelled.status).toBe(200);
    const body = cancelled.body as RunBody;
    expect(body).toMatchObject({ id: run.id, workflow: 'slow', status: 'cancelled', conclusion: 'cancelled', completedAt: expect.stringMatching(ISO) });
    expect(body.jobs[0]).toMatchObject({ status: 'cancelled', conclusion: 'cancelled' });
    expect(body.jobs[0]!.steps.map((step) => [step.name, step.status, step.conclusion])).toEqual([
      ['Prepare', 'cancelled', 'cancelled'],
      ['Wait', 'completed', 'skipped'],
      ['Report', 'completed', 'skipped'],
    ]);

    await bus!.next(completedRun(run.id));
    const events = bus!.of(run.id);
    expect(events.map((event) => event.event)).toEqual(['run.started', 'job.started', 'step.started', 'step.completed', 'job.completed', 'run.completed']);
    expect(events[3]!.data).toMatchObject({ stepNumber: 1, step: { conclusion: 'cancelled' } });
    expect(events[4]!.data.job).toMatchObject({ status: 'cancelled', conclusion: 'cancelled' });
    expect(events[5]!.data.run).toMatchObject({ status: 'cancelled', conclusion: 'cancelled' });
    expect((await getJson<RunBody>(runUrl(run.id))).body).toEqual(body);

    const again = await post(`${runUrl(run.id)}/cancel`, {});
    expect(again).toMatchObject({ status: 409, body: { error: expect.stringContaining('can no longer be cancelled') } });
    const quick = (await post(`${ref.server.url}/api/runs`, { workflow: 'quick' })).body as RunBody;
    await vi.waitFor(async () => expect((await getJson<RunBody>(runUrl(quick.id))).body.status).toBe('completed'), { timeout: 5_000, interval: 5 });
    expect(await post(`${runUrl(quick.id)}/cancel`, {})).toMatchObject({ status: 409, body: { error: expect.any(String) } });
  });

  it('cancels a run before its job started: the job appears only in job.completed, every step skipped', async () => {
    const [bus] = await openBus();
    const run = (await post(`${ref.server.url}/api/runs`, { workflow: 'slow' })).body as RunBody;
    const cancelled = (await post(`${runUrl(run.id)}/cancel`, {})).body as RunBody;
    expect(cancelled.jobs[0]!.steps.map((step) => step.conclusion)).toEqual(['skipped', 'skipped', 'skipped']);
    await bus!.next(completedRun(run.id));
    expect(bus!.of(run.id).map((event) => event.event)).toEqual(['run.started', 'job.completed', 'run.completed']);
  });

  it('dropOpen() cuts every bus subscriber mid-run; the bus never replays what went by before a new subscription', async () => {
    const [first, second] = await openBus(2);
    const run = (await post(`${ref.server.url}/api/runs`, { workflow: 'slow' })).body as RunBody;
    await first!.next((event) => event.event === 'job.started' && event.data.runId === run.id);
    await second!.next((event) => event.event === 'job.started' && event.data.runId === run.id);
    const log = watch(ref.server);

    expect(ref.server.dropOpen('/api/events')).toBe(2);
    expect((await first!.ended)?.message).toBe('closed before the end');
    expect((await second!.ended)?.message).toBe('closed before the end');
    expect(ref.server.streams.filter((stream) => stream.path === '/api/events' && stream.state === 'open')).toHaveLength(0);
    expect(ref.server.dropOpen('/api/events')).toBe(0);

    // Step 1 starts while nobody listens; a new subscriber sees what follows, never that.
    await vi.waitFor(async () => expect((await getJson<RunBody>(runUrl(run.id))).body.jobs[0]?.steps).toHaveLength(1), { timeout: 5_000, interval: 10 });
    const [again] = await openBus();
    await again!.next((event) => event.event === 'step.log' && event.data.runId === run.id);
    expect(again!.of(run.id).map((event) => event.event)).toEqual(['step.log']);
    expect(log.streams('/api/events')).toHaveLength(1);
    await post(`${runUrl(run.id)}/cancel`, {});
    await again!.next(completedRun(run.id));
  });

  it('dropNext() on the bus cuts the next subscriber after that many run events (pings do not count)', async () => {
    const log = watch(ref.server);
    ref.server.dropNext('/api/events', { afterEvents: 3 });
    const [cut] = await openBus();
    const [whole] = await openBus();
    const run = (await post(`${ref.server.url}/api/runs`, { workflow: 'build' })).body as RunBody;

    expect((await cut!.ended)?.message).toBe('closed before the end');
    expect(cut!.events.map((event) => event.event)).toEqual(['ping', 'run.started', 'job.started', 'step.started']);
    await whole!.next(completedRun(run.id));
    expect(whole!.of(run.id).map((event) => event.event)).toEqual(BUILD);
    expect(log.streams('/api/events').map(({ state, events }) => [state, events])).toEqual([
      ['dropped', 3],
      ['open', BUILD.length],
    ]);
  });

  it('staxStartRun() takes an id (build) or { id, workflow, inputs, sandbox }; only the hook may choose the id', async () => {
    expect(ref.server.staxStartRun('hook-run')).toBe('hook-run');
    expect((await getJson<RunBody>(runUrl('hook-run'))).body).toMatchObject({ id: 'hook-run', workflow: 'build', status: 'in_progress' });
    expect(ref.server.staxStartRun({ id: 'hook-failing', workflow: 'failing', inputs: { a: 1 }, sandbox: { strategy: 'copy' } })).toBe('hook-failing');
    expect((await getJson<RunBody>(runUrl('hook-failing'))).body).toMatchObject({ workflow: 'failing', inputs: { a: 1 }, sandbox: { strategy: 'copy' } });
    expect(ref.server.staxStartRun({ workflow: 'quick' })).toMatch(/^[0-9a-f]{8}$/);
    expect(ref.server.staxStartRun()).toMatch(/^[0-9a-f]{8}$/);
    expect(() => ref.server.staxStartRun('hook-run')).toThrow(/already running/);
    expect(() => ref.server.staxStartRun('not an id!')).toThrow(TypeError);
    expect(() => ref.server.staxStartRun({ workflow: 'deploy' as 'build' })).toThrow(TypeError);
    expect(() => ref.server.staxStartRun({ sandbox: { strategy: 'docker' as 'copy' } })).toThrow(TypeError);
  });

  it('keeps at most 200 finished runs, forgetting the oldest', async () => {
    const other = await startReferenceServer();
    try {
      const ids = Array.from({ length: 205 }, (_, index) => other.staxStartRun({ id: `q${index}`, workflow: 'quick' }));
      await vi.waitFor(async () => expect((await getJson<RunBody[]>(`${other.url}/api/runs`)).body.every((run) => run.status === 'completed')).toBe(true), { timeout: 5_000, interval: 5 });
      const { body } = await getJson<RunBody[]>(`${other.url}/api/runs`);
      expect(body.map((run) => run.id)).toEqual(ids.slice(5).reverse());
      expect((await getJson(`${other.url}/api/runs/q4`)).status).toBe(404);
      expect((await getJson(`${other.url}/api/runs/q5`)).status).toBe(200);
    } finally {
      await other.close();
    }
  });
});

describe('reference server: skills engine and PraisonAI, as their servers answer', () => {
  const SKILL_HEADERS = { 'x-api-key': API_KEY, 'content-type': 'application/json' };
  /** The `{event, data}` of each block of an SSE body. */
  function blocks(body: Buffer): { event: string; data: Record<string, unknown> }[] {
    return body
      .toString('utf8')
      .split('\n\n')
      .filter((block) => block.trim() !== '')
      .map((block) => ({ event: /^event: (.*)$/m.exec(block)![1]!, data: JSON.parse(/^data: (.*)$/m.exec(block)![1]!) as Record<string, unknown> }));
  }
  const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00Z$/;

  it('failing.skill ends with an error done: {"error": {code, message, type, status}, "trace_id": null}', async () => {
    const response = await raw(`${ref.server.url}/v1/skills/failing.skill/execute/stream`, { method: 'POST', headers: SKILL_HEADERS, body: '{"inputs":{}}' });
    expect(response.status).toBe(200);
    const events = blocks(response.body);
    expect(events.map((event) => event.event)).toEqual(['skill_start', 'step_start', 'step_failed', 'skill_completed', 'done']);
    const traceIds = new Set(events.slice(0, -1).map((event) => event.data.trace_id));
    expect(traceIds.size).toBe(1);
    expect([...traceIds][0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(events.at(-1)!.data).toStrictEqual({
      error: { code: 'STEP_FAILED', message: "Step 'fetch' failed: upstream timed out after 30000 ms.", type: 'execution_error', status: 500 },
      trace_id: null,
    });
    // /execute answers the same payload as the done.
    const execute = await raw(`${ref.server.url}/v1/skills/failing.skill/execute`, { method: 'POST', headers: SKILL_HEADERS, body: '{"inputs":{}}' });
    expect(execute.status).toBe(200);
    expect(json(execute)).toStrictEqual(events.at(-1)!.data);
  });

  it('an unknown skill on the stream route is a 200 event stream with only an error done; /execute answers 404 with it', async () => {
    const done = { error: { code: 'SKILL_NOT_FOUND', message: "Skill 'no.such.skill' not found", type: 'not_found', status: 404 }, trace_id: null };
    const response = await raw(`${ref.server.url}/v1/skills/no.such.skill/execute/stream`, { method: 'POST', headers: SKILL_HEADERS, body: '{"inputs":{}}' });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream');
    expect(response.body.toString('utf8')).toBe(`event: done\ndata: ${JSON.stringify(done)}\n\n`);
    expect(response.error).toBeUndefined();

    const execute = await raw(`${ref.server.url}/v1/skills/no.such.skill/execute`, { method: 'POST', headers: SKILL_HEADERS, body: '{"inputs":{}}' });
    expect(execute.status).toBe(404);
    expect(json(execute)).toStrictEqual(done);
    // A key is still checked first; `__proto__` is no skill either.
    expect((await raw(`${ref.server.url}/v1/skills/no.such.skill/execute/stream`, { method: 'POST', body: '{"inputs":{}}' })).status).toBe(401);
    expect(blocks((await raw(`${ref.server.url}/v1/skills/__proto__/execute/stream`, { method: 'POST', headers: SKILL_HEADERS, body: '{"inputs":{}}' })).body)).toMatchObject([
      { event: 'done', data: { error: { code: 'SKILL_NOT_FOUND' } } },
    ]);
  });

  it('stamps engine events as 2026-11-21T09:32:41.880357+00:00Z (microseconds, an offset and Z), which Date rejects', async () => {
    const before = Date.now();
    const response = await raw(`${ref.server.url}/v1/skills/my.skill/execute/stream`, { method: 'POST', headers: SKILL_HEADERS, body: '{"inputs":{"text":"t"}}' });
    const after = Date.now();
    const events = blocks(response.body);
    const stamps = events.slice(0, -1).map((event) => event.data.timestamp as string);
    expect(stamps).toHaveLength(6);
    for (const stamp of stamps) {
      expect(stamp).toMatch(TIMESTAMP);
      expect(Number.isNaN(new Date(stamp).getTime())).toBe(true);
      // Without the trailing Z it is valid ISO 8601, the time it was sent.
      const time = Date.parse(stamp.slice(0, -1));
      expect(time).toBeGreaterThanOrEqual(before - 1);
      expect(time).toBeLessThanOrEqual(after + 1);
    }
    expect([...stamps].sort()).toEqual(stamps);
    expect(events.at(-1)!.data).not.toHaveProperty('timestamp');
  });

  it('PraisonAI: a job that finished before any stream answers 400 on the stream, its status and result on GET', async () => {
    const cases = [
      { prompt: 'hello there', status: 'succeeded', result: 'Analysis complete for “hello there” (11 characters).' },
      { prompt: 'a named job', status: 'succeeded', result: 'Analysis complete for “a named job” (11 characters).' },
      { prompt: 'named and fail', status: 'failed', result: null },
      { prompt: 'cancel it', status: 'cancelled', result: null },
    ];
    for (const expected of cases) {
      const created = await raw(`${ref.server.url}/api/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: expected.prompt }) });
      const { job_id: jobId } = json(created) as { job_id: string };
      const log = watch(ref.server);
      await vi.waitFor(async () => expect((await getJson<{ status: string }>(`${ref.server.url}/api/v1/runs/${jobId}`)).body.status).toBe(expected.status), {
        timeout: 5_000,
        interval: 5,
      });

      const stream = await raw(`${ref.server.url}/api/v1/runs/${jobId}/stream`);
      expect(stream.status, expected.prompt).toBe(400);
      expect(json(stream)).toEqual({ detail: 'Job already completed (no stream available)' });
      const resumed = await raw(`${ref.server.url}/api/v1/runs/${jobId}/stream`, { headers: { 'last-event-id': '2' } });
      expect(resumed.status).toBe(400);
      expect(log.streams()).toHaveLength(0);
      expect((await getJson(`${ref.server.url}/api/v1/runs/${jobId}`)).body).toMatchObject({ job_id: jobId, status: expected.status, retry_after: null });
      const result = await getJson<Record<string, unknown>>(`${ref.server.url}/api/v1/runs/${jobId}/result`);
      expect(result.status).toBe(200);
      expect(result.body).toMatchObject({ job_id: jobId, status: expected.status, result: expected.result });
      if (expected.status === 'failed') expect(result.body.error).toMatch(/LLM provider returned 503/);
    }
  });
});
