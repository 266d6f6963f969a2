/**
 * MCP Streamable HTTP, described once: the JSON-RPC messages a request's event stream carries
 * (notifications, server→client requests, the response), how they are named, and how the
 * response ends the stream. Sources: the MCP specification, revisions 2025-11-25
 * (basic/transports §"Streamable HTTP", basic/utilities/progress, server/utilities/logging) and
 * 2026-07-28 (basic/transports/streamable-http, changelog).
 *
 * @module
 */
import { isRecord } from '../../core/errors.js';
import type { StreamEvent } from '../../core/types.js';
import { definePlatform } from '../define.js';

/**
 * The MCP revisions runstream speaks: `'2025-11-25'` (sessions by `Mcp-Session-Id`, resume by
 * `GET` + `Last-Event-ID`) and `'2026-07-28'` (no session, no resume; `Mcp-Method`/`Mcp-Name`
 * headers and the `params._meta` envelope).
 */
export type MCPProtocolVersion = '2025-11-25' | '2026-07-28';

/** A JSON-RPC request id (JSON-RPC 2.0 §4: a string or a number; runstream sends numbers). */
export type MCPRequestId = string | number;

/**
 * `notifications/progress` params (MCP 2025-11-25 and 2026-07-28, basic/utilities/progress):
 * `progress` increases with each notification; `total` when known; `message` a human-readable
 * step.
 */
export interface MCPProgress {
  /** The token the request set in `params._meta.progressToken`. */
  progressToken: string | number;
  /** Progress so far, increasing (a number, not necessarily an integer). */
  progress: number;
  /** The total, when the server knows it. */
  total?: number | undefined;
  /** A human-readable description of the step. */
  message?: string | undefined;
  [key: string]: unknown;
}

/**
 * `notifications/message` params: a log line (MCP server/utilities/logging). In 2026-07-28 only
 * sent when the request set `io.modelcontextprotocol/logLevel` (the `logLevel` option).
 */
export interface MCPLogMessage {
  /** RFC 5424 severity: `'debug'`, `'info'`, `'notice'`, `'warning'`, `'error'`, `'critical'`, `'alert'`, `'emergency'`. */
  level: string;
  /** The logger's name, if any. */
  logger?: string | undefined;
  /** Any JSON value. */
  data: unknown;
  [key: string]: unknown;
}

/**
 * A server→client request on a request's stream (MCP 2025-11-25 only: sampling, elicitation,
 * roots, ping; 2026-07-28 servers never send one and answer `resultType: 'input_required'`
 * instead). Answer it with `MCP.respond(id, result)`.
 */
export interface MCPServerRequest {
  /** The server's request id, to answer with. */
  id: MCPRequestId;
  /** The request's params. */
  params?: Record<string, unknown> | undefined;
}

/**
 * One content block of a tool result (MCP server/tools, `CallToolResult.content`): `text`,
 * `image`, `audio`, `resource_link`, `resource`.
 */
export interface MCPContent {
  type: string;
  /** For `type: 'text'`. */
  text?: string | undefined;
  [key: string]: unknown;
}

/**
 * A result: the JSON-RPC `result` member. A tool's (`CallToolResult`) has `content` and, when the
 * tool failed, `isError: true`. 2026-07-28 adds `resultType`: `'complete'`, or
 * `'input_required'` with `inputRequests` (the client must supply them and call again).
 */
export interface MCPResult {
  /** 2026-07-28 only: `'complete'` or `'input_required'`. */
  resultType?: 'complete' | 'input_required' | (string & {}) | undefined;
  /** A tool result's content. */
  content?: MCPContent[] | undefined;
  /** A tool result's structured content. */
  structuredContent?: Record<string, unknown> | undefined;
  /** A tool that failed (not a JSON-RPC error: MCP server/tools "Error Handling"). */
  isError?: boolean | undefined;
  /** For `resultType: 'input_required'` (2026-07-28): what the server asks the client for. */
  inputRequests?: Record<string, unknown> | undefined;
  [key: string]: unknown;
}

/** A JSON-RPC error object (JSON-RPC 2.0 §5.1): `code` is a number (`-32601` Method not found, …). */
export interface MCPErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

/**
 * The events of one MCP request's stream, by name. Notifications and server requests are named
 * by their `method`; the JSON-RPC response by `result` or `error`. Each is a decoded
 * `event: message` of the stream (MCP 2025-11-25 and 2026-07-28, transports "Sending Messages
 * to the Server"); an `application/json` answer is the one `result`/`error` event.
 */
export interface MCPEventMap {
  /** Progress of the request (needs a `progressToken`, which runstream sets). */
  'notifications/progress': MCPProgress;
  /** A log line from the server. */
  'notifications/message': MCPLogMessage;
  /** The server cancels a request (2025-11-25). */
  'notifications/cancelled': { requestId?: MCPRequestId; reason?: string; [key: string]: unknown };
  /** A subscribed resource changed (server/resources). */
  'notifications/resources/updated': { uri: string; [key: string]: unknown };
  /** The server's resource list changed. */
  'notifications/resources/list_changed': Record<string, unknown>;
  /** The server's tool list changed. */
  'notifications/tools/list_changed': Record<string, unknown>;
  /** The server's prompt list changed. */
  'notifications/prompts/list_changed': Record<string, unknown>;
  /** A task's status changed (2025-11-25 experimental tasks). */
  'notifications/tasks/status': { taskId?: string; status?: string; [key: string]: unknown };
  /** A URL-mode elicitation finished (2025-11-25). */
  'notifications/elicitation/complete': { elicitationId?: string; [key: string]: unknown };
  /** 2026-07-28: the first event of a `subscriptions/listen` stream. */
  'notifications/subscriptions/acknowledged': Record<string, unknown>;
  /** 2025-11-25: the server asks the client's model for a completion. */
  'sampling/createMessage': MCPServerRequest;
  /** 2025-11-25: the server asks the user for input. */
  'elicitation/create': MCPServerRequest;
  /** 2025-11-25: the server asks for the client's roots. */
  'roots/list': MCPServerRequest;
  /** 2025-11-25: the server pings the client. */
  ping: MCPServerRequest;
  /** 2025-11-25 (experimental tasks): the server asks for a client task's state. */
  'tasks/get': MCPServerRequest;
  /** 2025-11-25 (experimental tasks): the server asks for a client task's result. */
  'tasks/result': MCPServerRequest;
  /** 2025-11-25 (experimental tasks): the server lists the client's tasks. */
  'tasks/list': MCPServerRequest;
  /** 2025-11-25 (experimental tasks): the server cancels a client task. */
  'tasks/cancel': MCPServerRequest;
  /** The response: the request's result. Terminal. */
  result: { id: MCPRequestId; result: MCPResult };
  /** The response: a JSON-RPC error. Terminal; fails the stream with `'server-error-event'`. */
  error: { id: MCPRequestId | null; error: MCPErrorObject };
}

/** An MCP event name. */
export type MCPEventType = keyof MCPEventMap;

/**
 * Names a JSON-RPC message of an MCP stream: a notification by its `method` (the data is its
 * `params`), a server request by its `method` (the data `{id, params}`), a response as `result`
 * or `error` (the data `{id, result}` / `{id, error}`). Anything else is skipped. @internal
 */
export function decodeMCP(data: unknown): { type: string; data: unknown } | undefined {
  if (!isRecord(data)) return undefined;
  if (typeof data.method === 'string') {
    if ('id' in data && data.id !== undefined) return { type: data.method, data: { id: data.id, params: data.params } };
    return { type: data.method, data: data.params ?? {} };
  }
  if ('result' in data) return { type: 'result', data: { id: data.id, result: isRecord(data.result) ? data.result : {} } };
  if (isRecord(data.error)) return { type: 'error', data: { id: data.id ?? null, error: data.error } };
  return undefined;
}

/** The text of a tool result's text content blocks, joined by newlines (a failed tool's message). @internal */
export function textOf(result: MCPResult): string | undefined {
  const texts = result.content?.filter((block) => block.type === 'text' && typeof block.text === 'string').map((block) => block.text as string);
  return texts?.length ? texts.join('\n') : undefined;
}

/**
 * The outcome the response reports: a JSON-RPC `error` → `'failed'`; a `result` with `isError: true` → `'failed'` (its text as the message),
 * `resultType: 'input_required'` → `'interrupted'`, otherwise `'completed'`. @internal
 */
export function outcomeOfResult(event: Pick<StreamEvent, 'type' | 'data'>) {
  if (event.type === 'error') {
    const error = (event.data as Partial<MCPEventMap['error']>).error;
    return { type: 'failed' as const, message: error?.message, serverCode: error && String(error.code) };
  }
  if (event.type !== 'result') return undefined;
  const result = (event.data as MCPEventMap['result']).result ?? {};
  if (result.isError === true) return { type: 'failed' as const, message: textOf(result) ?? 'the tool reported an error (isError: true)' };
  if (result.resultType === 'input_required') return { type: 'interrupted' as const, serverStatus: 'input_required' };
  return { type: 'completed' as const };
}

/**
 * MCP Streamable HTTP, described once. Every message is `event: message` with a JSON-RPC
 * `data:`; a 2025-11-25 server with an event store sends a priming event first (an `id:` and
 * empty `data:`) and ids on every event. The terminal `result`/`error` is the response whose
 * `id` is the request's: the resource checks the id. @internal
 */
export const mcp = /* @__PURE__ */ definePlatform<MCPEventMap>()({
  name: 'mcp',
  title: 'MCP Streamable HTTP',
  baseUrl: 'http://localhost:3000/mcp',
  baseUrlSource: "the TypeScript SDK's Streamable HTTP examples (an MCP server names its own endpoint)",
  auth: 'bearer',
  idleTimeout: 'runs',
  known: [
    'notifications/progress', 'notifications/message', 'notifications/cancelled',
    'notifications/resources/updated', 'notifications/resources/list_changed', 'notifications/tools/list_changed',
    'notifications/prompts/list_changed', 'notifications/tasks/status', 'notifications/elicitation/complete',
    'notifications/subscriptions/acknowledged',
    'sampling/createMessage', 'elicitation/create', 'roots/list', 'ping', 'tasks/get', 'tasks/result', 'tasks/list', 'tasks/cancel',
    'result', 'error',
  ],
  terminal: ['result', 'error'],
  outcomes: { result: 'by-data', error: 'failed' },
  keepalive: [],
  // The SDKs' `: keepalive` comment every 15 s (both SDKs, `keepAliveMs`).
  keepaliveComments: ['keepalive'],
  lineEndings: ['\n'],
  ids: true,
  routes: { request: { method: 'POST', path: '' } },
  resume: 'resubscribe',
  resync: 'none',
  skipEmpty: true,
  decode: decodeMCP,
  errorOf: (event) => {
    if (event.type !== 'error') return undefined;
    const error = (event.data as MCPEventMap['error']).error;
    return { message: `JSON-RPC error ${error.code}: ${error.message}`, serverCode: String(error.code) };
  },
  outcomeOf: outcomeOfResult,
});
