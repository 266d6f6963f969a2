/**
 * FlowMaestro executions: `GET {baseUrl}/v1/executions/{id}/events` (FlowMaestro's docs give the
 * route as `/api/v1/…` and call `https://api.flowmaestro.ai/v1/…`: the `/api` prefix belongs in
 * `baseUrl` where a server needs it).
 *
 * @module
 */
import { field, platformAdapter } from '../core/adapter.js';
import { markGap, type EventStream, type GapMarker } from '../core/event-stream.js';
import { DEFAULTS } from '../core/options.js';
import type { Transport } from '../core/request.js';
import { segment } from '../core/request.js';
import type { StreamOptions } from '../core/sse.js';

/*
 * FlowMaestro documents snake_case keys (`execution_id`, `node_id`), but its server sends
 * camelCase (`executionId`, `nodeId`). The payloads below list both spellings as optional, so
 * the types never promise a key that may be missing; read whichever your server sends.
 */

/** Payloads of a FlowMaestro execution's events, by event name ("Stream Execution Events"). */
export interface ExecutionEventMap {
  /** The SSE connection is established. */
  connected: { executionId?: string; execution_id?: string };
  /** The execution started. */
  'execution:started': { executionId?: string; execution_id?: string; startedAt?: string; started_at?: string };
  /** Progress, `progress` in percent (0–100). */
  'execution:progress': { progress: number; currentNode?: string; current_node?: string };
  /** A node started. */
  'node:started': { nodeId?: string; node_id?: string; nodeType?: string; node_type?: string; startedAt?: string; started_at?: string };
  /** A node finished; duration in milliseconds. */
  'node:completed': { nodeId?: string; node_id?: string; outputs?: Record<string, unknown>; durationMs?: number; duration_ms?: number };
  /** A node failed. */
  'node:failed': { nodeId?: string; node_id?: string; error?: string };
  /** The execution succeeded. Terminal. */
  'execution:completed': { executionId?: string; execution_id?: string; status?: string; outputs?: Record<string, unknown> };
  /** The execution failed. Terminal. */
  'execution:failed': { executionId?: string; execution_id?: string; status?: string; error?: string };
  /** runstream's marker of a gap after a reconnect (FlowMaestro sends no ids); see {@link GapMarker}. */
  resync: GapMarker;
  /** The execution was cancelled. Terminal. */
  'execution:cancelled': { executionId?: string; execution_id?: string; status?: string };
}

/** A FlowMaestro event name. */
export type ExecutionEventType = keyof ExecutionEventMap;

const adapter = /* @__PURE__ */ platformAdapter({
  known: [
    'connected',
    'execution:started',
    'execution:progress',
    'node:started',
    'node:completed',
    'node:failed',
    'execution:completed',
    'execution:failed',
    'execution:cancelled',
    'resync',
  ],
  terminal: ['execution:completed', 'execution:failed', 'execution:cancelled'],
  outcomeOf: (event) => ({
    type: event.type === 'execution:failed' ? 'failed' : event.type === 'execution:cancelled' ? 'cancelled' : 'completed',
    status: field(event.data, 'status'),
    message: field(event.data, 'error'),
  }),
});

/** FlowMaestro execution events. Reach it as `client.executions`. */
export class Executions {
  readonly #transport: Transport;

  /** @internal */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Streams an execution's events from `GET {baseUrl}/v1/executions/{executionId}/events`
   * (auth: `X-API-Key`).
   *
   * FlowMaestro's route is `/api/v1/executions/:id/events` while its curl example calls
   * `https://api.flowmaestro.ai/v1/executions/…`: the `/api` prefix belongs in `baseUrl` when
   * your server needs it (`'https://host/api'`). Keepalive comments (`: keepalive`) are not
   * events. Ends after `execution:completed`, `execution:failed` or `execution:cancelled`.
   * What a drop costs: FlowMaestro sends no `id:` fields and documents no route to ask about an
   * execution, so a reconnect cannot say where it left off: events sent while disconnected are
   * lost, and a server that replays the execution from the start delivers those events again
   * (`dedupe` cannot tell them apart without ids). runstream marks the gap with a `resync`
   * event (`recovered: false`) before the next event, so it is never silent.
   *
   * @param executionId - e.g. `'exec_xyz789'`.
   * @param options - `lastEventId` to resume, and the stream options.
   * @throws RangeError synchronously when a numeric option is out of its range (`idleTimeout`,
   *   `maxEventSize`, `dedupe`, a `reconnect` field), naming the option and the value.
   * @throws TypeError synchronously when `executionId` is empty. The stream fails with
   *   `HTTPError`, `StreamError` or `ConnectionError`; see `connect`.
   */
  stream(executionId: string, options: StreamOptions = {}): EventStream<ExecutionEventMap> {
    return this.#transport.stream<ExecutionEventMap>(
      { method: 'GET', path: `/v1/executions/${segment(executionId)}/events`, auth: 'x-api-key', idleTimeout: DEFAULTS.idleTimeout.executions },
      adapter,
      options,
      { resync: markGap },
    );
  }

  /**
   * The FlowMaestro SDK's name for {@link Executions.stream}: the same stream, for
   * `for await (const event of client.executions.streamIterator(id))`. Fields the FlowMaestro
   * SDK flattens onto the event are under `event.data` here (`event.data.outputs`).
   *
   * @example
   * ```ts
   * for await (const event of client.executions.streamIterator('exec_xyz789')) {
   *   if (event.type === 'execution:completed') {
   *     console.log('Done:', event.data.outputs);
   *     break;
   *   }
   * }
   * ```
   *
   * @param executionId - e.g. `'exec_xyz789'`.
   * @param options - as for {@link Executions.stream}.
   * @throws as {@link Executions.stream}.
   */
  streamIterator(executionId: string, options: StreamOptions = {}): EventStream<ExecutionEventMap> {
    return this.stream(executionId, options);
  }
}
