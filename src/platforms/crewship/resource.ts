/**
 * Crewship runs: `GET /v1/runs/{id}/events`.
 *
 * @module
 */
import { platformAdapter } from '../../core/adapter.js';
import type { EventStream } from '../../core/stream.js';
import { markGap } from '../../features/resync.js';
import type { Transport } from '../../core/request.js';
import type { StreamOptions } from '../../core/sse.js';
import { streamOf } from '../define.js';
import { crewship, filterTerminal, type CrewshipEventMap, type CrewshipEventType, type CrewshipTerminalType } from './definition.js';

/**
 * The events of a run stream filtered to `Types`: all of {@link CrewshipEventMap} without a
 * filter, else the requested types and the terminal ones.
 */
export type CrewshipEventsOf<Types extends CrewshipEventType> = [CrewshipEventType] extends [Types]
  ? CrewshipEventMap
  : Pick<CrewshipEventMap, Types | CrewshipTerminalType | 'resync'>;

/**
 * Options of {@link CrewshipRuns.stream}.
 *
 * @typeParam Types - the event names of `types`, inferred from it: the stream's events narrow
 *   to them and {@link CrewshipTerminalType}.
 */
export interface CrewshipStreamOptions<Types extends CrewshipEventType = CrewshipEventType> extends StreamOptions {
  /**
   * Only these event types (sent as `?types=a,b`; Crewship "Filtering Events"). The terminal
   * events `run.completed`, `run.failed` and `run.canceled` are always added to the filter:
   * without them a filtered stream could never end and would reconnect for ever. The iterator
   * yields these types and the terminal ones only, and the event union narrows to them.
   * @defaultValue every type
   */
  types?: readonly Types[] | undefined;
}

const adapter = /* @__PURE__ */ platformAdapter(crewship);

/** Crewship run events. Reach it as `client.runs`. */
export class CrewshipRuns {
  readonly #transport: Transport;

  /** @internal */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Streams a run's events from `GET /v1/runs/{runId}/events` (auth: `Authorization: Bearer`).
   *
   * Accepts named events and unnamed `{"type", "data"|"payload"}` envelopes alike; `heartbeat`
   * is a keepalive, not an event. Ends after `run.completed`, `run.failed`, `run.canceled`,
   * `complete` or `timeout`; an `error` event is delivered, then the stream fails with
   * `StreamError` `'server-error-event'`.
   *
   * What a drop costs: nothing. Crewship sends ids and honours `Last-Event-ID` ("Reconnection"),
   * so the stream resumes after the last event it delivered. Should a server send no ids, the
   * reconnect cannot say where it left off, and runstream marks the gap with a `resync` event
   * (`recovered: false`).
   *
   * @example
   * ```ts
   * for await (const event of client.runs.stream('run_abc123')) {
   *   if (event.type === 'tool.called') console.log(event.data.tool, event.data.input);
   * }
   * ```
   *
   * @param runId - the run id, e.g. `'run_abc123'`.
   * @typeParam Types - inferred from `options.types`: `runs.stream(id, { types: ['agent.started'] })`
   *   is an `EventStream` of `agent.started` and the three terminal events.
   * @param options - `types` filter, `lastEventId` to resume, and the stream options.
   * @throws RangeError synchronously when a numeric option is out of its range (`idleTimeout`,
   *   `maxEventSize`, a `reconnect` field), naming the option and the value.
   * @throws TypeError synchronously when `runId` is empty. The stream fails with `HTTPError`
   *   (401, 404, …), `StreamError`, or `ConnectionError`; see `connect`.
   */
  // NoInfer: `Types` comes from `types` only, never from the type the caller expects back.
  stream<Types extends CrewshipEventType = CrewshipEventType>(
    runId: string,
    options: CrewshipStreamOptions<Types> = {},
  ): EventStream<CrewshipEventsOf<NoInfer<Types>>> {
    const { types, ...rest } = options;
    const filter = types?.length ? [...new Set<CrewshipEventType>([...types, ...filterTerminal])] : undefined;
    const known = filter && [...filter, 'resync' as const];
    return this.#transport.stream<CrewshipEventsOf<NoInfer<Types>>>(
      { ...streamOf(crewship, crewship.routes.stream, { runId }), query: { types: filter?.join(',') } },
      // A filtered stream yields what was asked for: the fallback events still end it (or fail
      // it, for `error`), but the iterator's union holds only the requested and terminal types.
      known ? platformAdapter({ ...crewship, known }) : adapter,
      rest,
      { resync: markGap },
    );
  }
}
