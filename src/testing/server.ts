/// <reference types="node" />
/**
 * `startReferenceServer()`: a local HTTP server that plays scripted runs of the five platforms
 * runstream supports, in their documented wire formats and the variants their servers send.
 *
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { redactHeaders, redactUrl } from '../core/redact.js';
import { errorBody, Timers, type Core, type RequestContext, type Route, type Settings } from './context.js';
import { crewshipRoutes } from './platforms/crewship.js';
import { flowmaestroRoutes } from './platforms/flowmaestro.js';
import { praisonaiRoutes } from './platforms/praisonai.js';
import { skillsRoutes } from './platforms/skills.js';
import { aguiRoutes } from './platforms/agui.js';
import { staxRunner, type StaxRunOptions } from './platforms/stax.js';
import { mcpRoutes } from './platforms/mcp.js';
import { a2aRoutes } from './platforms/a2a.js';
import { openaiRoutes } from './platforms/openai.js';
import { anthropicRoutes } from './platforms/anthropic.js';
import { formatOf } from './kit/engine.js';
import { SseChannel, type Fault, type StreamRecord } from './sse.js';
import { compileRoute, ScriptCutError, ScriptPlayer, type RouteMatcher, type ScriptedRequest } from './kit/play.js';
import type { ScriptInput, ScriptRoutes } from './kit/script.js';

export type { StreamRecord, StreamState } from './sse.js';
export type { StaxRunOptions, StaxSandboxStrategy, StaxWorkflow } from './platforms/stax.js';

/** Options of {@link startReferenceServer}. Durations in milliseconds. */
export interface ReferenceServerOptions {
  /**
   * TCP port to listen on; `0` picks a free one (read it from {@link ReferenceServer.port}).
   * @defaultValue 0
   */
  port?: number | undefined;
  /**
   * Interface to listen on. Only loopback addresses are accepted (`127.0.0.1` or any
   * `127.x.y.z`, `::1`, `localhost`): the server has fixed keys and no rate limits.
   * @defaultValue '127.0.0.1'
   */
  host?: string | undefined;
  /**
   * The API key the server accepts: as `Authorization: Bearer <apiKey>` on Crewship and OpenAI
   * routes and `X-API-Key: <apiKey>` on FlowMaestro, skills and Anthropic routes. PraisonAI and
   * stax routes need none.
   * @defaultValue 'test-key'
   */
  apiKey?: string | undefined;
  /**
   * Wait between two scripted events of a stream or a run, in milliseconds. Comments follow the
   * event before them at once.
   * @defaultValue 5
   */
  eventDelay?: number | undefined;
  /**
   * Interval of periodic keepalives, in milliseconds: stax `event: ping`, FlowMaestro
   * `: keepalive` and PraisonAI `: ping` comments. Tests pass small values to see them.
   * @defaultValue 30000
   */
  keepaliveInterval?: number | undefined;
  /**
   * Your own scripts, by route (`{ 'GET /my/events': script }`), played as
   * {@link ReferenceServer.play} plays them, before the built-in routes.
   * @defaultValue none
   */
  scripts?: ScriptRoutes | undefined;
}

/** A script the server plays on a route: what {@link ReferenceServer.play} returns. */
export interface PlayedScript {
  /** The route key, e.g. `'GET /my/events'`. */
  readonly route: string;
  /** Every request this script answered, oldest first, secrets redacted. */
  readonly requests: readonly ScriptedRequest[];
}

/** One request the server received, as {@link ReferenceServer.requests} logs it. */
export interface RecordedRequest {
  /** HTTP method, upper-case. */
  readonly method: string;
  /**
   * Path with its query string, e.g. `'/v1/runs/run_abc123/events?types=log'`; the values of
   * secret query parameters (`api_key`, `token`, …: the rule of `isSecretParam`) are `'***'`.
   */
  readonly path: string;
  /**
   * Request headers with lower-case names. The values of secret headers (`authorization`,
   * `x-api-key`, `cookie`, …: the rule of `isSecretHeader`) are replaced by `'***'`; repeated
   * headers are joined with `', '`.
   */
  readonly headers: Readonly<Record<string, string>>;
  /** The body parsed as JSON; `undefined` when there is none or it is not JSON. */
  readonly body: unknown;
  /** The `x-request-id` the server answered with. */
  readonly requestId: string;
}

/** Options of {@link ReferenceServer.dropNext}. */
export interface DropOptions {
  /** How many events to write in full before the drop (keepalives and comments do not count). */
  afterEvents: number;
  /**
   * Also write the first part of the next event before destroying the socket: for CRLF
   * streams up to the CR that ends its last field line (the LF and the blank line never
   * come); for LF streams up to the middle of the multi-byte character nearest its middle (or
   * its middle byte). Without it, the socket is destroyed between two events.
   * @defaultValue false
   */
  midEvent?: boolean | undefined;
}

/**
 * A running reference server. Routes (JSON errors are `{"error": {"code", "message"}}`,
 * PraisonAI's `{"detail": …}`, the stax runner's `{"error": "…"}`; every response carries CORS headers and an `x-request-id`;
 * `OPTIONS` on any path answers 204):
 *
 * - Crewship, `GET /v1/runs/:id/events` (Bearer; 401, 404): named events with ids `evt_001`, …;
 *   honours `Last-Event-ID` (replays after it; 204 when nothing is left) and `?types=a,b` (the
 *   `error` event and keepalives always pass). Runs: `run_abc123` (the CLI page's story),
 *   `run_failed` (ends `agent.error`, `run.failed`), `run_envelope` (unnamed `{"type","data"}`
 *   envelopes, an `event: heartbeat`, a named `complete`), `run_error` (an `event: error`
 *   `{"message"}` after three events).
 * - FlowMaestro, `GET /api/v1/executions/:id/events` and `GET /v1/executions/:id/events`
 *   (`X-API-Key`; 401, 404): camelCase payloads, no ids, a `: keepalive` comment after
 *   `connected` and every `keepaliveInterval`. Executions: `exec_xyz789` (completes),
 *   `exec_failed`, `exec_cancelled`.
 * - PraisonAI (no auth): `POST /api/v1/runs` `{prompt}` → 202 (`Location`, `Retry-After: 2`;
 *   400 without prompt; `Idempotency-Key` returns the same job); a job starts on its first
 *   use (any request below), one step every `eventDelay` ms; `GET /api/v1/runs/:id`;
 *   `GET /api/v1/runs/:id/result` (409 until finished); `POST /api/v1/runs/:id/cancel` (ends
 *   the job before it answers; 409 once finished); `GET /api/v1/runs/:id/stream`: the documented form (unnamed
 *   `{"event","data"}` envelopes, LF, then `data: [DONE]`) or the server's (named `status`,
 *   `progress`, `heartbeat`, `result` | `error` | `cancelled`, ids `1`, `2`, …, CRLF, a `: ping`
 *   comment and one every `keepaliveInterval`), resuming after `Last-Event-ID`; 400 once the
 *   job's final event has happened, whether or not a stream wrote it. Jobs: `run_abc123`
 *   (documented), `run_named`, `run_named_error`, `run_named_cancelled`; created jobs use the
 *   documented form unless the prompt has the word "named", and fail when it has "fail", are
 *   cancelled when it has "cancel".
 * - Skills engine, `POST /v1/skills/:skill_id/execute/stream` and `…/execute` (`x-api-key`;
 *   401, 400 without `inputs`): `my.skill` (outputs echo `inputs.text` and its length) and
 *   `failing.skill` (its `done` is `{"error": {"code": "STEP_FAILED", "message", "type",
 *   "status"}, "trace_id": null}`); an unknown skill is a 200 stream with only such a `done`
 *   (`SKILL_NOT_FOUND`, status 404) on the stream route, a 404 with that body on `/execute`;
 *   engine timestamps as `2026-11-21T09:32:41.880357+00:00Z`; no ids.
 * - stax runner (no auth; errors `{"error": "…"}`): `GET /api/events`, never ending, `event:
 *   ping` on connect and every `keepaliveInterval`, every run's events to every subscriber, no
 *   replay; `POST /api/runs` `{workflow, inputs?, sandbox?}` → 201 with the run object, the
 *   runner choosing the id, `run.started` already on the bus (400 for an unknown workflow or
 *   sandbox strategy); `GET /api/runs` (newest first), `GET /api/runs/:id` (404);
 *   `POST /api/runs/:id/cancel` (404, 409 once finished). Workflows `build` (job `build`,
 *   three steps, 16 events), `failing` (step 2 fails, step 3 skipped), `quick` (the rest on
 *   `setImmediate` after the answer), `slow` (50 × `eventDelay` between events).
 * - AG-UI 1.0 (no auth): `POST /agui/:story` with a `RunAgentInput` (422 without `threadId`,
 *   `runId` and `messages`; 404 for another story), unnamed `data:` JSON events echoing the
 *   request's `threadId` and `runId`, no ids: `weather` (text, a tool call, a state delta, ends
 *   `RUN_FINISHED` success), `quota` (`RUN_ERROR` `QUOTA`), `approval` (`RUN_FINISHED` with an
 *   interrupt), `cancelled`. Cut one with `dropNext('/agui/weather', { afterEvents })`.
 * - OpenAI Responses (Bearer; OpenAI error bodies): `POST /v1/responses` `{model, input,
 *   stream: true, background?}` streams a response whose `input` picks the story: `failed` (a
 *   nested `error`, then `response.failed`), `error` (a flat `error`), `incomplete`
 *   (`max_output_tokens`), `cut` (the connection drops after six events), else `completed`
 *   ("Hello there!"); ids `resp_00000001`, …; without `stream: true` the final Response as JSON.
 *   A background response is stored (a `cut` one with its whole story): `GET /v1/responses/:id`
 *   (JSON) and `GET /v1/responses/:id?stream=true&starting_after=N` (its events after N); 404
 *   for any other id.
 * - Anthropic Messages (`x-api-key`, `anthropic-version` required; 401, 400): `POST /v1/messages`
 *   `{model, max_tokens, messages, stream: true}` streams a message whose last user message picks
 *   the story: `tool` (a `tool_use` block), `overloaded` (an `overloaded_error` inside the 200),
 *   `cut` (ends before `message_stop`), else `completed` (the documented basic message, with a
 *   `ping`).
 */
export interface ReferenceServer {
  /** Origin of the server, e.g. `'http://127.0.0.1:54321'` (no trailing slash). */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** Every request received, oldest first; at most 10 000 (older ones are dropped). */
  readonly requests: readonly RecordedRequest[];
  /** Every SSE response opened, oldest first, updated live; at most 10 000. */
  readonly streams: readonly StreamRecord[];
  /**
   * Makes the next SSE response whose path (with query) starts with `path` (or matches it, for a
   * RegExp) drop after `afterEvents` events. Faults queue: each applies to one response.
   */
  dropNext(path: string | RegExp, options: DropOptions): void;
  /**
   * Drops every SSE response open now whose path (with query) starts with `path` (or matches
   * it, for a RegExp): destroys its socket between two events, as a `dropNext` fault does (state
   * `'dropped'`). For the stax bus, `dropOpen('/api/events')` cuts every subscriber mid-run; the
   * bus never replays what is sent before a client reconnects.
   *
   * @returns how many responses it dropped.
   */
  dropOpen(path: string | RegExp): number;
  /**
   * Starts a stax run, as `POST /api/runs` does: `run.started` is on the bus when it returns,
   * the next event follows after `eventDelay` ms (50 × for `slow`, at once for `quick`). Unlike
   * the HTTP route, it lets the caller choose the id.
   *
   * @param run - the run id (the `build` workflow), or `{ id?, workflow?, inputs?, sandbox? }`;
   *   by default a `build` run with 8 random hex digits as id.
   * @returns the run id.
   * @throws TypeError when the id is not 1–64 of `[A-Za-z0-9_.-]`, or for an unknown workflow or
   *   sandbox strategy; Error when a run of that id is still playing.
   */
  staxStartRun(run?: string | StaxRunOptions): string;
  /**
   * Plays `script` on `route` over real sockets, the way `scriptedFetch()` plays it: the n-th
   * request gets the n-th connection (events, waits, a cut that destroys the socket mid-event,
   * a status with headers and body), then what `afterLast` says. Played routes are matched
   * before the built-in ones, the latest `play()` first; they are logged in
   * {@link ReferenceServer.requests} but not in {@link ReferenceServer.streams}.
   *
   * @param route - `'GET /my/events'`, `'POST /v1/skills/x/execute/stream'`, or a path alone
   *   (any method); `:name` matches one segment; the query is ignored unless the key has one.
   * @param script - the steps, a connection or a whole script; see `ScriptInput`.
   * @returns the route and the requests its script answered.
   * @throws TypeError for a malformed route or a script that cannot play.
   */
  play(route: string, script: ScriptInput): PlayedScript;
  /**
   * Stops the server: ends every open SSE response, closes every connection and clears every
   * timer, so that the process can exit. Resolves once the listening socket is closed.
   * Calling it again returns the same promise.
   */
  close(): Promise<void>;
}

const MAX_LOG = 10_000;
const MAX_BODY = 1024 * 1024;
const MAX_CONNECTIONS = 512;
/** Connection-level headers a played script's `Request` does not take. */
const HOP_HEADERS = new Set(['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'upgrade', 'expect']);
const CORS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, x-api-key, last-event-id, content-type, idempotency-key, accept, traceparent, tracestate, a2a-version, mcp-protocol-version, mcp-session-id, mcp-method, mcp-name',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-expose-headers': 'x-request-id, retry-after, mcp-session-id',
};

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`startReferenceServer: ${name} must be a number ≥ 0 (ms), got ${value}`);
  return value;
}

/** Compiles `/v1/runs/:id/events` into a RegExp with named groups. */
function compile(route: Route): { route: Route; regexp: RegExp } {
  const source = route.pattern
    .split('/')
    .map((part) => (part.startsWith(':') ? `(?<${part.slice(1)}>[^/]+)` : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return { route, regexp: new RegExp(`^${source}$`) };
}

/** Reads the body; `'too-large'` past MAX_BODY bytes (the rest is discarded). */
function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', () => resolve(Buffer.alloc(0)));
  });
}

function parseJson(buffer: Buffer | 'too-large' | undefined): unknown {
  if (buffer === undefined || buffer === 'too-large' || buffer.length === 0) return undefined;
  try {
    return JSON.parse(buffer.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function headerMap(req: IncomingMessage): Record<string, string> {
  return redactHeaders(req.headers);
}

function pushBounded<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > MAX_LOG) list.splice(0, list.length - MAX_LOG);
}

/**
 * Starts a reference server: scripted runs of Crewship, FlowMaestro, PraisonAI async jobs, the
 * skills engine and the stax runner over real sockets, with a request log and fault injection.
 * Node only. Bounded: request bodies up to 1 MiB (413 beyond), 512 connections, 1000 jobs,
 * 1000 stax runs in progress and 200 finished ones, 10 000 log entries, 1 MiB buffered per SSE
 * response. Each call makes an independent server with its own state; see
 * {@link ReferenceServer} for the routes.
 *
 * @example
 * ```ts
 * import { Runstream } from 'runstream';
 * import { startReferenceServer } from 'runstream/testing';
 *
 * const server = await startReferenceServer();
 * const client = new Runstream({ baseUrl: server.url, apiKey: 'test-key' });
 * for await (const event of client.runs.stream('run_abc123')) console.log(event.type);
 * await server.close();
 * ```
 *
 * @param options - port, host, API key and pacing; see {@link ReferenceServerOptions}.
 * @returns the server, once it listens.
 * @throws TypeError (rejects) when `host` is not a loopback address; RangeError for a negative
 *   or non-finite duration; the listen error (e.g. `EADDRINUSE`) when the port is taken.
 */
export async function startReferenceServer(options: ReferenceServerOptions = {}): Promise<ReferenceServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host)) throw new TypeError(`startReferenceServer: host must be a loopback address, got "${host}"`);
  const settings: Settings = {
    apiKey: options.apiKey ?? 'test-key',
    eventDelay: nonNegative('eventDelay', options.eventDelay, 5),
    keepaliveInterval: nonNegative('keepaliveInterval', options.keepaliveInterval, 30_000),
  };
  if (settings.keepaliveInterval === 0) throw new RangeError('startReferenceServer: keepaliveInterval must be > 0 (ms)');

  const timers = new Timers();
  const core: Core = { settings, timers };
  const stax = staxRunner(core);
  const routes = [...crewshipRoutes(), ...flowmaestroRoutes(), ...praisonaiRoutes(core), ...skillsRoutes(), ...stax.routes, ...mcpRoutes(), ...a2aRoutes(), ...aguiRoutes(), ...openaiRoutes(), ...anthropicRoutes()].map(compile);

  const requests: RecordedRequest[] = [];
  const streams: StreamRecord[] = [];
  const channels = new Set<SseChannel>();
  const faults: Fault[] = [];
  let nextRequestId = 0;
  const played: { matcher: RouteMatcher; player: ScriptPlayer }[] = [];
  function play(route: string, script: ScriptInput): PlayedScript {
    const entry = { matcher: compileRoute(route), player: new ScriptPlayer(script, { route }) };
    played.unshift(entry);
    return { route, requests: entry.player.requests };
  }
  for (const [route, script] of Object.entries(options.scripts ?? {})) play(route, script);

  /** Answers a request from a played script: the Web response, streamed to the socket. */
  async function playScript(player: ScriptPlayer, req: IncomingMessage, res: ServerResponse, url: URL, raw: Buffer | undefined): Promise<void> {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || HOP_HEADERS.has(name)) continue;
      headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const method = req.method ?? 'GET';
    const stop = new AbortController();
    res.on('close', () => stop.abort(new Error('the client closed the connection')));
    const request = new Request(url, { method, headers, ...(raw && raw.length ? { body: new Uint8Array(raw) } : {}) });
    const response = await player.respond(request, stop.signal);
    const outgoing: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      outgoing[name] = value;
    });
    res.writeHead(response.status, outgoing);
    if (!response.body) {
      res.end();
      return;
    }
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    const reader = response.body.getReader();
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        // A scripted cut: FIN once the partial event is flushed, with no terminating chunk.
        if (error instanceof ScriptCutError && res.socket) res.socket.destroySoon();
        else res.destroy();
        return;
      }
      if (chunk.done) break;
      if (res.destroyed) {
        await reader.cancel().catch(() => {});
        return;
      }
      res.write(chunk.value);
      res.socket?.uncork();
    }
    res.end();
  }

  function takeFault(path: string): Fault | undefined {
    const index = faults.findIndex((fault) => (typeof fault.match === 'string' ? path.startsWith(fault.match) : fault.match.test(path)));
    return index === -1 ? undefined : faults.splice(index, 1)[0];
  }

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (res.headersSent || res.destroyed) return;
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, {
      ...headers,
      ...(text ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) } : {}),
    });
    res.end(text);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = `req_${String(++nextRequestId).padStart(6, '0')}`;
    for (const [name, value] of Object.entries(CORS)) res.setHeader(name, value);
    res.setHeader('x-request-id', requestId);
    res.on('error', () => {});
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const url = new URL(path, 'http://reference.invalid');
    const raw = method === 'GET' || method === 'HEAD' || method === 'OPTIONS' ? undefined : await readBody(req);
    const body = parseJson(raw);
    pushBounded(requests, { method, path: redactUrl(path), headers: headerMap(req), body, requestId });

    if (method === 'OPTIONS') {
      res.writeHead(204, { 'access-control-max-age': '600' });
      res.end();
      return;
    }
    if (raw === 'too-large') {
      send(res, 413, errorBody('payload_too_large', `Request bodies are limited to ${MAX_BODY} bytes`));
      return;
    }
    const script = played.find(({ matcher }) => matcher.test(method, new URL(path, `http://${req.headers.host ?? 'reference.invalid'}`)));
    if (script) {
      await playScript(script.player, req, res, new URL(path, `http://${req.headers.host ?? 'reference.invalid'}`), raw);
      return;
    }
    let pathMatched = false;
    for (const { route, regexp } of routes) {
      const match = regexp.exec(url.pathname);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      for (const [name, value] of Object.entries(match.groups ?? {})) params[name] = decodeURIComponent(value);
      const ctx: RequestContext = {
        core,
        req,
        res,
        url,
        params,
        body,
        header: (name) => {
          const value = req.headers[name.toLowerCase()];
          return Array.isArray(value) ? value.join(', ') : value;
        },
        json: (status, payload, headers) => send(res, status, payload, headers),
        noContent: () => send(res, 204, undefined),
        sse: (format = {}) => {
          res.writeHead(200, {
            'content-type': format.contentType ?? 'text/event-stream',
            'cache-control': 'no-cache',
            connection: 'keep-alive',
          });
          res.flushHeaders();
          const record: StreamRecord = {
            method,
            path,
            requestId,
            lastEventId: ctx.header('last-event-id'),
            events: 0,
            state: 'open',
          };
          pushBounded(streams, record);
          const channel = new SseChannel(res, record, formatOf(format), takeFault(path));
          channels.add(channel);
          channel.signal.addEventListener('abort', () => channels.delete(channel), { once: true });
          return channel;
        },
      };
      await route.handler(ctx);
      return;
    }
    if (pathMatched) {
      send(res, 405, errorBody('method_not_allowed', `${method} is not allowed on ${url.pathname}`), { allow: 'GET, POST, OPTIONS' });
    } else {
      send(res, 404, errorBody('not_found', `No route for ${method} ${url.pathname}`));
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, errorBody('internal', error instanceof Error ? error.message : String(error)));
      else res.destroy();
    });
  });
  // A client that vanishes mid-request must not crash the process.
  server.on('clientError', (_error, socket) => socket.destroy());
  server.maxConnections = MAX_CONNECTIONS;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url: origin,
    port,
    requests,
    streams,
    dropNext(path, dropOptions) {
      const afterEvents = dropOptions?.afterEvents;
      if (typeof afterEvents !== 'number' || !Number.isInteger(afterEvents) || afterEvents < 0) {
        throw new RangeError('dropNext: afterEvents must be an integer ≥ 0');
      }
      faults.push({ match: path, afterEvents, midEvent: dropOptions.midEvent === true });
    },
    dropOpen(path) {
      let dropped = 0;
      for (const channel of [...channels]) {
        if (!channel.open) continue;
        const target = channel.record.path;
        if (typeof path === 'string' ? target.startsWith(path) : path.test(target)) {
          channel.drop();
          dropped++;
        }
      }
      return dropped;
    },
    staxStartRun: (run) => stax.startRun(run),
    play,
    close() {
      closing ??= new Promise<void>((resolve) => {
        timers.close();
        for (const channel of [...channels]) channel.shutdown();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
