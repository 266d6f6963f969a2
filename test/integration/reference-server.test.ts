import { spawn } from 'node:child_process';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
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

/** Runs `node --import tsx <args>` and resolves with its exit code and output (bounded in time). */
function runNode(args: string[], onStdout?: (text: string, kill: (signal: NodeJS.Signals) => void) => void) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: fileURLToPath(new URL('../..', import.meta.url)) });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`node ${args.join(' ')} did not exit within 15 s; stdout: ${stdout}; stderr: ${stderr}`));
    }, 15_000);
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

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, x-api-key, last-event-id, content-type, idempotency-key, accept',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-expose-headers': 'x-request-id, retry-after',
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

    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(1_000);
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
  });

  it('runs from the CLI until SIGTERM, printing its URL first', async () => {
    let url = '';
    let fetched: Promise<RawResponse> | undefined;
    const result = await runNode(['src/testing/cli.ts', '--port', '0', '--event-delay', '1'], (stdout, kill) => {
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
  });
});
