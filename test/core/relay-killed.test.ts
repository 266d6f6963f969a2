/**
 * A page behind a dev server's proxy whose relay process dies (issue 19, finding 11), over real
 * sockets on 127.0.0.1: an upstream (a scripted SSE server that resumes after `Last-Event-ID`),
 * a relay in its own process (fixtures/relay-process.ts: `connect()` + `relayResponse`, a
 * keepalive every 100 ms), a proxy in front of it that, as Vite's dev proxy does, keeps the
 * page's connection open and silent when the relay goes away, and the page's client
 * (`connect()` through the proxy with a 120 s idleTimeout). The relay is SIGKILLed and a new
 * one started: the client must notice from the keepalives it no longer gets, reconnect with
 * `Last-Event-ID` by itself, and receive the rest once. Its ceiling (120 s) is six times the
 * test's timeout (20 s): passing proves the learned timeout did it, with no timed assertion.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionError, connect, type ReconnectInfo } from '../../src/index.js';
import { within } from '../helpers/async.js';
import { frame } from '../helpers/sse.js';

const RELAY = fileURLToPath(new URL('./fixtures/relay-process.ts', import.meta.url));
/** Events the upstream sends before it holds the first connection open (and silent). */
const BEFORE = 5;
/** Events in all; an `end` event follows the last. */
const TOTAL = 10;

const children: ChildProcess[] = [];
const servers: Server[] = [];
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/**
 * The upstream: events `1`…`TOTAL` (id = data), resuming after `Last-Event-ID`. A request from
 * before event `BEFORE` gets up to it and is then held open, silent; a later one gets the rest,
 * an `end` event, and the end of the body.
 */
async function startUpstream(): Promise<{ url: string; lastEventIds: (string | undefined)[] }> {
  const lastEventIds: (string | undefined)[] = [];
  const port = await listen(
    createServer((request, response) => {
      const header = request.headers['last-event-id'];
      lastEventIds.push(typeof header === 'string' ? header : undefined);
      const after = Number(header ?? 0);
      if (after >= TOTAL) return void response.writeHead(204).end();
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const last = after < BEFORE ? BEFORE : TOTAL;
      for (let id = after + 1; id <= last; id++) response.write(frame({ id: String(id), data: String(id) }));
      if (last === TOTAL) response.end(frame({ event: 'end', data: 'end' }));
    }),
  );
  return { url: `http://127.0.0.1:${port}/events`, lastEventIds };
}

interface Proxy {
  url: string;
  /** The port requests go to: the current relay's. */
  target: number;
  /** The page's requests, in order. */
  readonly requests: IncomingHttpHeaders[];
  /** Resolves once `count` keepalive comments more than now have passed through to the page. */
  keepalives(count: number): Promise<void>;
}

/**
 * A dev-server proxy for `/relay`: forwards each request to the relay at `target` and streams
 * its response back. As Vite's dev proxy did in the finding, a relay that dies mid-response
 * leaves the page's response open and silent (no end, no reset); a relay that is not there
 * gets the page a 502.
 */
async function startProxy(): Promise<Proxy> {
  let seen = 0;
  const waiting = new Set<{ at: number; resolve: () => void }>();
  const requests: IncomingHttpHeaders[] = [];
  const proxy: Proxy = {
    url: '',
    target: 0,
    requests,
    keepalives(count) {
      return new Promise((resolve) => waiting.add({ at: seen + count, resolve }));
    },
  };
  const port = await listen(
    createServer((request, response) => {
      requests.push(request.headers);
      const outgoing = httpRequest({ host: '127.0.0.1', port: proxy.target, path: request.url, method: request.method, headers: request.headers });
      // The page left (its idle timeout, a close): the relay's request goes with it.
      response.on('close', () => outgoing.destroy());
      outgoing.on('error', () => {
        if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' }).end('relay unreachable');
      });
      outgoing.on('response', (incoming) => {
        response.writeHead(incoming.statusCode ?? 502, incoming.headers);
        incoming.on('data', (chunk: Buffer) => {
          response.write(chunk);
          seen += chunk.toString('latin1').split(': keepalive\n\n').length - 1;
          for (const entry of waiting) {
            if (seen < entry.at) continue;
            waiting.delete(entry);
            entry.resolve();
          }
        });
        // Only a complete response ends the page's; a relay that died leaves it hanging.
        incoming.on('end', () => {
          if (incoming.complete) response.end();
        });
        incoming.on('error', () => {});
      });
      request.pipe(outgoing);
    }),
  );
  proxy.url = `http://127.0.0.1:${port}/relay`;
  return proxy;
}

/** Starts a relay process streaming `upstream`, with a keepalive every 100 ms; resolves with it and its port. */
async function startRelay(upstream: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', RELAY, upstream, '100'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  const port = await within(
    15_000,
    new Promise<number>((resolve, reject) => {
      child.stdout!.on('data', (data: Buffer) => {
        output += data.toString();
        const match = /listening (\d+)/.exec(output);
        if (match) resolve(Number(match[1]));
      });
      child.stderr!.on('data', (data: Buffer) => (output += data.toString()));
      child.on('exit', (code, signal) => reject(new Error(`the relay exited (${code ?? signal}) before listening: ${output}`)));
    }),
  );
  return { child, port };
}

describe('a relay process that dies behind a dev-server proxy', () => {
  it('is noticed from the missing keepalives: the page reconnects with Last-Event-ID long before its idleTimeout and gets every event once', async () => {
    const upstream = await startUpstream();
    const proxy = await startProxy();
    const first = await startRelay(upstream.url);
    proxy.target = first.port;

    const reconnects: ReconnectInfo[] = [];
    const stream = connect(proxy.url, {
      // The ceiling: on its own it would hold the page for two minutes, as in the finding.
      idleTimeout: 120_000,
      // While the new relay starts, the proxy answers 502: retried every 250 ms at most.
      reconnect: { initialDelay: 50, maxDelay: 250, maxAttempts: 60 },
      onReconnect: (info) => reconnects.push(info),
    });
    cleanups.push(() => stream.close());
    const data: string[] = [];
    let gotBefore!: () => void;
    const before = new Promise<void>((resolve) => (gotBefore = resolve));
    const done = (async () => {
      for await (const event of stream) {
        if (event.type === 'end') break;
        data.push(event.data);
        if (event.data === String(BEFORE)) gotBefore();
      }
    })();

    await within(15_000, before);
    // The upstream is silent now; the relay's keepalives go on. Eight teach the client their cadence.
    await within(15_000, proxy.keepalives(8));
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const second = await startRelay(upstream.url);
    proxy.target = second.port;

    await within(18_000, done);
    expect(data).toEqual(Array.from({ length: TOTAL }, (_, index) => String(index + 1)));
    // The first reconnect: the learned idle timeout dropped the silent connection.
    expect(reconnects[0]!.cause).toBeInstanceOf(ConnectionError);
    expect(reconnects[0]!.cause!.message).toMatch(/no data for \d+ ms while reading the stream \(idle timeout, learned from keepalives every \d+ ms\)/);
    expect(reconnects.every((info) => info.lastEventId === String(BEFORE))).toBe(true);
    // The page's request that reached the new relay carried the id, and the relay passed it on.
    expect(proxy.requests.at(-1)!['last-event-id']).toBe(String(BEFORE));
    // (A third, once the page has left, would be the new relay's own reconnect after the end.)
    expect(upstream.lastEventIds.slice(0, 2)).toEqual([undefined, String(BEFORE)]);
  });
});
