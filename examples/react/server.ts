/**
 * The relay of the React example, with `node:http`: the page streams a Crewship run from
 * `/relay/crewship/v1/runs/{id}/events` and this server streams it from the platform with the
 * key, which never reaches the page. The route has the platform's shape, so that the page can
 * use the `Crewship` resource itself (typed events, terminal events, outcomes) with no key.
 *
 * The server decides everything about the upstream request: its URL (the one route, for the
 * runs it allows), method, body and headers (the key). The page contributes its `Last-Event-ID`
 * (checked by `lastEventIdFrom`) and the run id, checked against the runs it may see. Upstream
 * response headers never pass to the page.
 *
 * `npm run example:react` runs this file: the reference server (runstream/testing, a scripted
 * Crewship at 127.0.0.1), this relay, and Vite's dev server for the page, in one process.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { fileURLToPath } from 'node:url';
import { Crewship, lastEventIdFrom, relayResponse } from 'runstream';

/** Options of {@link createRelay}. */
export interface RelayOptions {
  /** The platform's base URL: `https://api.crewship.dev`, or the reference server's. */
  baseUrl: string;
  /** The platform key: it stays in this process. */
  apiKey: string;
  /** Whether the page may stream this run. A real app asks its session (whose run is it?). */
  allowRun: (runId: string) => boolean;
}

const ROUTE = /^\/relay\/crewship\/v1\/runs\/([A-Za-z0-9_-]{1,64})\/events$/;

/**
 * The relay as a Node request handler: answers its one route and returns true, or returns false
 * for any other request (for the next handler: static files, Vite's dev server).
 */
export function createRelay({ baseUrl, apiKey, allowRun }: RelayOptions): (request: IncomingMessage, response: ServerResponse) => boolean {
  const crewship = new Crewship({ baseUrl, apiKey });
  return (request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://relay.invalid');
    const match = ROUTE.exec(pathname);
    if (!match) return false;
    const runId = match[1]!;
    if (request.method !== 'GET' || !allowRun(runId)) {
      response.writeHead(request.method === 'GET' ? 404 : 405, { 'content-type': 'text/plain' }).end('not found');
      return true;
    }
    // The page going away (a closed tab, an unmounted component) cancels the upstream request.
    const controller = new AbortController();
    response.on('close', () => controller.abort());
    const stream = crewship.runs.stream(runId, { lastEventId: lastEventIdFrom(request.headers['last-event-id']), signal: controller.signal });
    void pipe(relayResponse(stream), response);
    return true;
  };
}

/**
 * Writes `relayed` to `response`. A stream with nothing left (a resume after the last event:
 * the platform answered 204) becomes a 204 for the page too, which ends its stream for good
 * instead of making it reconnect.
 */
async function pipe(relayed: Response, response: ServerResponse): Promise<void> {
  const reader = relayed.body!.getReader();
  const first = await reader.read().catch(() => ({ done: true as const, value: undefined }));
  if (response.destroyed) return void reader.cancel().catch(() => {});
  if (first.done) {
    response.writeHead(204).end();
    return;
  }
  response.writeHead(relayed.status, Object.fromEntries(relayed.headers));
  response.write(first.value);
  const rest = new ReadableStream<Uint8Array>({
    pull: async (controller) => {
      const next = await reader.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  Readable.fromWeb(rest as NodeReadableStream<Uint8Array>).pipe(response);
}

/** Runs the example: the reference server, the relay inside Vite's dev server, and prints the URL. */
async function main(): Promise<void> {
  const { startReferenceServer } = await import('runstream/testing');
  const { createServer } = await import('vite');
  // 400 ms between events: slow enough to watch, to reload mid-run, to unmount mid-run.
  const reference = await startReferenceServer({ eventDelay: 400 });
  const relay = createRelay({ baseUrl: reference.url, apiKey: 'test-key', allowRun: (runId) => runId === 'run_abc123' || runId === 'run_failed' });
  const vite = await createServer({
    configFile: fileURLToPath(new URL('./vite.config.ts', import.meta.url)),
    server: { host: '127.0.0.1', port: Number(process.env.PORT ?? 5174) },
    plugins: [
      {
        name: 'runstream-relay',
        configureServer(server) {
          server.middlewares.use((request, response, next) => {
            if (!relay(request, response)) next();
          });
        },
      },
    ],
  });
  await vite.listen();
  const url = vite.resolvedUrls?.local[0] ?? `http://127.0.0.1:${vite.config.server.port}/`;
  console.log(`runstream/react example: ${url} (run_abc123; ${url}?run=run_failed)`);
  console.log(`relay: ${url}relay/crewship/v1/runs/run_abc123/events -> ${reference.url}/v1/runs/run_abc123/events (key test-key, on the server)`);
  console.log('Ctrl-C to stop.');
  const stop = async () => {
    await vite.close();
    await reference.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
