/**
 * Secrecy of the `runstream` bin (dist/cli.js, spawned): generated secrets in the URL's query
 * (every documented name), in `-H Authorization`, `-H X-API-Key`, `-H Cookie` and `--api-key`
 * never appear on stdout or stderr with `--verbose`: not in request lines, error lines, reconnect
 * lines or the resume hint after Ctrl-C. A URL with user info is a usage error (exit 2) that sends
 * nothing and prints no password. A real server on 127.0.0.1 echoes each request in its answers.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, start, useBuiltCli } from '../cli/support.js';
import { expectNoSecret, formats, secret, secrets, urlWith, type EchoFormat, type Secrets } from './support.js';

useBuiltCli();

/** What the echo server answers next, per path. */
const plans = new Map<string, { status: number; format: EchoFormat }[]>();
let requests = 0;
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const plan = plans.get(path)?.shift();
    const url = `http://${req.headers.host}${req.url}`;
    const lines = Object.entries(req.headers).map(([name, value]) => `${name}: ${String(value)}`).join('\n');
    if (!plan) {
      // The stream: one event, then a pause until the client leaves. (Its data is the server's and is
      // shown as sent, so it does not echo the request here.)
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('id: evt_1\nevent: log\ndata: {"step":1}\n\n');
      return;
    }
    const body =
      plan.format === 'json'
        ? JSON.stringify({ error: { message: `refused ${req.method} ${url}` }, request: { url, headers: req.headers } })
        : plan.format === 'html'
          ? `<html><body><p>${req.method} ${url}</p><pre>${lines}</pre></body></html>`
          : `refused ${req.method} ${url}\n${lines}\n`;
    res.writeHead(plan.status, { 'content-type': plan.format === 'json' ? 'application/json' : plan.format === 'html' ? 'text/html' : 'text/plain' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** `tail` arguments that carry every secret of `s`. */
const tailArgs = (url: string, s: Secrets) => ['tail', url, '-H', `Authorization: Bearer ${s.authorization}`, '-H', `X-API-Key: ${s.apiKey}`, '-H', `Cookie: sid=${s.cookie}`, '--verbose'];
const values = (s: Secrets) => [s.query, s.authorization, s.apiKey, s.cookie];

describe('runstream tail --verbose prints no secret', () => {
  it('when the server refuses with a 4xx, or fails with a 5xx then a reconnect, each echoing the request', async () => {
    let path = 0;
    await fc.assert(
      fc.asyncProperty(secrets, formats, fc.constantFrom(401, 403, 503), async (s, format, status) => {
        const route = `/events/${++path}`;
        // A 5xx is retried: the reconnect line names its cause, then the stream opens and is cut off by --max-events.
        plans.set(route, [{ status, format }]);
        const result = await run([...tailArgs(urlWith(base, route, s), s), '--max-events', '1'], { timeout: 20_000 });
        expect(result.code).toBe(status === 503 ? 0 : 4);
        if (status === 503) expect(result.stderr).toMatch(/^runstream #\d+ ↻ reconnect 1 in \d+ ms \(/m);
        expect(result.stderr).toContain('→ GET');
        expect(result.stderr).toContain('authorization: ***');
        expectNoSecret([result.stdout, result.stderr], values(s));
      }),
      { numRuns: 3 },
    );
  }, 120_000);

  it('when the connection is refused (nothing listens on the port)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await fc.assert(
      fc.asyncProperty(secrets, async (s) => {
        const result = await run([...tailArgs(urlWith(`http://127.0.0.1:${port}`, '/events', s), s), '--no-reconnect']);
        expect(result.code).toBe(4);
        expect(result.stderr).toMatch(/ConnectionError/);
        expectNoSecret([result.stdout, result.stderr], values(s));
      }),
      { numRuns: 2 },
    );
  }, 90_000);

  it('in the resume hint after Ctrl-C', async () => {
    await fc.assert(
      fc.asyncProperty(secrets, async (s) => {
        const running = start([...tailArgs(urlWith(base, '/stream', s), s), '--json']);
        await running.waitFor(/evt_1/);
        running.child.kill('SIGINT');
        const result = await running.done;
        expect(result.code).toBe(130);
        expect(result.stderr).toContain('Resume with:');
        expect(result.stderr).toContain('--last-event-id evt_1');
        expect(result.stderr).toContain("'Authorization: ***'");
        expectNoSecret([result.stdout, result.stderr], values(s));
      }),
      { numRuns: 2 },
    );
  }, 90_000);
});

describe('a URL with user info', () => {
  const password = secret('pSECRETp');

  it('is a usage error (exit 2) for tail and --base-url, sends nothing and prints no password', async () => {
    await fc.assert(
      fc.asyncProperty(password, async (pw) => {
        const before = requests;
        const withCredentials = `http://user:${pw}@${base.slice('http://'.length)}`;
        const results = await Promise.all([
          run(['tail', `${withCredentials}/api/events`, '--verbose']),
          run(['runs', 'run_abc123', '--base-url', withCredentials, '--api-key', 'k', '--verbose']),
        ]);
        for (const result of results) {
          expect(result.code).toBe(2);
          expect(result.stderr).toMatch(/header/);
          expectNoSecret([result.stdout, result.stderr], [pw]);
        }
        expect(requests).toBe(before);
      }),
      { numRuns: 2 },
    );
  }, 90_000);
});
