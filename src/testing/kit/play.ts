/**
 * The one script player: a `Request` in, a `Response` out, with a streaming body that enqueues
 * the playback engine's chunks (src/testing/kit/engine.ts: blocks, waits, cuts) and stops when
 * the client leaves. `scriptedFetch()`, the msw handlers and the reference server's `play()`
 * answer through it; the server's built-in platform routes write the same engine's bytes
 * through `SseChannel` (src/testing/sse.ts). Web APIs only.
 *
 * @module
 */
import type { SSEFrame } from '../../core/encode.js';
import { redactHeaders, redactUrl } from '../../core/redact.js';
import { formatOf, playSteps, type Sleep } from './engine.js';
import {
  isEventStep,
  toScript,
  type ScriptConnection,
  type Script,
  type ScriptInput,
  type ScriptRoutes,
  type ScriptStep,
} from './script.js';

/**
 * One request a script answered, as {@link ScriptedFetch.requests} (and the msw handlers'
 * `requests`, and {@link PlayedScript.requests}) record it.
 */
export interface ScriptedRequest {
  /** HTTP method, upper-case. */
  readonly method: string;
  /** The full URL; the values of secret query parameters (the rule of `isSecretParam`) are `'***'`. */
  readonly url: string;
  /** Path with its query string, e.g. `'/v1/runs/run_1/events?types=log'`, redacted as `url` is. */
  readonly path: string;
  /**
   * Request headers with lower-case names. The values of secret headers (`authorization`,
   * `proxy-authorization`, `x-api-key`, `cookie`, …: the rule of `isSecretHeader`) are
   * replaced by `'***'`.
   */
  readonly headers: Readonly<Record<string, string>>;
  /** The body as text; `''` when there is none. */
  readonly body: string;
  /** The `Last-Event-ID` request header; `undefined` when absent. */
  readonly lastEventId: string | undefined;
  /** Which connection of the script answered (0 for the first); `-1` for a request after the last one. */
  readonly connection: number;
  /** The route key that matched (`'GET /v1/runs/:id/events'`); `undefined` for a single script. */
  readonly route: string | undefined;
  /** Why the script refused the request (an unexpected `Last-Event-ID`, no script, …); `undefined` when it played. */
  readonly problem: string | undefined;
}


export type { Sleep } from './engine.js';

/** Options of the players: {@link scriptedFetch}, the msw handlers. */
export interface PlayOptions {
  /** How `{ wait }` steps wait. @defaultValue a `setTimeout`-based wait (`Infinity`: until the client leaves) */
  sleep?: Sleep | undefined;
}

/** Waits `delay` ms or until `signal` aborts; `Infinity` waits for the abort only. @internal */
export const defaultSleep: Sleep = (delay, signal) =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = () => {
      if (timer !== undefined) clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    if (Number.isFinite(delay)) timer = setTimeout(done, delay);
    signal.addEventListener('abort', done, { once: true });
  });

/** The error a scripted cut ends a body with: what a dropped socket gives fetch (`TypeError: terminated`). @internal */
export class ScriptCutError extends TypeError {
  constructor(kind: string) {
    super('terminated', { cause: new Error(`runstream/testing: the script cut the connection (${kind})`) });
  }
}

/** Headers as a record with lower-case names and secrets redacted (the rule of `isSecretHeader`). @internal */
export function redactedHeaders(headers: Headers): Record<string, string> {
  return redactHeaders(headers);
}

function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** The answer to a request the script refuses: a JSON body `{"error": {"code", "message"}}`. @internal */
export function refusal(status: number, code: string, message: string): Response {
  return jsonResponse(status, { error: { code, message } });
}

/** The steps left after the event whose id is `lastEventId`; all of them for an unknown id. */
function resumeSteps(steps: readonly ScriptStep[], lastEventId: string | undefined): readonly ScriptStep[] {
  if (!lastEventId) return steps;
  const index = steps.findIndex((step) => isEventStep(step) && (step as SSEFrame).id === lastEventId);
  return index === -1 ? steps : steps.slice(index + 1);
}

/**
 * A streaming body that enqueues the engine's chunks one per pull, so that a cut errors the
 * stream only once every byte before it has been read (an error discards what is still queued).
 */
function bodyOf(connection: ScriptConnection, steps: readonly ScriptStep[], signal: AbortSignal, sleep: Sleep, padding: number): ReadableStream<Uint8Array> {
  // A private controller: the client leaving (cancel) or aborting stops every wait at once.
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  const chunks = playSteps(steps, formatOf(connection), sleep, stop.signal);
  let cut: string | undefined;
  let padded = 0;
  const finish = () => signal.removeEventListener('abort', onAbort);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (cut !== undefined) {
        if (padded++ < padding) return controller.enqueue(new Uint8Array(0));
        finish();
        return controller.error(new ScriptCutError(cut));
      }
      const next = await chunks.next();
      if (stop.signal.aborted) {
        finish();
        return controller.error(stop.signal.reason);
      }
      if (next.done) {
        finish();
        return controller.close();
      }
      if (next.value.cut !== undefined) cut = next.value.cut;
      controller.enqueue(next.value.bytes);
    },
    cancel(reason) {
      finish();
      stop.abort(reason);
    },
  });
}

/** The response of one connection, once its expectations passed. */
function responseOf(connection: ScriptConnection, steps: readonly ScriptStep[], signal: AbortSignal, sleep: Sleep, padding: number): Response {
  const status = connection.status ?? 200;
  const headers = new Headers(connection.headers);
  if (status === 204 || status === 304 || (status >= 100 && status < 200)) return new Response(null, { status, headers });
  if (connection.body !== undefined) {
    const text = typeof connection.body === 'string' ? connection.body : JSON.stringify(connection.body);
    if (!headers.has('content-type')) headers.set('content-type', typeof connection.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json');
    return new Response(text, { status, headers });
  }
  if (!headers.has('content-type')) headers.set('content-type', 'text/event-stream');
  if (!headers.has('cache-control')) headers.set('cache-control', 'no-cache');
  return new Response(bodyOf(connection, steps, signal, sleep, padding), { status, headers });
}

/**
 * Plays one script: the n-th request gets the n-th connection, then what `afterLast` says.
 *
 * @internal
 */
export class ScriptPlayer {
  readonly requests: ScriptedRequest[] = [];
  readonly #script: Script;
  readonly #label: string;
  readonly #route: string | undefined;
  readonly #sleep: Sleep;
  readonly #padding: number;
  #next = 0;

  /**
   * `cutPadding`: empty chunks written before a cut's error. A body that is read ahead of the
   * client (msw pipes it through streams of its own) loses what is still queued when it errors;
   * empty chunks fill that read-ahead, so the bytes before the cut reach the client first.
   */
  constructor(input: ScriptInput, options: PlayOptions & { label?: string | undefined; route?: string | undefined; cutPadding?: number | undefined } = {}) {
    this.#script = toScript(input);
    this.#route = options.route;
    this.#label = options.label ?? options.route ?? 'the script';
    this.#sleep = options.sleep ?? defaultSleep;
    this.#padding = options.cutPadding ?? 0;
  }

  /** Answers `request`; `signal` (default: the request's) stops the body when it aborts. */
  async respond(request: Request, signal: AbortSignal = request.signal): Promise<Response> {
    const body = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.clone().text().catch(() => '');
    const url = new URL(request.url);
    const lastEventId = request.headers.get('last-event-id') ?? undefined;
    const connections = this.#script.connections;
    const number = this.#next++;
    let index = number < connections.length ? number : -1;
    const afterLast = this.#script.afterLast ?? 'no-content';
    if (index === -1 && afterLast === 'repeat' && connections.length > 0) index = connections.length - 1;
    let problem: string | undefined;
    let response: Response;
    const connection = index === -1 ? undefined : connections[index]!;
    if (!connection) {
      if (afterLast === 'reject') {
        problem = `runstream/testing: ${this.#label} has ${connections.length} connection(s); request #${number + 1} (${request.method} ${url.pathname}) was not expected`;
        response = refusal(418, 'unexpected_request', problem);
      } else response = new Response(null, { status: 204 });
    } else if (connection.expectLastEventId !== undefined && (lastEventId ?? null) !== connection.expectLastEventId) {
      const expected = connection.expectLastEventId === null ? 'no Last-Event-ID' : `Last-Event-ID ${JSON.stringify(connection.expectLastEventId)}`;
      const got = lastEventId === undefined ? 'none' : JSON.stringify(lastEventId);
      problem = `runstream/testing: connection ${index + 1} of ${this.#label} expected ${expected}, got ${got}`;
      response = refusal(418, 'unexpected_last_event_id', problem);
    } else {
      const steps = connection.resume ? resumeSteps(connection.steps ?? [], lastEventId) : (connection.steps ?? []);
      response =
        connection.resume && lastEventId && !steps.some(isEventStep) && connection.body === undefined
          ? new Response(null, { status: 204 })
          : responseOf(connection, steps, signal, this.#sleep, this.#padding);
    }
    this.requests.push({
      method: request.method,
      url: redactUrl(url.href),
      path: redactUrl(url.pathname + url.search),
      headers: redactedHeaders(request.headers),
      body,
      lastEventId,
      connection: connection ? index : -1,
      route: this.#route,
      problem,
    });
    return response;
  }
}

/** A compiled route key. @internal */
export interface RouteMatcher {
  readonly key: string;
  readonly method: string | undefined;
  /** The path pattern as msw takes it (`/v1/runs/:id/events`, or an absolute URL). */
  readonly path: string;
  test(method: string, url: URL): boolean;
}

const METHOD = /^([A-Za-z]+)\s+(\S+)$/;

/**
 * Compiles a route key (`'GET /v1/runs/:id/events'`, `'/events'`, `'POST https://x.test/a'`).
 *
 * @throws TypeError when the key is neither a path nor an absolute URL.
 * @internal
 */
export function compileRoute(key: string): RouteMatcher {
  const match = METHOD.exec(key.trim());
  const method = match ? match[1]!.toUpperCase() : undefined;
  const target = match ? match[2]! : key.trim();
  const absolute = /^https?:\/\//i.test(target);
  if (!absolute && !target.startsWith('/')) throw new TypeError(`runstream/testing: route ${JSON.stringify(key)} must be "METHOD /path", "/path" or an absolute URL`);
  const parsed = new URL(target, 'http://route.invalid');
  const withQuery = parsed.search !== '';
  const source = parsed.pathname
    .split('/')
    .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  const pathname = new RegExp(`^${source}/?$`);
  return {
    key,
    method,
    path: absolute ? `${parsed.origin}${parsed.pathname}` : parsed.pathname,
    test(requestMethod, url) {
      if (method && requestMethod.toUpperCase() !== method) return false;
      if (absolute && url.origin !== parsed.origin) return false;
      if (withQuery && url.search !== parsed.search) return false;
      return pathname.test(url.pathname);
    },
  };
}

/**
 * Scripts by route, first match wins; a request no route matches is a 404 whose message lists
 * the routes (and is recorded with that problem).
 *
 * @internal
 */
export class ScriptRouter {
  readonly requests: ScriptedRequest[] = [];
  readonly #routes: { matcher: RouteMatcher; player: ScriptPlayer }[] = [];

  constructor(routes: ScriptRoutes, options: PlayOptions = {}) {
    for (const [key, input] of Object.entries(routes)) {
      this.#routes.push({ matcher: compileRoute(key), player: new ScriptPlayer(input, { ...options, route: key }) });
    }
  }

  /** True when a route matches. */
  matches(method: string, url: URL): boolean {
    return this.#routes.some(({ matcher }) => matcher.test(method, url));
  }

  async respond(request: Request, signal: AbortSignal = request.signal): Promise<Response> {
    const url = new URL(request.url);
    const route = this.#routes.find(({ matcher }) => matcher.test(request.method, url));
    if (route) {
      const response = await route.player.respond(request, signal);
      this.requests.push(route.player.requests.at(-1)!);
      return response;
    }
    const problem = `runstream/testing: no script for ${request.method} ${url.pathname}; scripted: ${this.#routes.map(({ matcher }) => matcher.key).join(', ') || 'none'}`;
    this.requests.push({
      method: request.method,
      url: redactUrl(url.href),
      path: redactUrl(url.pathname + url.search),
      headers: redactedHeaders(request.headers),
      body: request.method === 'GET' || request.method === 'HEAD' ? '' : await request.clone().text().catch(() => ''),
      lastEventId: request.headers.get('last-event-id') ?? undefined,
      connection: -1,
      route: undefined,
      problem,
    });
    return refusal(404, 'no_script', problem);
  }
}

/** True when `input` is a {@link ScriptRoutes} record rather than one script. @internal */
export function isRoutes(input: ScriptInput | ScriptRoutes): input is ScriptRoutes {
  if (Array.isArray(input) || typeof input !== 'object' || input === null) return false;
  const keys = Object.keys(input);
  return keys.length > 0 && keys.every((key) => key.startsWith('/') || METHOD.test(key) || /^https?:\/\//i.test(key));
}
