// `--verbose`: the library's debug log (`runstream #N …` lines): one line per request and one per
// answer or failure, for a stream's every attempt (from its lifecycle: refused, dropped, closed,
// 204), its reconnects with the source of their delay, and its end; and for every JSON call (from
// the client's onCall), with no secret on any line. The built bin against reference servers on
// 127.0.0.1.
import { describe, expect, it } from 'vitest';
import { jsonLines, run, useBuiltCli, useServer } from './support.js';
import { refusedPort } from '../helpers/loopback.js';

const SECRET = 'sk-live-verbose-0123456789';
useBuiltCli();
const setup = useServer({ apiKey: SECRET, eventDelay: 5 });
/** A server whose job submissions are refused (429). */
const refusing = useServer();

/** The `--verbose` lines of stderr (the debug log's `runstream #N ` lines), without that tag. */
function verboseLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => /^runstream #\d+ /.test(line))
    .map((line) => line.replace(/^runstream #\d+ /, ''));
}

/** The tags (`#N`) of the `--verbose` lines, in order. */
function tags(stderr: string): string[] {
  return [...stderr.matchAll(/^runstream (#\d+) /gm)].map((match) => match[1]!);
}

describe('--verbose: a stream, attempt by attempt', () => {
  it('shows each request with its Last-Event-ID, and its answer: refused (503), dropped, closed, 204; no secret anywhere', async () => {
    const played = setup.server.play('GET /verbose/flaky', {
      connections: [
        // The body echoes the credentials, as some error pages do.
        { status: 503, headers: { 'retry-after': '0' }, body: { error: `overloaded; you sent Authorization: Bearer ${SECRET}` } },
        // A pause before the cut, so the client reads the event first.
        { steps: [{ retry: 10 }, { event: 'a', id: '1', data: 'x' }, { wait: 50 }, { cut: 'between-events' }] },
        { steps: [{ event: 'b', id: '2', data: 'y' }] },
      ],
      afterLast: 'no-content',
    });
    const url = `${setup.server.url}/verbose/flaky?api_key=${SECRET}`;
    const { code, stdout, stderr } = await run(['tail', url, '-H', `Authorization: Bearer ${SECRET}`, '-H', `Cookie: sid=${SECRET}`, '--json', '-v']);
    expect(code, stderr).toBe(0);
    expect(stdout + stderr).not.toContain(SECRET);
    expect(jsonLines(stdout).map((event) => event.id)).toEqual(['1', '2']);
    const shown = `${setup.server.url}/verbose/flaky?api_key=***`;
    const request = (lastEventId?: string) =>
      `→ GET ${shown} · accept: text/event-stream · authorization: *** · cookie: ***${lastEventId ? ` · last-event-id: ${lastEventId}` : ''}`;
    expect(played.requests.map((entry) => entry.headers['last-event-id'] ?? '')).toEqual(['', '', '1', '2']);
    expect(verboseLines(stderr)).toEqual([
      request(),
      expect.stringMatching(/^← 503 Service Unavailable · x-request-id req_\d+ · \d+ ms$/),
      // The refusal is the request's answer line; the reconnect names its delay's source.
      '↻ reconnect 1 in 0 ms (retry-after)',
      request(),
      expect.stringMatching(/^← 200 OK \(event stream\) · x-request-id req_\d+ · \d+ ms$/),
      'retry: 10 ms',
      expect.stringMatching(/^↻ reconnect 1 in 10 ms \(retry; ConnectionError: GET .* the connection failed while reading the stream .*\)$/),
      request('1'),
      expect.stringMatching(/^← 200 OK \(event stream\) · x-request-id req_\d+ · \d+ ms$/),
      '↻ reconnect 1 in 10 ms (retry; the server closed the stream)',
      request('2'),
      expect.stringMatching(/^← 204 No Content · \d+ ms$/),
      '■ ended ended',
    ]);
    // One stream: one tag on every line.
    expect(new Set(tags(stderr)).size).toBe(1);
    // Without --verbose the reconnect lines are the command's own; with it, the debug log's only.
    expect(stderr).not.toContain('↻ reconnect #');
  });

  it('shows the failure of each attempt at a server never reached, and of the last one by its own reason', async () => {
    const port = await refusedPort();
    const { code, stderr } = await run(['tail', `http://127.0.0.1:${port}/events`, '-v']);
    expect(code).toBe(4);
    const lines = verboseLines(stderr);
    const failures = lines.filter((line) => line.startsWith('✗'));
    // maxConnectAttempts (3) requests, each answered by its own failure line.
    expect(lines.filter((line) => line === `→ GET http://127.0.0.1:${port}/events · accept: text/event-stream`)).toHaveLength(3);
    expect(failures).toHaveLength(3);
    for (const line of failures) expect(line).toMatch(new RegExp(`^✗ ConnectionError: GET http://127\\.0\\.0\\.1:${port}/events: .* · \\d+ ms$`));
    // The summary ("no connection was ever made") is the command's error, not an attempt's.
    expect(failures.at(-1)).not.toContain('no connection was ever made');
    expect(stderr).toContain('no connection was ever made (3 attempts');
  });

  it('shows a refusal that ends the stream (404) with its status and request id', async () => {
    const { code, stderr } = await run(['runs', 'run_nope', '--base-url', setup.server.url, '--api-key', SECRET, '-v']);
    expect(code).toBe(4);
    expect(stderr).not.toContain(SECRET);
    const id = setup.server.requests.filter((entry) => entry.path === '/v1/runs/run_nope/events').at(-1)!.requestId;
    expect(verboseLines(stderr)).toEqual([
      `→ GET ${setup.server.url}/v1/runs/run_nope/events · accept: text/event-stream · authorization: ***`,
      expect.stringMatching(new RegExp(`^← 404 Not Found · x-request-id ${id} · \\d+ ms$`)),
      expect.stringMatching(/^■ ended error HTTPError: GET .*\/v1\/runs\/run_nope\/events failed with HTTP 404 Not Found/),
    ]);
  });
});

describe('--verbose: JSON calls', () => {
  it('shows the submit, the stream and the result read of jobs run, in order, each with its answer', async () => {
    const { code, stderr } = await run(['jobs', 'run', '--prompt', 'hello', '--base-url', setup.server.url, '--api-key', SECRET, '--json', '-v']);
    expect(code, stderr).toBe(0);
    expect(stderr).not.toContain(SECRET);
    const base = setup.server.url;
    const job = /▶ Job submitted: (\S+)/.exec(stderr)![1]!;
    expect(verboseLines(stderr)).toEqual([
      `→ POST ${base}/api/v1/runs · accept: application/json · content-type: application/json`,
      expect.stringMatching(/^← 202 Accepted · x-request-id req_\d+ · \d+ ms$/),
      `→ GET ${base}/api/v1/runs/${job}/stream · accept: text/event-stream`,
      expect.stringMatching(/^← 200 OK \(event stream\) · x-request-id req_\d+ · \d+ ms$/),
      '■ ended completed',
      `→ GET ${base}/api/v1/runs/${job}/result · accept: application/json`,
      expect.stringMatching(/^← 200 OK · x-request-id req_\d+ · \d+ ms$/),
    ]);
  });

  it('shows a refused call with its status and an unreachable one with its reason', async () => {
    refusing.server.play('POST /api/v1/runs', { connections: [{ status: 429, body: { detail: 'slow down' } }], afterLast: 'reject' });
    const refused = await run(['jobs', 'run', '--prompt', 'hello', '--base-url', refusing.server.url, '-v']);
    expect(refused.code).toBe(4);
    expect(verboseLines(refused.stderr)).toEqual([
      `→ POST ${refusing.server.url}/api/v1/runs · accept: application/json · content-type: application/json`,
      expect.stringMatching(/^← 429 Too Many Requests · x-request-id req_\d+ · \d+ ms$/),
    ]);
    const port = await refusedPort();
    const unreachable = await run(['jobs', 'run', '--prompt', 'hello', '--base-url', `http://127.0.0.1:${port}`, '-v']);
    expect(unreachable.code).toBe(4);
    expect(verboseLines(unreachable.stderr)).toEqual([
      `→ POST http://127.0.0.1:${port}/api/v1/runs · accept: application/json · content-type: application/json`,
      expect.stringMatching(new RegExp(`^✗ ConnectionError: POST http://127\\.0\\.0\\.1:${port}/api/v1/runs: could not connect to 127\\.0\\.0\\.1:${port} .* · \\d+ ms$`)),
    ]);
  });

  it('shows a stream refused for a finished job (PraisonAI 400) and the reads that settle it', async () => {
    const submitted = await run(['jobs', 'run', '--prompt', 'hello', '--base-url', setup.server.url, '--json']);
    expect(submitted.code, submitted.stderr).toBe(0);
    const job = /▶ Job submitted: (\S+)/.exec(submitted.stderr)![1]!;
    const { code, stderr } = await run(['jobs', 'stream', job, '--base-url', setup.server.url, '--json', '-v']);
    expect(code, stderr).toBe(0);
    const base = setup.server.url;
    expect(setup.server.requests.filter((entry) => entry.path === `/api/v1/runs/${job}/stream`)).toHaveLength(2);
    expect(verboseLines(stderr)).toEqual([
      `→ GET ${base}/api/v1/runs/${job}/stream · accept: text/event-stream`,
      expect.stringMatching(/^← 400 Bad Request · x-request-id req_\d+ · \d+ ms$/),
      `→ GET ${base}/api/v1/runs/${job} · accept: application/json`,
      expect.stringMatching(/^← 200 OK · x-request-id req_\d+ · \d+ ms$/),
      `→ GET ${base}/api/v1/runs/${job}/result · accept: application/json`,
      expect.stringMatching(/^← 200 OK · x-request-id req_\d+ · \d+ ms$/),
      // The refusal was explained by the run's state: a resync, then the run's outcome.
      '⟳ resync http-error: recovered',
      '■ ended completed',
    ]);
  });

  it('prints none of these lines without --verbose', async () => {
    const { code, stderr } = await run(['jobs', 'run', '--prompt', 'hello', '--base-url', setup.server.url, '--json']);
    expect(code).toBe(0);
    expect(verboseLines(stderr)).toEqual([]);
  });
});
