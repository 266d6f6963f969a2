/**
 * FlowMaestro executions, described once: events, terminal events and their outcomes, wire
 * forms, routes, resume and resync rules (FlowMaestro "Stream Execution Events").
 *
 * @module
 */
import { field } from '../../core/adapter.js';
import type { GapMarker } from '../../core/types.js';
import { definePlatform } from '../define.js';

/*
 * FlowMaestro documents snake_case keys (`execution_id`, `node_id`), but its server sends
 * camelCase (`executionId`, `nodeId`). The payloads below list both spellings as optional, so
 * the types never promise a key that may be missing; read whichever your server sends.
 */

/** Payloads of a FlowMaestro execution's events, by event name ("Stream Execution Events"). */
export interface FlowMaestroEventMap {
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
export type FlowMaestroEventType = keyof FlowMaestroEventMap;

/** How each terminal event maps to the outcome. */
const outcomes = { 'execution:completed': 'completed', 'execution:failed': 'failed', 'execution:cancelled': 'cancelled' } as const;

/**
 * FlowMaestro, described once. Its route is documented as `/api/v1/executions/:id/events` while
 * its curl example calls `https://api.flowmaestro.ai/v1/executions/…`: the route here is the
 * latter's, and the `/api` prefix belongs in `baseUrl` where a server needs it. It sends no
 * `id:` fields and keeps the connection alive with `: keepalive` comments. @internal
 */
export const flowmaestro = /* @__PURE__ */ definePlatform<FlowMaestroEventMap>()({
  name: 'flowmaestro',
  title: 'FlowMaestro',
  baseUrl: 'https://api.flowmaestro.ai',
  baseUrlSource: 'its curl example (add `/api` if your server needs it)',
  auth: 'x-api-key',
  idleTimeout: 'executions',
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
  outcomes,
  keepalive: [],
  keepaliveComments: ['keepalive'],
  lineEndings: ['\n'],
  ids: false,
  routes: { stream: { method: 'GET', path: '/v1/executions/{executionId}/events' } },
  resume: 'reconnect',
  resync: 'gap-marker',
  outcomeOf: (event) => {
    const type = outcomes[event.type as keyof typeof outcomes];
    return type && { type, serverStatus: field(event.data, 'status'), message: field(event.data, 'error') };
  },
});
