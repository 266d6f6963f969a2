/**
 * FlowMaestro executions: `GET {baseUrl}/v1/executions/{id}/events` (FlowMaestro's docs give the
 * route as `/api/v1/…` and call `https://api.flowmaestro.ai/v1/…`: the `/api` prefix belongs in
 * `baseUrl` where a server needs it).
 *
 * @module
 */
import { platformAdapter } from '../../core/adapter.js';
import type { EventStream } from '../../core/stream.js';
import { markGap } from '../../features/resync.js';
import type { Transport } from '../../core/request.js';
import type { StreamOptions } from '../../core/sse.js';
import { streamOf } from '../define.js';
import { flowmaestro, type FlowMaestroEventMap } from './definition.js';

const adapter = /* @__PURE__ */ platformAdapter(flowmaestro);

/** FlowMaestro execution events. Reach it as `client.executions`. */
export class FlowMaestroExecutions {
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
   * (`dedupe()` cannot tell them apart without ids). runstream marks the gap with a `resync`
   * event (`recovered: false`) before the next event, so it is never silent.
   *
   * @param executionId - e.g. `'exec_xyz789'`.
   * @param options - `lastEventId` to resume, and the stream options.
   * @throws RangeError synchronously when a numeric option is out of its range (`idleTimeout`,
   *   `maxEventSize`, a `reconnect` field), naming the option and the value.
   * @throws TypeError synchronously when `executionId` is empty. The stream fails with
   *   `HTTPError`, `StreamError` or `ConnectionError`; see `connect`.
   */
  stream(executionId: string, options: StreamOptions = {}): EventStream<FlowMaestroEventMap> {
    return this.#transport.stream<FlowMaestroEventMap>(
      streamOf(flowmaestro, flowmaestro.routes.stream, { executionId }),
      adapter,
      options,
      { resync: markGap },
    );
  }

  /**
   * The FlowMaestro SDK's name for {@link FlowMaestroExecutions.stream}: the same stream, for
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
   * @param options - as for {@link FlowMaestroExecutions.stream}.
   * @throws as {@link FlowMaestroExecutions.stream}.
   */
  streamIterator(executionId: string, options: StreamOptions = {}): EventStream<FlowMaestroEventMap> {
    return this.stream(executionId, options);
  }
}
