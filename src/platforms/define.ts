/**
 * The shape of a platform definition, and the checks that tie its lists to its event map. Each
 * `src/platforms/<name>/definition.ts` is one such definition: data and small pure functions
 * (Web APIs only), read by the resource, the client class, the CLI and the docs test.
 *
 * @module
 */
import type { PlatformSpec } from '../core/adapter.js';
import type { EventOf } from '../core/types.js';
import { DEFAULTS, type AuthScheme } from '../core/options.js';
import { segment, type RequestSpec, type StreamSpec } from '../core/request.js';
import type { StreamOptions } from '../core/sse.js';

/** One HTTP route of a platform: its method and its path template (`{name}` is a path parameter). @internal */
export interface Route {
  method: 'GET' | 'POST';
  /** Below the base URL, e.g. `'/v1/runs/{runId}/events'`. */
  path: string;
}

/**
 * How a terminal event maps to the stream's outcome: that outcome always, or `'by-data'`: the
 * event's data says (a job `status`, a run's `status`/`conclusion`, a result's `error`).
 * @internal
 */
export type OutcomeRule = 'completed' | 'failed' | 'cancelled' | 'interrupted' | 'ended' | 'by-data';

/**
 * A platform, described once.
 *
 * @typeParam Map - the payloads of its events, by event name.
 * @typeParam Terminal - the names of its terminal events.
 * @internal
 */
export interface PlatformDefinition<Map extends object = Record<string, unknown>, Terminal extends keyof Map & string = keyof Map & string> extends PlatformSpec {
  /** The folder name under `src/platforms/`, e.g. `'crewship'`. */
  name: string;
  /** The platform's name as its docs spell it, e.g. `'Crewship'`. */
  title: string;
  /** The URL its own docs call, and which page says so. */
  baseUrl: string;
  /** Where {@link PlatformDefinition.baseUrl} comes from in the platform's docs. */
  baseUrlSource: string;
  /** Its documented auth scheme. */
  auth: AuthScheme;
  /**
   * Which entry of `DEFAULTS.idleTimeout` is the default idle timeout of its streams. A key, not
   * the value: a property read at module level would keep every definition in bundles that
   * import none (bundlers cannot prove the read free of side effects).
   */
  idleTimeout: keyof typeof DEFAULTS.idleTimeout;
  /** Every event name the iterator yields: each key of `Map`, no other (checked at compile time). */
  known: readonly (keyof Map & string)[];
  /** Events after which the platform sends nothing more (for stax: after which a followed run ends). */
  terminal: readonly Terminal[];
  /** How each terminal event maps to the stream's outcome. */
  outcomes: { readonly [Type in NoInfer<Terminal>]: OutcomeRule };
  /** Named events that only keep the connection alive: never delivered. */
  keepalive: readonly string[];
  /** The text of the SSE comments it sends as keepalives (`': ping'` is `'ping'` here). */
  keepaliveComments: readonly string[];
  /** The line endings its servers use: `'\n'` and, where observed, `'\r\n'`. */
  lineEndings: readonly ('\n' | '\r\n')[];
  /** Whether its server sends `id:` fields (and so can resume by `Last-Event-ID`). */
  ids: boolean;
  /** Its routes, by the resource method that calls them. */
  routes: Readonly<Record<string, Route>>;
  /**
   * How its streams continue after a dropped connection: `'last-event-id'` (reconnect with the
   * last id), `'reconnect'` (reconnect without one: the server sends none), `'never'` (a POST
   * that started work; never re-sent unless `resume: 'resend'`), `'resubscribe'` (never re-sends
   * the request that started the work; resumes by the protocol's own request where it has one: MCP
   * 2025-11-25's `GET` with `Last-Event-ID`, A2A's `SubscribeToTask`, an OpenAI background
   * response's `starting_after`).
   */
  resume: 'last-event-id' | 'reconnect' | 'never' | 'resubscribe';
  /**
   * What runstream does when the wire cannot tell what happened in a gap: `'gap-marker'` (a
   * `resync` event, `recovered: false`), `'rest-state'` (asks the REST API and delivers the
   * state in a `resync` event, ending with the outcome when the run finished), `'snapshot'` (the
   * re-subscribe answers with the whole state first, delivered as a `resync` event, `recovered:
   * true`: A2A's Task), `'none'`.
   */
  resync: 'gap-marker' | 'rest-state' | 'snapshot' | 'none';
}

/** The keys of `Map` that `List` leaves out. @internal */
export type MissingNames<Map, List extends readonly unknown[]> = Exclude<keyof Map, List[number]>;

/**
 * Checks a definition against its event map at compile time and returns it unchanged: `known`
 * must name every key of `Map` and no other (a missing name is a type error naming it);
 * `terminal` must name keys of `Map`, and `outcomes` give a rule for each terminal event and
 * no other. The routes keep their names in the type.
 *
 * @example
 * ```ts
 * export const crewship = definePlatform<CrewshipRunEventMap>()({ known: [...], terminal: [...], ... });
 * ```
 * @internal
 */
export function definePlatform<Map extends object>() {
  return <const Known extends readonly (keyof Map & string)[], const Terminal extends keyof Map & string, const Routes extends Readonly<Record<string, Route>>>(
    definition: PlatformDefinition<Map, Terminal> & { known: Known; routes: Routes } & ([MissingNames<Map, Known>] extends [never] ? unknown : { known: { missing: MissingNames<Map, Known> } }),
  ): PlatformDefinition<Map, Terminal> & { known: Known; routes: Routes } => definition;
}

/**
 * The path of `route` with its parameters filled in, each encoded as one path segment.
 *
 * @throws TypeError when a parameter is an empty string (or not a string): `'an id must be a non-empty string'`.
 * @internal
 */
export function pathOf(route: Route, params: Readonly<Record<string, string>> = {}): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => segment(params[name] as string));
}

/**
 * The method and filled-in path of `route`, as a resource's request spec takes them.
 *
 * @throws TypeError as {@link pathOf}.
 * @internal
 */
export function requestOf(route: Route, params?: Readonly<Record<string, string>>): { method: Route['method']; path: string } {
  return { method: route.method, path: pathOf(route, params) };
}

/**
 * The request of a stream of `platform` on `route`: its method and filled-in path, the
 * platform's auth and idle timeout, and what `StreamInfo` says of it (the platform's name and
 * `ids`, the very object given, so a stream that learns its id later can fill it in).
 *
 * @throws TypeError as {@link pathOf}.
 * @internal
 */
export function streamOf(
  platform: Pick<PlatformDefinition, 'name' | 'auth' | 'idleTimeout'>,
  route: Route,
  ids: Readonly<Record<string, string>> = {},
): RequestSpec & StreamSpec {
  return { ...requestOf(route, ids), auth: platform.auth, idleTimeout: DEFAULTS.idleTimeout[platform.idleTimeout], platform: platform.name, ids };
}

/**
 * Options of every `run()` (start a run and wait for its result): the stream options of the
 * run's stream, `timeout` for each JSON call of the run, and `onEvent` for the events on the way.
 * `headers` and `signal` apply to every request of the run.
 *
 * @typeParam Events - the event map of the run's stream.
 */
export interface RunOptions<Events extends object> extends StreamOptions {
  /** Deadline of each JSON call of the run (not of the stream), in milliseconds; 0 turns it off. @defaultValue the client's `timeout` (60 000 ms) */
  timeout?: number | undefined;
  /**
   * Called with each event of the run's stream (progress, logs) while it runs. The event is the
   * iterator's union: narrowing on `event.type` narrows `event.data`.
   */
  onEvent?: ((event: EventOf<Events>) => void) | undefined;
}
