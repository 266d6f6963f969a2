/**
 * `scriptedFetch()`: a `fetch` that answers from a script, with no server. Web APIs only.
 *
 * @module
 */
import { isRoutes, ScriptPlayer, ScriptRouter, type PlayOptions, type ScriptedRequest } from './play.js';
import type { ScriptInput, ScriptRoutes } from './script.js';

/**
 * A `fetch` that plays a script: pass it as the `fetch` option of `connect()` or of any client
 * (`new Crewship({ fetch })`). It also records every request it answered.
 */
export interface ScriptedFetch {
  /** Answers like `fetch`: rejects with the signal's reason when `init.signal` is already aborted. */
  (input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /** Every request answered, oldest first, secrets redacted; see {@link ScriptedRequest}. */
  readonly requests: readonly ScriptedRequest[];
  /** The `problem` of each refused request (unexpected `Last-Event-ID`, no script, …), in order. */
  readonly problems: readonly string[];
}

/**
 * Makes a `fetch` that answers from a script, in any runtime, without a server: the n-th
 * request gets the script's n-th connection (a `text/event-stream` body written step by step,
 * or a plain status and body), then what `afterLast` says (`204` by default).
 *
 * Given {@link ScriptRoutes} (`{ 'GET /v1/runs/:id/events': script, … }`), each route plays its
 * own script; a request no route matches gets a `404` whose message lists the routes.
 *
 * Like `fetch`, it honours `init.signal`: an abort before the answer rejects with the signal's
 * reason; an abort while the body streams errors the body and stops the script's waits. A
 * {@link ScriptCut} ends the body with `TypeError: terminated`, as a dropped socket does.
 *
 * @example
 * ```ts
 * import { connect } from 'runstream';
 * import { scriptedFetch } from 'runstream/testing';
 *
 * const fetch = scriptedFetch([{ event: 'ready', data: { ok: true } }]);
 * for await (const event of connect('https://api.test/events', { fetch, json: true, reconnect: false })) {
 *   console.log(event.type, event.data); // ready { ok: true }
 * }
 * ```
 *
 * @param script - one script (steps, a connection or a {@link Script}) or scripts by route.
 * @param options - how `{ wait }` steps wait; see {@link PlayOptions}.
 * @returns the fetch, with its request log.
 * @throws TypeError for a script that cannot play (see {@link ScriptInput}): an unknown cut,
 *   a cut with no event after it, `'between-cr-lf'` without `eol: '\r\n'`, a negative wait, an
 *   `event` or `id` with CR or LF, a malformed route key.
 */
export function scriptedFetch(script: ScriptInput | ScriptRoutes, options: PlayOptions = {}): ScriptedFetch {
  const player = isRoutes(script) ? new ScriptRouter(script, options) : new ScriptPlayer(script, options);
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    // The caller's own signal: a Request's copy of it is only as reliable as the runtime's.
    const signal = init?.signal ?? request.signal;
    if (signal.aborted) throw signal.reason;
    return player.respond(request, signal);
  };
  return Object.defineProperties(fetch, {
    requests: { get: () => player.requests, enumerable: true },
    problems: { get: () => player.requests.flatMap((request) => (request.problem ? [request.problem] : [])), enumerable: true },
  }) as ScriptedFetch;
}
