/**
 * Secrecy where the socket matters (no msw here): a refused connection on 127.0.0.1, a host
 * that does not resolve (`.invalid`), an uncaught rejection printed by Node itself, and the
 * relay's error frame, which carries the upstream's `status` and `code` and nothing secret.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, Crewship, relayResponse, type ConnectOptions } from '../../src/index.js';
import { CLI, useBuiltCli } from '../cli/support.js';
import { expectNoSecret, formats, headersWith, quickRetries, rejection, RUNS, secret, secrets, surfaces, urlWith, valuesOf, type EchoFormat, type Secrets } from './support.js';

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An upstream that answers `status` with a body echoing the request (`?status=&format=` pick them). */
function echoing(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
  const status = Number(url.searchParams.get('status') ?? 401);
  const format = (url.searchParams.get('format') ?? 'json') as EchoFormat;
  const lines = Object.entries(req.headers).map(([name, value]) => `${name}: ${String(value)}`).join('\n');
  const type = format === 'json' ? 'application/json' : format === 'html' ? 'text/html' : 'text/plain';
  const body =
    format === 'json'
      ? JSON.stringify({ error: { message: `refused ${url.href}` }, request: { url: url.href, headers: req.headers } })
      : format === 'html'
        ? `<html><p>${url.href}</p><pre>${lines}</pre></html>`
        : `refused ${url.href}\n${lines}`;
  res.writeHead(status, { 'content-type': type }).end(body);
}

let upstream: Awaited<ReturnType<typeof listen>>;
beforeAll(async () => {
  upstream = await listen(echoing);
});
afterAll(() => upstream.close());

async function streamError(url: string, s: Secrets, options: ConnectOptions = {}): Promise<unknown> {
  return rejection((async () => {
    for await (const _ of connect(url, { headers: headersWith(s), reconnect: quickRetries, ...options })) void _;
  })());
}

describe('over real sockets, errors show no secret', () => {
  it('a refused connection (nothing on the port), with retries', async () => {
    const closed = await listen(() => {});
    const base = closed.url;
    await closed.close();
    await fc.assert(
      fc.asyncProperty(secrets, async (s) => {
        const error = await streamError(urlWith(base, '/events', s), s);
        expect(error).toMatchObject({ name: 'ConnectionError' });
        expect((error as Error).message).toMatch(/127\.0\.0\.1/);
        expectNoSecret(surfaces(error), valuesOf(s));
      }),
      { numRuns: 3 },
    );
  });

  it('a host that does not resolve (.invalid)', async () => {
    await fc.assert(
      fc.asyncProperty(secrets, async (s) => {
        const error = await streamError(urlWith('http://runstream-test.invalid', '/events', s), s, { reconnect: false });
        expect(error).toMatchObject({ name: 'ConnectionError' });
        expectNoSecret(surfaces(error), valuesOf(s));
      }),
      { numRuns: 3 },
    );
  });

  it('4xx and 5xx (retries exhausted) answers whose bodies echo the request', async () => {
    await fc.assert(
      fc.asyncProperty(secrets, formats, fc.constantFrom(401, 404, 500, 503), async (s, format, status) => {
        const error = await streamError(`${urlWith(upstream.url, '/events', s)}&status=${status}&format=${format}`, s);
        expect(error).toMatchObject({ name: status < 500 ? 'HTTPError' : 'StreamError' });
        expectNoSecret(surfaces(error), valuesOf(s));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('what Node prints by itself', () => {
  useBuiltCli(); // dist/index.js, which the child imports

  /** Runs an ES module in a child Node and gives its stderr (bounded). */
  function node(source: string): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', source], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stderr });
      });
    });
  }
  const entry = new URL('index.js', `file://${CLI}`).href;

  it('an uncaught rejection of a stream whose 401 body echoed the request, and of a URL with a password', async () => {
    await fc.assert(
      fc.asyncProperty(secrets, secret('pSECRETp'), async (s, password) => {
        const url = `${urlWith(upstream.url, '/events', s)}&status=401&format=text`;
        const rejected = await node(
          `import { connect } from ${JSON.stringify(entry)};\nfor await (const event of connect(${JSON.stringify(url)}, { headers: ${JSON.stringify(headersWith(s))} })) void event;`,
        );
        expect(rejected.code).not.toBe(0);
        expect(rejected.stderr).toMatch(/HTTPError/);
        expectNoSecret([rejected.stderr], valuesOf(s));
        const refused = await node(`import { connect } from ${JSON.stringify(entry)};\nconnect(${JSON.stringify(upstream.url.replace('//', `//user:${password}@`))});`);
        expect(refused.stderr).toMatch(/TypeError/);
        expectNoSecret([refused.stderr], [password]);
      }),
      { numRuns: 2 },
    );
  }, 60_000);
});

describe("the relay's error frame", () => {
  it('carries the status and code, never a secret of the upstream request', async () => {
    let next: { url: string; s: Secrets } | undefined;
    const relay = await listen((_req, res) => {
      const { url, s } = next!;
      const stream = new Crewship({ baseUrl: url, apiKey: s.apiKey, headers: { cookie: `sid=${s.cookie}`, 'x-api-key': s.authorization }, reconnect: quickRetries }).runs.stream('run_1');
      const relayed = relayResponse(stream, { keepalive: 0 });
      res.writeHead(relayed.status, Object.fromEntries(relayed.headers));
      Readable.fromWeb(relayed.body! as import('node:stream/web').ReadableStream).pipe(res);
    });
    try {
      await fc.assert(
        fc.asyncProperty(secrets, formats, fc.constantFrom(401, 403, 500, 503), async (s, format, status) => {
          // The upstream base URL's own query carries the status and format the echo server answers with.
          next = { url: `${upstream.url}/p`, s };
          upstream.server.removeAllListeners('request');
          upstream.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
            req.url = `${req.url}?status=${status}&format=${format}`;
            echoing(req, res);
          });
          const text = await (await fetch(`${relay.url}/run`)).text();
          const data = JSON.parse(/^event: error\ndata: (.*)\n\n$/.exec(text)![1]!) as Record<string, unknown>;
          expect(data).toEqual(
            status < 500
              ? { name: 'HTTPError', message: `the upstream answered HTTP ${status}`, status }
              : { name: 'StreamError', message: 'the upstream stream failed (retries-exhausted)', status, code: 'retries-exhausted' },
          );
          expectNoSecret([text], valuesOf(s));
          expect(text).not.toContain(upstream.url);
        }),
        { numRuns: RUNS },
      );
    } finally {
      upstream.server.removeAllListeners('request');
      upstream.server.on('request', echoing);
      await relay.close();
    }
  });
});
