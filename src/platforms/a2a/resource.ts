/**
 * A2A v1.0 task streams: `SendStreamingMessage` and `SubscribeToTask`, over the JSON-RPC binding
 * (a POST to the agent's URL) or the HTTP+JSON binding (`POST /message:stream`,
 * `GET /tasks/{id}:subscribe`), with a re-subscribe after a drop.
 *
 * @module
 */
import { platformAdapter } from '../../core/adapter.js';
import { frameResponse } from '../../core/encode.js';
import { isRecord } from '../../core/errors.js';
import type { Transport } from '../../core/request.js';
import type { StreamOptions } from '../../core/sse.js';
import type { EventStream } from '../../core/stream.js';
import type { StreamEvent, StreamFeature } from '../../core/types.js';
import { streamOf } from '../define.js';
import { a2a, reasonsOf, type A2AEventMap, type A2AMessage, type A2ATask } from './definition.js';

/**
 * Which A2A protocol binding a call speaks (A2A v1.0 §9, §11); the agent card lists the
 * bindings an agent serves in `supportedInterfaces[].protocolBinding`:
 * - `'jsonrpc'` (`JSONRPC`): every method is a `POST` of `{"jsonrpc":"2.0","id","method","params"}`
 *   to the interface URL (the client's `baseUrl`); each SSE event is a JSON-RPC response.
 * - `'rest'` (`HTTP+JSON`): `POST {baseUrl}/message:stream`, `GET {baseUrl}/tasks/{id}:subscribe`;
 *   each SSE event is the bare `StreamResponse`.
 */
export type A2ABinding = 'jsonrpc' | 'rest';

/** Options of {@link A2ATasks.subscribe}: the stream options, and the binding. */
export interface A2AStreamOptions extends StreamOptions {
  /** The protocol binding to speak; see {@link A2ABinding}. @defaultValue `'jsonrpc'` */
  binding?: A2ABinding | undefined;
}

/** How the server should handle a message (A2A v1.0, proto `message SendMessageConfiguration`). */
export interface A2ASendConfiguration {
  /** Media types the client accepts in the response's parts, e.g. `['text/plain']`. */
  acceptedOutputModes?: string[] | undefined;
  /** How many of the task's latest history messages the response carries. */
  historyLength?: number | undefined;
  /** Any other field of the configuration, sent as given. */
  [key: string]: unknown;
}

/** Options of {@link A2ATasks.stream}: {@link A2AStreamOptions}, and what `SendMessageRequest` carries besides the message. */
export interface A2ASendOptions extends A2AStreamOptions {
  /** `SendMessageRequest.configuration` (A2A v1.0 §3.2.1). */
  configuration?: A2ASendConfiguration | undefined;
  /** `SendMessageRequest.metadata`. */
  metadata?: Record<string, unknown> | undefined;
}

/**
 * The message to send: its text (a `ROLE_USER` message with one text part), or a message whose
 * `messageId` (default: a random UUID) and `role` (default `'ROLE_USER'`) may be left out. Set
 * `taskId` and `contextId` to answer a task that asked for input.
 */
export type A2AMessageInput = string | (Omit<A2AMessage, 'messageId' | 'role'> & { messageId?: string | undefined; role?: A2AMessage['role'] | undefined });

const adapter = /* @__PURE__ */ platformAdapter(a2a);

/** What an early end says (`StreamError` `'unexpected-end'`). */
const RESUME_HINT = 'A2A re-subscribes to the task after a drop once it knows the task id (from its first task or statusUpdate event); it never sends the message again';

/** A random message id (`crypto.randomUUID` is missing in pages served over plain http). */
function randomId(): string {
  const crypto = globalThis.crypto;
  if (typeof crypto?.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The message of `input`, checked. */
function messageOf(input: A2AMessageInput): A2AMessage {
  if (typeof input === 'string') {
    if (!input) throw new TypeError('runstream: the A2A message must not be empty');
    return { messageId: randomId(), role: 'ROLE_USER', parts: [{ text: input }] };
  }
  if (!isRecord(input) || !Array.isArray(input.parts) || !input.parts.length) {
    throw new TypeError('runstream: an A2A message needs a non-empty `parts` array, e.g. [{ text: "hello" }]');
  }
  return { ...input, messageId: input.messageId ?? randomId(), role: input.role ?? 'ROLE_USER' };
}

/** The binding of `options`, checked. */
function bindingOf(options: A2AStreamOptions): A2ABinding {
  const binding = options.binding ?? 'jsonrpc';
  if (binding !== 'jsonrpc' && binding !== 'rest') throw new TypeError(`runstream: the A2A binding must be 'jsonrpc' or 'rest', not ${JSON.stringify(binding)}`);
  return binding;
}

/** The id of the task an event belongs to, when it says. */
function taskIdOf(event: StreamEvent): string | undefined {
  const data = event.data as Record<string, unknown>;
  const id = event.type === 'task' ? data.id : event.type === 'resync' ? (data.task as Record<string, unknown>).id : event.type === 'message' ? undefined : data.taskId;
  return typeof id === 'string' && id ? id : undefined;
}

/** A2A task streams. Reach it as `client.tasks`. */
export class A2ATasks {
  readonly #transport: Transport;
  /** The id of the next JSON-RPC request. */
  #id = 0;

  /** @internal */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Sends a message and streams the agent's answer (`SendStreamingMessage`, A2A v1.0 §3.1.2):
   * JSON-RPC `POST {baseUrl}` with `method: 'SendStreamingMessage'`, or HTTP+JSON
   * `POST {baseUrl}/message:stream`, with `A2A-Version: 1.0` (without it a v1.0 server takes
   * the request for v0.3, §3.6.2).
   *
   * Events: `task` first, then `statusUpdate` and `artifactUpdate` until the task reaches a
   * terminal or interrupted state; or one `message` when the agent answers without a task.
   * The outcome: COMPLETED → `'completed'`, FAILED and REJECTED → `'failed'`, CANCELED →
   * `'cancelled'`, INPUT_REQUIRED and AUTH_REQUIRED → `'interrupted'` (`serverStatus` is the
   * state, `message` the text of the status message); a `message` → `'completed'`. A JSON-RPC
   * error, before the stream (a `200 application/json` body) or inside it (`event: error`), is
   * delivered as an `error` event, then the stream fails with `StreamError`
   * `'server-error-event'` (`serverCode` the JSON-RPC code as text, e.g. `'-32001'`; `serverStatus`
   * its `ErrorInfo` reason; read both typed with `a2aErrorOf`).
   *
   * What a drop costs: A2A sends no event ids. Once the task id is known (from the first `task`
   * or `statusUpdate`), a dropped stream re-subscribes (`SubscribeToTask`); its first event, the
   * task as it stands, arrives as a `resync` event (`recovered: true`: the snapshot replaces
   * the updates sent in the gap, which are not replayed), then the live updates. A task that
   * ended meanwhile is read with `GetTask` and ends the stream with its outcome. A drop before
   * the task id is known ends the stream (`ConnectionError`, or `StreamError`
   * `'unexpected-end'` on a clean close): the message is never sent twice.
   *
   * @example
   * ```ts
   * const stream = client.tasks.stream('What is the weather in Paris?');
   * for await (const event of stream) {
   *   if (event.type === 'artifactUpdate') console.log(event.data.artifact.parts);
   * }
   * console.log(stream.outcome?.type); // 'completed', 'failed', 'interrupted', …
   * ```
   *
   * @param message - the text, or the message; see {@link A2AMessageInput}.
   * @param options - `binding`, `configuration`, `metadata`, and the stream options.
   * @throws TypeError synchronously for an empty message or an unknown binding; RangeError for a
   *   numeric option out of range. The stream fails with `HTTPError`, `StreamError` or
   *   `ConnectionError`; see `connect`.
   */
  stream(message: A2AMessageInput, options: A2ASendOptions = {}): EventStream<A2AEventMap> {
    const binding = bindingOf(options);
    const { configuration, metadata, binding: _, ...rest } = options;
    const params = { message: messageOf(message), ...(configuration ? { configuration } : {}), ...(metadata ? { metadata } : {}) };
    const body = binding === 'rest' ? params : this.#rpc('SendStreamingMessage', params);
    return this.#stream(binding, binding === 'rest' ? a2a.routes.stream.path : '', body, undefined, rest);
  }

  /**
   * Streams a task's updates from now on (`SubscribeToTask`, A2A v1.0 §3.1.6): JSON-RPC
   * `POST {baseUrl}` with `method: 'SubscribeToTask'`, or HTTP+JSON
   * `GET {baseUrl}/tasks/{taskId}:subscribe` (the proto's `google.api.http` says GET; the spec
   * prose of §11.3.2 says POST; @a2a-js/sdk serves both). The first event is the `task` as it
   * stands; the stream then ends as {@link A2ATasks.stream}'s does, and re-subscribes after a
   * drop the same way (the next snapshot arrives as a `resync` event). A task already in a
   * terminal state (the server answers `-32004` UnsupportedOperationError) is read with
   * `GetTask` and delivered as the `task` that ends the stream.
   *
   * @example
   * ```ts
   * for await (const event of client.tasks.subscribe('3f36680c-7f37-4a5f-945e-d78981fafd36')) {
   *   if (event.type === 'statusUpdate') console.log(event.data.status.state);
   * }
   * ```
   *
   * @param taskId - the task's id.
   * @param options - `binding`, and the stream options.
   * @throws TypeError synchronously when `taskId` is empty or the binding unknown. The stream
   *   fails as {@link A2ATasks.stream}'s does; an unknown task is an `error` event with code
   *   `-32001` (JSON-RPC) or an `HTTPError` 404 (HTTP+JSON).
   */
  subscribe(taskId: string, options: A2AStreamOptions = {}): EventStream<A2AEventMap> {
    const binding = bindingOf(options);
    const { binding: _, ...rest } = options;
    if (typeof taskId !== 'string' || !taskId) throw new TypeError('runstream: an id must be a non-empty string');
    if (binding === 'rest') return this.#stream(binding, a2a.routes.subscribe.path.replace('{taskId}', encodeURIComponent(taskId)), undefined, taskId, rest, 'GET');
    return this.#stream(binding, '', this.#rpc('SubscribeToTask', { id: taskId }), taskId, rest);
  }

  /** A JSON-RPC request body. */
  #rpc(method: string, params: Record<string, unknown>): Record<string, unknown> {
    return { jsonrpc: '2.0', id: ++this.#id, method, params };
  }

  /** The request headers of a call: the caller's, `A2A-Version: 1.0` unless set, and the binding's content type. */
  #headers(binding: A2ABinding, given: StreamOptions['headers']): Headers {
    const headers = new Headers(given);
    if (!headers.has('a2a-version')) headers.set('a2a-version', '1.0');
    // §11.2: HTTP+JSON requests are `application/a2a+json`; JSON-RPC `application/json` (§9.1).
    if (binding === 'rest' && !headers.has('content-type')) headers.set('content-type', 'application/a2a+json');
    return headers;
  }

  #stream(
    binding: A2ABinding,
    path: string,
    body: Record<string, unknown> | undefined,
    taskId: string | undefined,
    options: StreamOptions,
    method: 'GET' | 'POST' = 'POST',
  ): EventStream<A2AEventMap> {
    const ids: Record<string, string> = taskId === undefined ? {} : { taskId };
    const spec = { ...streamOf(a2a, { method, path: '' }, ids), path, body };
    const headers = this.#headers(binding, options.headers);
    const use = [...(options.use ?? []), this.#resubscriber(binding, ids, headers)];
    return this.#transport.stream<A2AEventMap>(spec, adapter, { ...options, headers, use }, { resumeHint: RESUME_HINT });
  }

  /**
   * The feature that re-subscribes a dropped stream to its task, turns the re-subscribe's first
   * event (the task) into the `resync` gap marker, turns a JSON-RPC error sent as a
   * `200 application/json` body into an `error` event, and reads a task that ended meanwhile
   * with `GetTask`. `ids` is the stream's `StreamInfo.ids`: the task id is filled in when learnt.
   */
  #resubscriber(binding: A2ABinding, ids: Record<string, string>, headers: Headers): StreamFeature {
    const base = this.#transport.url('');
    return (control) => {
      const config = control.config;
      let taskId: string | undefined = ids.taskId;
      // Set when a re-subscribe is sent: its first `task` event is the gap marker.
      let snapshot = false;
      // Set while the stream's request is a subscribe (from the start, or after a drop).
      let subscribing = taskId !== undefined;
      const inner = config.adapter;
      config.adapter = {
        ...inner,
        toEvent(message, lastEventId) {
          const event = inner.toEvent(message, lastEventId);
          if (!snapshot || !event || event.type !== 'task') return event;
          snapshot = false;
          return { ...event, type: 'resync', data: { reason: 'resubscribed', recovered: true, task: event.data } };
        },
      };
      const fetch = config.fetch;
      config.fetch = async (input, init) => {
        const response = await fetch(input, init);
        const type = response.headers.get('content-type') ?? '';
        const json = /^\s*application\/(a2a\+)?json\s*(;|$)/i.test(type);
        // A JSON-RPC error comes as a 200 JSON body before any event; an HTTP+JSON one as an HTTP error.
        if (!json || (response.ok ? binding !== 'jsonrpc' : !(binding === 'rest' && subscribing))) return response;
        const text = await response.text();
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        const error = isRecord(parsed) && isRecord(parsed.error) ? (parsed.error as Record<string, unknown>) : undefined;
        const copy = () => new Response(text, { status: response.status, statusText: response.statusText, headers: response.headers });
        if (!error) return copy();
        // §3.1.6: subscribing to a task in a terminal state is an UnsupportedOperationError
        // (-32004; HTTP+JSON 400 with reason UNSUPPORTED_OPERATION): the task ended meanwhile.
        if (subscribing && taskId !== undefined && (error.code === -32004 || reasonsOf(error).includes('UNSUPPORTED_OPERATION'))) {
          const task = await this.#getTask(binding, taskId, headers, control.signal).catch(() => undefined);
          if (task) return frameResponse([{ data: { task } }]);
        }
        return response.ok ? frameResponse([{ event: 'error', data: text }]) : copy();
      };
      return {
        event: (event) => {
          if (taskId !== undefined) return;
          taskId = taskIdOf(event);
          if (taskId !== undefined) ids.taskId = taskId;
        },
        dropped: () => {
          if (taskId === undefined) return;
          subscribing = snapshot = true;
          if (binding === 'rest') control.setRequest({ url: `${base}/tasks/${encodeURIComponent(taskId)}:subscribe`, method: 'GET' });
          else control.setRequest({ url: base, method: 'POST', body: JSON.stringify(this.#rpc('SubscribeToTask', { id: taskId })), resend: true });
        },
      };
    };
  }

  /**
   * The task as it stands (`GetTask`, A2A v1.0 §3.1.3): JSON-RPC `POST {baseUrl}` with
   * `method: 'GetTask'`, or HTTP+JSON `GET {baseUrl}/tasks/{taskId}`. `undefined` when the
   * answer holds no task.
   */
  async #getTask(binding: A2ABinding, taskId: string, headers: Headers, signal: AbortSignal): Promise<A2ATask | undefined> {
    const extra = new Headers(headers);
    extra.delete('content-type');
    extra.delete('accept');
    const answer =
      binding === 'rest'
        ? await this.#transport.json<unknown>({ method: 'GET', path: `/tasks/${encodeURIComponent(taskId)}`, auth: a2a.auth }, { headers: extra, signal })
        : await this.#transport.json<unknown>({ method: 'POST', path: '', body: this.#rpc('GetTask', { id: taskId }), auth: a2a.auth }, { headers: extra, signal });
    const task = binding === 'rest' ? answer : isRecord(answer) ? answer.result : undefined;
    return isRecord(task) && typeof task.id === 'string' && isRecord(task.status) ? (task as unknown as A2ATask) : undefined;
  }
}
