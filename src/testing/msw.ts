/**
 * `runstream/testing/msw`: msw handlers that play runstream scripts, GET and POST alike, so a
 * test's msw setup gains streaming endpoints (or every platform runstream supports) in one
 * line. Needs `msw` 2 (an optional peer dependency: install it yourself); Web APIs only, so
 * it works with `msw/node` and `msw/browser` alike.
 *
 * Each handler answers with a `Response` whose body is a streaming `ReadableStream`
 * (`content-type: text/event-stream`), written step by step as the script says: waits, cuts,
 * statuses. msw's own `sse()` is not used: it only answers GET, as an `EventSource` would.
 *
 * @packageDocumentation
 * @module runstream/testing/msw
 */
import { http, type HttpHandler } from 'msw';
import { compileRoute, ScriptPlayer, type PlayOptions, type ScriptedRequest } from './kit/play.js';
import { platformScripts, type PlatformName } from './kit/platforms.js';
import type { ScriptInput, ScriptRoutes } from './kit/script.js';

/** An HTTP method {@link sseHandler} answers, lower-case as msw's `http` names them. */
export type HandlerMethod = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'all';

/** An msw handler that plays a script, with the requests it answered. */
export type ScriptHandler = HttpHandler & {
  /** Every request this handler answered, oldest first, secrets redacted. */
  readonly requests: readonly ScriptedRequest[];
};

/**
 * An msw handler that plays `script` on `method` `url`: the n-th matching request gets the
 * script's n-th connection, then what `afterLast` says (`204` by default).
 *
 * @example
 * ```ts
 * import { setupServer } from 'msw/node';
 * import { sseHandler } from 'runstream/testing/msw';
 *
 * const handler = sseHandler('post', 'https://api.test/chat', [{ event: 'token', data: 'Hel' }, { event: 'token', data: 'lo' }]);
 * const server = setupServer(handler);
 * // … handler.requests[0].body is the POST body the client sent
 * ```
 *
 * @param method - `'get'`, `'post'`, … (msw's `http` method names).
 * @param url - what msw matches: an absolute URL or a path, with `:name` parameters and `*`.
 * @param script - the steps, a connection or a whole script (see `ScriptInput`).
 * @param options - how `{ wait }` steps wait (see `PlayOptions`).
 * @returns the handler, with its request log.
 * @throws TypeError for a script that cannot play.
 */
export function sseHandler(method: HandlerMethod, url: string, script: ScriptInput, options: PlayOptions = {}): ScriptHandler {
  return handlerFor(method, url, script, options, `${method.toUpperCase()} ${url}`);
}

/** A handler whose requests (and messages) name `route`. */
function handlerFor(method: HandlerMethod, url: string, script: ScriptInput, options: PlayOptions, route: string): ScriptHandler {
  // msw reads a mocked body a few chunks ahead of the client: pad before a cut's error.
  const player = new ScriptPlayer(script, { ...options, route, cutPadding: 16 });
  const handler = http[method](url, ({ request }) => player.respond(request));
  return Object.defineProperty(handler, 'requests', { get: () => player.requests, enumerable: true }) as ScriptHandler;
}

/**
 * One handler per route of `routes` (`{ 'GET /v1/runs/:id/events': script, … }`), each playing
 * its script; `baseUrl` prefixes the routes that are paths.
 *
 * @param routes - scripts by route; a key without a method answers every method.
 * @param baseUrl - origin (and optional path prefix) of the routes, e.g. `'https://api.test'`.
 * @param options - how `{ wait }` steps wait.
 * @returns the handlers, in the order of `routes`.
 * @throws TypeError for a malformed route key or a script that cannot play.
 */
export function scriptHandlers(routes: ScriptRoutes, baseUrl = '', options: PlayOptions = {}): ScriptHandler[] {
  const prefix = baseUrl.replace(/\/+$/, '');
  return Object.entries(routes).map(([key, script]) => {
    const matcher = compileRoute(key);
    const url = /^https?:\/\//i.test(matcher.path) ? matcher.path : `${prefix}${matcher.path}`;
    return handlerFor((matcher.method?.toLowerCase() ?? 'all') as HandlerMethod, url, script, options, key);
  });
}

/**
 * msw handlers for runstream's platforms on `baseUrl`: the realistic runs of
 * `platformScripts()` (Crewship `run_abc123`, FlowMaestro `exec_xyz789`, PraisonAI `run_named`,
 * skills `my.skill` by POST, the stax bus and runs API, and their failing variants).
 *
 * @example
 * ```ts
 * const server = setupServer(...platformHandlers('https://api.test'));
 * const client = new Runstream({ baseUrl: 'https://api.test', apiKey: 'test' });
 * for await (const event of client.skills.start('my.skill', { inputs: { text: 'Hello world' } })) console.log(event.type);
 * ```
 *
 * @param baseUrl - origin (and optional path prefix) the client talks to.
 * @param platforms - only these platforms. @defaultValue all of them (see `PlatformName`)
 * @returns the handlers.
 * @throws TypeError for an unknown platform name.
 */
export function platformHandlers(baseUrl: string, platforms?: readonly PlatformName[]): ScriptHandler[] {
  return scriptHandlers(platformScripts({ platforms }), baseUrl);
}
