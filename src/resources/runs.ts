/**
 * Crewship runs: `GET /v1/runs/{id}/events`.
 *
 * @module
 */
import { field, platformAdapter, type PlatformSpec } from '../core/adapter.js';
import { errorFields, errorMessage } from '../core/errors.js';
import { markGap, type EventStream, type GapMarker } from '../core/event-stream.js';
import { DEFAULTS } from '../core/options.js';
import type { Transport } from '../core/request.js';
import { segment } from '../core/request.js';
import type { StreamOptions } from '../core/sse.js';

/**
 * Payloads of a Crewship run's events, by event name (Crewship "Streaming" page, Event Types).
 * `timestamp` is ISO 8601 where the server adds it. The last three are the API reference's
 * fallback events.
 */
export interface RunEventMap {
  /** Execution began. */
  'run.started': { run_id: string; started_at: string };
  /** The run succeeded; `duration_ms` in milliseconds. Terminal. */
  'run.completed': { run_id: string; duration_ms: number; result: unknown };
  /** The run failed. Terminal. */
  'run.failed': { run_id: string; error: string; stack_trace?: string };
  /** The run was stopped by hand. Terminal. */
  'run.canceled': { run_id: string; canceled_at: string };
  /** An agent began a task. */
  'agent.started': { agent: string; task: string; timestamp?: string };
  /** An agent finished a task. */
  'agent.completed': { agent: string; task: string; output: unknown; timestamp?: string };
  /** An agent failed. */
  'agent.error': { agent: string; error: string; timestamp?: string };
  /** A tool was invoked. */
  'tool.called': { tool: string; input: unknown; timestamp?: string };
  /** A tool returned. */
  'tool.result': { tool: string; output: unknown; timestamp?: string };
  /** A tool failed. */
  'tool.error': { tool: string; error: string; timestamp?: string };
  /** A log line. */
  log: { level: string; message: string; timestamp: string };
  /** A file was produced; `size` in bytes. */
  artifact: { name: string; size: number; content_type: string };
  /** Fallback: the run finished (shape not documented). Terminal. */
  complete: Record<string, unknown>;
  /** Fallback: the server hit an error; the stream then fails with `StreamError` `'server-error-event'`. */
  error: { error?: string; message?: string; [key: string]: unknown };
  /** Fallback: the server stopped streaming the run. Terminal. */
  timeout: Record<string, unknown>;
  /** runstream's marker of a gap, should a server send no ids; see {@link GapMarker}. */
  resync: GapMarker;
}

/** A Crewship event name. */
export type RunEventType = keyof RunEventMap;

/** The documented events after which a run sends nothing more; a `types` filter always has them. */
export type RunTerminalType = 'run.completed' | 'run.failed' | 'run.canceled';

/**
 * The events of a run stream filtered to `Types`: all of {@link RunEventMap} without a filter,
 * else the requested types and the terminal ones.
 */
export type RunEventsOf<Types extends RunEventType> = [RunEventType] extends [Types] ? RunEventMap : Pick<RunEventMap, Types | RunTerminalType | 'resync'>;

/**
 * Options of {@link Runs.stream}.
 *
 * @typeParam Types - the event names of `types`, inferred from it: the stream's events narrow
 *   to them and {@link RunTerminalType}.
 */
export interface RunStreamOptions<Types extends RunEventType = RunEventType> extends StreamOptions {
  /**
   * Only these event types (sent as `?types=a,b`; Crewship "Filtering Events"). The terminal
   * events `run.completed`, `run.failed` and `run.canceled` are always added to the filter:
   * without them a filtered stream could never end and would reconnect for ever. The iterator
   * yields these types and the terminal ones only, and the event union narrows to them.
   * @defaultValue every type
   */
  types?: readonly Types[] | undefined;
}

const RUN_EVENTS: readonly RunEventType[] = [
  'run.started', 'run.completed', 'run.failed', 'run.canceled',
  'agent.started', 'agent.completed', 'agent.error',
  'tool.called', 'tool.result', 'tool.error',
  'log', 'artifact', 'complete', 'error', 'timeout', 'resync',
];

/** The documented events after which a run sends nothing more. */
const RUN_TERMINAL: readonly RunTerminalType[] = ['run.completed', 'run.failed', 'run.canceled'];

/**
 * Crewship sends named events (`event: run.started`), and its API reference also unnamed
 * envelopes `data: {"type": …, "data": …}` (or `"payload"`), plus `heartbeat` keepalives.
 */
const SPEC: PlatformSpec = {
  known: RUN_EVENTS,
  terminal: ['run.completed', 'run.failed', 'run.canceled', 'complete', 'timeout'],
  keepalive: ['heartbeat'],
  envelope: { typeKey: 'type', dataKeys: ['data', 'payload'] },
  // An `error` event (or a relay's error frame) may carry a status and a code: they reach the StreamError.
  errorOf: (event) => (event.type === 'error' ? { message: errorMessage(event.data, 'error event'), ...errorFields(event.data) } : undefined),
  outcomeOf: (event) =>
    event.type === 'run.failed'
      ? { type: 'failed', message: field(event.data, 'error') }
      : event.type === 'run.canceled'
        ? { type: 'cancelled' }
        : event.type === 'timeout'
          ? { type: 'ended' }
          : undefined,
};
const adapter = /* @__PURE__ */ platformAdapter(SPEC);

/** Crewship run events. Reach it as `client.runs`. */
export class Runs {
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
   *   `maxEventSize`, `dedupe`, a `reconnect` field), naming the option and the value.
   * @throws TypeError synchronously when `runId` is empty. The stream fails with `HTTPError`
   *   (401, 404, …), `StreamError`, or `ConnectionError`; see `connect`.
   */
  // NoInfer: `Types` comes from `types` only, never from the type the caller expects back.
  stream<Types extends RunEventType = RunEventType>(
    runId: string,
    options: RunStreamOptions<Types> = {},
  ): EventStream<RunEventsOf<NoInfer<Types>>> {
    const { types, ...rest } = options;
    const filter = types?.length ? [...new Set<RunEventType>([...types, ...RUN_TERMINAL])] : undefined;
    const known = filter && [...filter, 'resync' as const];
    return this.#transport.stream<RunEventsOf<NoInfer<Types>>>(
      {
        method: 'GET',
        path: `/v1/runs/${segment(runId)}/events`,
        query: { types: filter?.join(',') },
        auth: 'bearer',
        idleTimeout: DEFAULTS.idleTimeout.runs,
      },
      // A filtered stream yields what was asked for: the fallback events still end it (or fail
      // it, for `error`), but the iterator's union holds only the requested and terminal types.
      known ? platformAdapter({ ...SPEC, known }) : adapter,
      rest,
      { resync: markGap },
    );
  }
}
