/**
 * Folds an MCP request's events into its state: the last progress of each `progressToken`,
 * the log lines, the server requests waiting for an answer, and the response.
 *
 * @module
 */
import type { EventOf } from '../../core/types.js';
import type { MCPErrorObject, MCPEventMap, MCPLogMessage, MCPProgress, MCPResult, MCPServerRequest } from './definition.js';

/** The last progress a token reported (MCP basic/utilities/progress). */
export interface MCPProgressState {
  /** Progress so far. */
  progress: number;
  /** The total, when the server gave one. */
  total?: number | undefined;
  /** The last step's message, when the server gave one. */
  message?: string | undefined;
}

/** What {@link accumulateMCP} keeps of one request's stream. */
export interface MCPState {
  /** The last progress per `progressToken` (as a string key). */
  progress: Readonly<Record<string, MCPProgressState>>;
  /** `notifications/message` log lines, in order. */
  logs: readonly MCPLogMessage[];
  /** 2025-11-25 server→client requests received, with their method, in order. */
  requests: readonly (MCPServerRequest & { method: string })[];
  /** The result, once the response arrived. */
  result?: MCPResult | undefined;
  /** The JSON-RPC error, when the response was one. */
  error?: MCPErrorObject | undefined;
}

/** The state before any event: no progress, no logs, no response. */
export const initialMCPState: MCPState = { progress: {}, logs: [], requests: [] };

/**
 * Folds one event into `state` (pure: `state` is not changed; a new object is returned when
 * something changed). Progress replaces the token's last value; logs and server requests are
 * appended; `result`/`error` are set. Usable in a `for await` loop and as `useEventStream`'s
 * `reduce` (with `initial: initialMCPState`).
 *
 * @example
 * ```ts
 * import { MCP, accumulateMCP, initialMCPState } from 'runstream';
 *
 * const mcp = new MCP({ baseUrl: 'http://127.0.0.1:3000/mcp' });
 * let state = initialMCPState;
 * for await (const event of mcp.tools.call('report', { days: 7 })) state = accumulateMCP(state, event);
 * console.log(state.progress, state.result?.content);
 * ```
 */
export function accumulateMCP(state: MCPState, event: EventOf<MCPEventMap>): MCPState {
  switch (event.type) {
    case 'notifications/progress': {
      const { progressToken, progress, total, message }: MCPProgress = event.data;
      return { ...state, progress: { ...state.progress, [String(progressToken)]: { progress, total, message } } };
    }
    case 'notifications/message':
      return { ...state, logs: [...state.logs, event.data] };
    case 'sampling/createMessage':
    case 'elicitation/create':
    case 'roots/list':
    case 'ping':
    case 'tasks/get':
    case 'tasks/result':
    case 'tasks/list':
    case 'tasks/cancel':
      return { ...state, requests: [...state.requests, { ...event.data, method: event.type }] };
    case 'result':
      return { ...state, result: event.data.result };
    case 'error':
      return { ...state, error: event.data.error };
    default:
      return state;
  }
}
