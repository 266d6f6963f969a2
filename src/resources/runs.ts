/**
 * Crewship runs: `GET /v1/runs/{id}/events`.
 *
 * @module
 */
import { platformAdapter } from '../core/adapter.js';
import { errorMessage } from '../core/errors.js';
import type { EventStream } from '../core/event-stream.js';
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
}

/** A Crewship event name. */
export type RunEventType = keyof RunEventMap;

/** Options of {@link Runs.stream}. */
export interface RunStreamOptions extends StreamOptions {
  /**
   * Only these event types (sent as `?types=a,b`; Crewship "Filtering Events"). The terminal
   * events `run.completed`, `run.failed` and `run.canceled` are always added to the filter:
   * without them a filtered stream could never end and would reconnect for ever.
   */
  types?: readonly RunEventType[];
}

const RUN_EVENTS: readonly RunEventType[] = [
  'run.started', 'run.completed', 'run.failed', 'run.canceled',
  'agent.started', 'agent.completed', 'agent.error',
  'tool.called', 'tool.result', 'tool.error',
  'log', 'artifact', 'complete', 'error', 'timeout',
];

/** The documented events after which a run sends nothing more. */
const RUN_TERMINAL: readonly RunEventType[] = ['run.completed', 'run.failed', 'run.canceled'];

/**
 * Crewship sends named events (`event: run.started`), and its API reference also unnamed
 * envelopes `data: {"type": …, "data": …}` (or `"payload"`), plus `heartbeat` keepalives.
 */
const adapter = /* @__PURE__ */ platformAdapter({
  known: RUN_EVENTS,
  terminal: ['run.completed', 'run.failed', 'run.canceled', 'complete', 'timeout'],
  keepalive: ['heartbeat'],
  envelope: { typeKey: 'type', dataKeys: ['data', 'payload'] },
  errorOf: (event) => (event.type === 'error' ? { message: errorMessage(event.data, 'error event') } : undefined),
});

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
   * `StreamError` `'server-error-event'`. Resumes a dropped connection by GET with
   * `Last-Event-ID` (Crewship "Reconnection").
   *
   * @example
   * ```ts
   * for await (const event of client.runs.stream('run_abc123')) {
   *   if (event.type === 'tool.called') console.log(event.data.tool, event.data.input);
   * }
   * ```
   *
   * @param runId - the run id, e.g. `'run_abc123'`.
   * @param options - `types` filter, `lastEventId` to resume, and the stream options.
   * @throws TypeError synchronously when `runId` is empty. The stream fails with `HTTPError`
   *   (401, 404, …), `StreamError`, or `ConnectionError`; see `connect`.
   */
  stream(runId: string, options: RunStreamOptions = {}): EventStream<RunEventMap> {
    const { types, ...rest } = options;
    return this.#transport.stream<RunEventMap>(
      {
        method: 'GET',
        path: `/v1/runs/${segment(runId)}/events`,
        query: { types: types?.length ? [...new Set([...types, ...RUN_TERMINAL])].join(',') : undefined },
        auth: 'bearer',
        idleTimeout: DEFAULTS.idleTimeout.runs,
      },
      adapter,
      rest,
    );
  }
}
