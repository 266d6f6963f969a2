/**
 * Crewship runs, described once: events, terminal events and their outcomes, keepalives, wire
 * forms, routes, resume and resync rules (Crewship "Streaming" page and API reference).
 *
 * @module
 */
import { field } from '../../core/adapter.js';
import { errorFields, errorMessage } from '../../core/errors.js';
import type { GapMarker } from '../../core/types.js';
import { definePlatform } from '../define.js';

/**
 * Payloads of a Crewship run's events, by event name (Crewship "Streaming" page, Event Types).
 * `timestamp` is ISO 8601 where the server adds it. `complete`, `error` and `timeout` are the API
 * reference's fallback events.
 */
export interface CrewshipEventMap {
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
export type CrewshipEventType = keyof CrewshipEventMap;

/** The documented events after which a run sends nothing more; a `types` filter always has them. */
export type CrewshipTerminalType = 'run.completed' | 'run.failed' | 'run.canceled';

/** How each terminal event maps to the outcome. */
const outcomes = { 'run.completed': 'completed', 'run.failed': 'failed', 'run.canceled': 'cancelled', complete: 'completed', timeout: 'ended' } as const;

/**
 * Crewship, described once. It sends named events (`event: run.started`), and its API reference
 * also unnamed envelopes `data: {"type": …, "data": …}` (or `"payload"`), plus `heartbeat`
 * keepalives. @internal
 */
export const crewship = /* @__PURE__ */ definePlatform<CrewshipEventMap>()({
  name: 'crewship',
  title: 'Crewship',
  baseUrl: 'https://api.crewship.dev',
  baseUrlSource: 'its "Streaming" page',
  auth: 'bearer',
  idleTimeout: 'runs',
  known: [
    'run.started', 'run.completed', 'run.failed', 'run.canceled',
    'agent.started', 'agent.completed', 'agent.error',
    'tool.called', 'tool.result', 'tool.error',
    'log', 'artifact', 'complete', 'error', 'timeout', 'resync',
  ],
  terminal: ['run.completed', 'run.failed', 'run.canceled', 'complete', 'timeout'],
  outcomes,
  keepalive: ['heartbeat'],
  keepaliveComments: [],
  envelope: { typeKey: 'type', dataKeys: ['data', 'payload'] },
  lineEndings: ['\n'],
  ids: true,
  routes: { stream: { method: 'GET', path: '/v1/runs/{runId}/events' } },
  resume: 'last-event-id',
  resync: 'gap-marker',
  // An `error` event (or a relay's error frame) may carry a status and a code: they reach the StreamError.
  errorOf: (event) => (event.type === 'error' ? { message: errorMessage(event.data, 'error event'), ...errorFields(event.data) } : undefined),
  outcomeOf: (event) => {
    const type = outcomes[event.type as keyof typeof outcomes];
    return type === 'failed' ? { type, message: field(event.data, 'error') } : type && { type };
  },
});

/**
 * The documented terminal events (the fallbacks `complete` and `timeout` are not): a `?types=`
 * filter always adds them, or a filtered stream could never end. @internal
 */
export const filterTerminal: readonly CrewshipTerminalType[] = ['run.completed', 'run.failed', 'run.canceled'] satisfies readonly (typeof crewship.terminal)[number][];
