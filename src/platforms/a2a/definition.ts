/**
 * A2A v1.0 task streams, described once: the `StreamResponse` members as events, the task
 * states that end a stream and their outcomes, the JSON-RPC and HTTP+JSON wire forms, and the
 * errors a server sends inside a 200 (A2A specification v1.0.0 and `specification/a2a.proto`).
 *
 * @module
 */
import { isRecord } from '../../core/errors.js';
import type { OutcomeInfo, StreamEvent } from '../../core/types.js';
import { definePlatform } from '../define.js';

/**
 * The state of an A2A task, as its ProtoJSON wire string (A2A v1.0, proto `enum TaskState`; the
 * v0.3 kebab-case strings `'completed'`, `'input-required'` are gone). COMPLETED, FAILED,
 * CANCELED and REJECTED are terminal; INPUT_REQUIRED and AUTH_REQUIRED are interrupted (the
 * stream closes there too, spec §11.7).
 */
export type A2ATaskState =
  | 'TASK_STATE_UNSPECIFIED'
  | 'TASK_STATE_SUBMITTED'
  | 'TASK_STATE_WORKING'
  | 'TASK_STATE_COMPLETED'
  | 'TASK_STATE_FAILED'
  | 'TASK_STATE_CANCELED'
  | 'TASK_STATE_REJECTED'
  | 'TASK_STATE_INPUT_REQUIRED'
  | 'TASK_STATE_AUTH_REQUIRED';

/**
 * One part of a message or artifact (A2A v1.0, proto `message Part`): exactly one of `text`,
 * `raw` (bytes, base64 in JSON), `url` or `data` (any JSON value), with optional `metadata`,
 * `filename` and `mediaType`.
 */
export interface A2APart {
  /** Text content. */
  text?: string | undefined;
  /** File bytes, base64-encoded (ProtoJSON `bytes`). */
  raw?: string | undefined;
  /** A URL pointing at the file's content. */
  url?: string | undefined;
  /** Structured data: any JSON value. */
  data?: unknown;
  /** Metadata of the part. */
  metadata?: Record<string, unknown> | undefined;
  /** The file's name, e.g. `'document.pdf'`. */
  filename?: string | undefined;
  /** The media type of the content, e.g. `'text/plain'`. */
  mediaType?: string | undefined;
}

/** A message between client and agent (A2A v1.0, proto `message Message`; §4.1.4). */
export interface A2AMessage {
  /** Unique id of the message, set by its sender. */
  messageId: string;
  /** The context (conversation) it belongs to. */
  contextId?: string | undefined;
  /** The task it belongs to. */
  taskId?: string | undefined;
  /** Who sent it: `'ROLE_USER'` (the client) or `'ROLE_AGENT'` (the server). */
  role: 'ROLE_USER' | 'ROLE_AGENT' | 'ROLE_UNSPECIFIED';
  /** Its content. */
  parts: A2APart[];
  /** Metadata of the message. */
  metadata?: Record<string, unknown> | undefined;
  /** URIs of the extensions present in it. */
  extensions?: string[] | undefined;
  /** Ids of tasks it refers to. */
  referenceTaskIds?: string[] | undefined;
}

/** The status of a task (A2A v1.0, proto `message TaskStatus`). */
export interface A2ATaskStatus {
  /** Its state. */
  state: A2ATaskState;
  /** A message the agent attached to the status (a progress note, the question of INPUT_REQUIRED, why it failed). */
  message?: A2AMessage | undefined;
  /** When the status was recorded, ISO 8601. */
  timestamp?: string | undefined;
}

/** An output of a task (A2A v1.0, proto `message Artifact`). */
export interface A2AArtifact {
  /** Unique id of the artifact within its task. */
  artifactId: string;
  /** Its human-readable name. */
  name?: string | undefined;
  /** Its description. */
  description?: string | undefined;
  /** Its content. */
  parts: A2APart[];
  /** Metadata of the artifact. */
  metadata?: Record<string, unknown> | undefined;
  /** URIs of the extensions present in it. */
  extensions?: string[] | undefined;
}

/** A task (A2A v1.0, proto `message Task`; §4.1.1). */
export interface A2ATask {
  /** The task id, made by the server. */
  id: string;
  /** The context id, made by the server or given by the client. */
  contextId: string;
  /** The current status. */
  status: A2ATaskStatus;
  /** Its outputs so far. */
  artifacts?: A2AArtifact[] | undefined;
  /** Its messages so far (the client's, and the agent's where the server keeps them). */
  history?: A2AMessage[] | undefined;
  /** Metadata of the task. */
  metadata?: Record<string, unknown> | undefined;
}

/**
 * A task's status changed (A2A v1.0, proto `message TaskStatusUpdateEvent`). v1.0 has no
 * `final` flag: the state says whether the stream ends.
 */
export interface A2ATaskStatusUpdateEvent {
  /** The task id. */
  taskId: string;
  /** The context id. */
  contextId: string;
  /** The new status. */
  status: A2ATaskStatus;
  /** Metadata of the update. */
  metadata?: Record<string, unknown> | undefined;
}

/**
 * An artifact was made or grew (A2A v1.0, proto `message TaskArtifactUpdateEvent`): with
 * `append: true` its `parts` add to the artifact of the same `artifactId`, else they replace
 * it; `lastChunk: true` says the artifact is complete.
 */
export interface A2ATaskArtifactUpdateEvent {
  /** The task id. */
  taskId: string;
  /** The context id. */
  contextId: string;
  /** The artifact, or its next chunk. */
  artifact: A2AArtifact;
  /** Append these parts to the artifact with the same id. @defaultValue false */
  append?: boolean | undefined;
  /** This is the artifact's last chunk. @defaultValue false */
  lastChunk?: boolean | undefined;
  /** Metadata of the update. */
  metadata?: Record<string, unknown> | undefined;
}

/**
 * An error the server sent inside a 200 (the `error` event). A2A v1.0 defines no in-stream error
 * (§9.4.2, §11.7); servers send one anyway:
 * - JSON-RPC binding: the JSON-RPC `error` object `{ code, message, data }` (§9.5), either as a
 *   `200 application/json` body before any event (runstream turns it into this event), or as an
 *   SSE `event: error` once the stream began (@a2a-js/sdk 1.3.0, `formatSSEErrorEvent`). `code`
 *   is `-32001` TaskNotFound … `-32009` VersionNotSupported, or a JSON-RPC code (`-32603`).
 * - HTTP+JSON binding: the `error` of a `google.rpc.Status` body `{ code, status, message,
 *   details }` (§11.6), sent by @a2a-js/sdk as `event: error`; `code` is then an HTTP status.
 *
 * `data` (JSON-RPC) and `details` (HTTP+JSON) hold `google.rpc.ErrorInfo` objects whose
 * `reason` names the error, e.g. `'UNSUPPORTED_OPERATION'`, `'TASK_NOT_FOUND'`.
 */
export interface A2AErrorData {
  /** The JSON-RPC error code (a negative number), or for HTTP+JSON the HTTP status. */
  code: number;
  /** The server's description. */
  message: string;
  /** JSON-RPC: `google.rpc.ErrorInfo` details, `[{ '@type', reason, domain, metadata? }]`. */
  data?: unknown;
  /** HTTP+JSON: the `google.rpc.Code` name, e.g. `'NOT_FOUND'`. */
  status?: string | undefined;
  /** HTTP+JSON: `google.rpc.ErrorInfo` details. */
  details?: unknown[] | undefined;
}

/**
 * runstream's gap marker after a dropped connection: the stream re-subscribed to the task
 * (`SubscribeToTask`, A2A v1.0 §3.1.6), whose first event is the whole task as it stands now
 * (§3.5.2). A2A sends no event ids, so the updates sent while disconnected are not replayed;
 * `task` replaces them (its status, its artifacts, its history), hence `recovered: true`.
 * Replace your state with it (the accumulator does), then the live updates follow.
 */
export interface A2AResync {
  /** Always `'resubscribed'`. */
  reason: 'resubscribed';
  /** Always `true`: the task snapshot replaces the updates missed in the gap. */
  recovered: true;
  /** The task as the server holds it now. */
  task: A2ATask;
}

/**
 * Payloads of an A2A stream's events, by event name. The name is the `StreamResponse` member
 * present (A2A v1.0, proto `message StreamResponse`, §3.2.3: `task`, `message`, `statusUpdate`,
 * `artifactUpdate`), read from the JSON-RPC `result` or from the HTTP+JSON event itself; `error`
 * and `resync` are runstream's.
 */
export interface A2AEventMap {
  /**
   * The task, first on a task stream (the state it is in when the stream opens). Terminal in a
   * terminal state (COMPLETED, FAILED, CANCELED, REJECTED) only: the task that opens the stream
   * of an answer to INPUT_REQUIRED still shows that state.
   */
  task: A2ATask;
  /** The agent answered with a message and no task: the stream's only event. Terminal: `'completed'`. */
  message: A2AMessage;
  /** The task's status changed. Terminal when the state is terminal or interrupted. */
  statusUpdate: A2ATaskStatusUpdateEvent;
  /** An artifact was made or grew. */
  artifactUpdate: A2ATaskArtifactUpdateEvent;
  /** The server reported an error inside a 200 stream; the stream then fails with `StreamError` `'server-error-event'`. See {@link A2AErrorData}. */
  error: A2AErrorData;
  /** After a drop: the task as it stands, from the re-subscribe; see {@link A2AResync}. Terminal when the task's state is. */
  resync: A2AResync;
}

/** An A2A event name. */
export type A2AEventType = keyof A2AEventMap;

/** How each task state ends a stream (A2A v1.0 proto `enum TaskState` comments; §3.1.2, §11.7). */
const STATE_OUTCOMES: Partial<Record<A2ATaskState, OutcomeInfo['type']>> = {
  TASK_STATE_COMPLETED: 'completed',
  TASK_STATE_FAILED: 'failed',
  TASK_STATE_REJECTED: 'failed',
  TASK_STATE_CANCELED: 'cancelled',
  TASK_STATE_INPUT_REQUIRED: 'interrupted',
  TASK_STATE_AUTH_REQUIRED: 'interrupted',
};

/** The `StreamResponse` members, the names of A2A's events. */
const MEMBERS = ['task', 'message', 'statusUpdate', 'artifactUpdate'] as const;

/**
 * The status an event carries: a `statusUpdate`'s, a `task`'s, a `resync`'s task's. @internal
 */
export function statusOf(event: Pick<StreamEvent, 'type' | 'data'>): A2ATaskStatus | undefined {
  const data = event.data as Record<string, unknown> | undefined;
  const holder = event.type === 'statusUpdate' ? data : event.type === 'task' ? data : event.type === 'resync' ? (data?.task as Record<string, unknown>) : undefined;
  const status = holder?.status;
  return isRecord(status) ? (status as unknown as A2ATaskStatus) : undefined;
}

/** The text parts of a message, joined with a space; `undefined` when it has none. @internal */
export function textOf(message: A2AMessage | undefined): string | undefined {
  const parts = Array.isArray(message?.parts) ? message.parts : [];
  const text = parts.map((part) => part?.text).filter((value): value is string => typeof value === 'string');
  return text.length ? text.join(' ') : undefined;
}

/**
 * The event of one SSE message's parsed data: the JSON-RPC response's `result` member (or its
 * `error`), or the HTTP+JSON event's member (or the `error` of a `google.rpc.Status`).
 * `undefined` (skipped) for a member this version does not know. @internal
 */
export function decodeA2A(data: unknown): { type: string; data: unknown } | undefined {
  if (!isRecord(data)) return undefined;
  // JSON-RPC 2.0: `{"jsonrpc":"2.0","id":…,"result"|"error":…}` (§9.4.2). HTTP+JSON: the bare
  // StreamResponse (§11.7), or a google.rpc.Status `{"error":{…}}` (§11.6).
  if (isRecord(data.error)) return { type: 'error', data: data.error };
  const body = data.jsonrpc !== undefined ? data.result : data;
  if (!isRecord(body)) return undefined;
  const member = MEMBERS.find((name) => isRecord(body[name]));
  return member && { type: member, data: body[member] };
}

/** The `google.rpc.ErrorInfo` reasons of an error's `data` (JSON-RPC) or `details` (HTTP+JSON). @internal */
export function reasonsOf(error: Partial<A2AErrorData>): string[] {
  const list = Array.isArray(error.data) ? error.data : Array.isArray(error.details) ? error.details : [];
  return list.map((item: unknown) => (isRecord(item) && typeof item.reason === 'string' ? item.reason : undefined)).filter((reason): reason is string => !!reason);
}

/**
 * A2A v1.0, described once. Each SSE event is unnamed (`data:` only, no `id:`, no `retry:`;
 * §9.4.2, §11.7); its name is the `StreamResponse` member present. @internal
 */
export const a2a = /* @__PURE__ */ definePlatform<A2AEventMap>()({
  name: 'a2a',
  title: 'A2A',
  // A2A has no one URL: each agent publishes its own in its card (`supportedInterfaces[].url`).
  // The default is where the a2a-js and a2a-samples agents listen when run locally.
  baseUrl: 'http://localhost:41241',
  baseUrlSource: 'the a2a-samples JavaScript agents (an agent\'s card gives its own URL)',
  auth: 'bearer',
  idleTimeout: 'connect',
  known: ['task', 'message', 'statusUpdate', 'artifactUpdate', 'error', 'resync'],
  // Terminal by data (`isTerminal`): the list only names the events that may end a stream.
  terminal: ['task', 'message', 'statusUpdate', 'resync'],
  outcomes: { task: 'by-data', message: 'completed', statusUpdate: 'by-data', resync: 'by-data' },
  keepalive: [],
  keepaliveComments: [],
  lineEndings: ['\n'],
  ids: false,
  routes: {
    // The JSON-RPC binding (§9) has no routes: every method is a POST to the interface URL itself.
    // HTTP+JSON binding (§11.3): `POST /message:stream`; subscribe is `GET` in the proto's
    // `google.api.http` (`get: "/tasks/{id=*}:subscribe"`), `POST` in the spec prose (§11.3.2).
    stream: { method: 'POST', path: '/message:stream' },
    subscribe: { method: 'GET', path: '/tasks/{taskId}:subscribe' },
    get: { method: 'GET', path: '/tasks/{taskId}' },
  },
  // The message is never re-sent; a drop re-subscribes to the task instead (the resource's
  // feature), whose first event is the task as it stands: delivered as `resync` (`recovered: true`).
  resume: 'resubscribe',
  resync: 'snapshot',
  decode: (data) => decodeA2A(data),
  // A `task` ends the stream only in a terminal state: the task that opens the stream of an
  // answer to INPUT_REQUIRED still shows that state. A `statusUpdate` or a `resync` ends it in an
  // interrupted state too (§11.7: the stream closes there).
  isTerminal: (event) => {
    if (event.type === 'message') return true;
    const type = STATE_OUTCOMES[statusOf(event)?.state as A2ATaskState];
    return type !== undefined && (event.type !== 'task' || type !== 'interrupted');
  },
  errorOf: (event) => {
    if (event.type !== 'error') return undefined;
    const error = event.data as Partial<A2AErrorData>;
    const code = typeof error.code === 'number' ? error.code : undefined;
    const reason = reasonsOf(error)[0];
    const message = typeof error.message === 'string' && error.message ? error.message : 'error event';
    // HTTP+JSON: `code` is an HTTP status and `status` its google.rpc.Code name. JSON-RPC: the
    // code is no HTTP status; it is the server code, and the ErrorInfo reason the status word.
    return typeof error.status === 'string'
      ? { message, status: code, serverCode: reason ?? error.status }
      : { message: code === undefined ? message : `${message} (A2A error ${code}${reason ? ` ${reason}` : ''})`, serverCode: code === undefined ? reason : String(code), ...(reason ? { status: reason } : {}) };
  },
  outcomeOf: (event) => {
    if (event.type === 'message') return { type: 'completed' };
    const status = statusOf(event);
    const type = status && STATE_OUTCOMES[status.state];
    if (!status || !type) return undefined;
    const message = textOf(status.message);
    return { type, serverStatus: status.state, ...(message !== undefined && type !== 'completed' ? { message } : {}) };
  },
});

/** An A2A error, typed: what {@link a2aErrorOf} reads from a failure. */
export interface A2AErrorInfo {
  /** The JSON-RPC error code (e.g. `-32001` TaskNotFoundError, A2A v1.0 §5.4), or for HTTP+JSON the HTTP status. */
  code: number;
  /** The server's description. */
  message: string;
  /** The `reason` of each `google.rpc.ErrorInfo` detail, e.g. `['TASK_NOT_FOUND']` (§9.5, §11.6). */
  reasons: string[];
  /** HTTP+JSON: the `google.rpc.Code` name, e.g. `'NOT_FOUND'`. */
  status?: string | undefined;
}

/**
 * The A2A error a failure carries, typed: from a `StreamError` `'server-error-event'` of an A2A
 * stream (its `data`, the raw error event), an `HTTPError` of an HTTP+JSON call (its `body`, a
 * `google.rpc.Status`), or an `error` event's data. `undefined` for anything else.
 *
 * @example
 * ```ts
 * import { A2A, a2aErrorOf } from 'runstream';
 *
 * const agent = new A2A({ baseUrl: 'http://localhost:41241' });
 * try {
 *   for await (const event of agent.tasks.subscribe('no-such-task')) console.log(event.type);
 * } catch (error) {
 *   const a2a = a2aErrorOf(error);
 *   if (a2a?.code === -32001) console.log('no such task', a2a.reasons);
 *   else throw error;
 * }
 * ```
 */
export function a2aErrorOf(failure: unknown): A2AErrorInfo | undefined {
  let error: unknown = failure;
  if (isRecord(failure) && (failure.name === 'StreamError' || failure.name === 'HTTPError')) {
    // A StreamError's `data` is the raw error event; an HTTPError's `body` is already parsed when JSON.
    const body = failure.name === 'StreamError' ? failure.data : failure.body;
    try {
      const value = typeof body === 'string' ? JSON.parse(body) : body;
      error = decodeA2A(value)?.type === 'error' ? (value as { error: unknown }).error : undefined;
    } catch {
      return undefined;
    }
  }
  if (!isRecord(error) || typeof error.code !== 'number') return undefined;
  const data = error as unknown as A2AErrorData;
  return { code: data.code, message: typeof data.message === 'string' ? data.message : '', reasons: reasonsOf(data), ...(typeof data.status === 'string' ? { status: data.status } : {}) };
}
