/**
 * MCP Streamable HTTP requests: one JSON-RPC request POSTed to the MCP endpoint, its answer
 * read as an event stream (or as one `application/json` response, turned into a one-event
 * stream).
 *
 * @module
 */
import { platformAdapter } from '../../core/adapter.js';
import { frameResponse } from '../../core/encode.js';
import { isRecord } from '../../core/errors.js';
import { httpErrorFrom } from '../../core/http.js';
import type { HeadersLike } from '../../core/options.js';
import { streamError } from '../../core/policy.js';
import type { Transport } from '../../core/request.js';
import type { StreamOptions } from '../../core/sse.js';
import type { EventStream } from '../../core/stream.js';
import type { StreamFeature } from '../../core/types.js';
import { streamOf } from '../define.js';
import { mcp, type MCPEventMap, type MCPProtocolVersion, type MCPRequestId, type MCPResult } from './definition.js';

/** The `_meta` keys of the 2026-07-28 request envelope (basic/transports/streamable-http, "Request Metadata"). */
const META = 'io.modelcontextprotocol/';

/** What a client sends about itself: `clientInfo` (MCP `Implementation`). */
export interface MCPClientInfo {
  /** The client's name. */
  name: string;
  /** The client's version. */
  version: string;
  [key: string]: unknown;
}

/** Options of the MCP client that every request uses. */
export interface MCPClientSettings {
  /**
   * The MCP revision to speak: `'2025-11-25'` (every current server, the v2 SDK through its
   * fallback) or `'2026-07-28'` (stateless, headers `Mcp-Method`/`Mcp-Name`, the `_meta`
   * envelope, no resume).
   * @defaultValue `'2025-11-25'`
   */
  protocolVersion?: MCPProtocolVersion | undefined;
  /**
   * 2025-11-25: the `Mcp-Session-Id` a server gave at `initialize`, sent on every request.
   * `initialize()` sets it; give it to reuse a session.
   */
  sessionId?: string | undefined;
  /** Sent as `clientInfo` (2025-11-25 `initialize`; 2026-07-28 `_meta`). @defaultValue `{ name: 'runstream', version: '0.1.0' }` */
  clientInfo?: MCPClientInfo | undefined;
  /** The client's capabilities (2025-11-25 `initialize`; 2026-07-28 `_meta` on every request). @defaultValue `{}` */
  clientCapabilities?: Record<string, unknown> | undefined;
}

/**
 * Options of one MCP request: the stream options (not `resume`: MCP decides how a request
 * continues, see {@link MCPRequestOptions.reissue}) and what goes into `params._meta`.
 */
export interface MCPRequestOptions extends Omit<StreamOptions, 'resume'> {
  /**
   * The `params._meta.progressToken`: the server sends `notifications/progress` only when one is
   * set (MCP basic/utilities/progress). `false` sends none.
   * @defaultValue `'runstream-<request id>'`
   */
  progressToken?: string | number | false | undefined;
  /**
   * 2026-07-28: `io.modelcontextprotocol/logLevel`, without which the server sends no
   * `notifications/message` on the request's stream. Ignored by 2025-11-25 (use `logging/setLevel`).
   */
  logLevel?: string | undefined;
  /**
   * 2026-07-28: how many times a request whose stream dropped is sent again, each time as a new
   * request with a new id (the server cancelled the first: closing the stream is cancellation).
   * Only for requests that are safe to repeat. 2025-11-25 never re-sends; it resumes by `GET`.
   * @defaultValue 0
   */
  reissue?: number | undefined;
  /** More `params._meta` entries. */
  meta?: Record<string, unknown> | undefined;
}

/** Mcp-Method / Mcp-Name: the params field whose value `Mcp-Name` carries, by method (2026-07-28). */
const NAMED: Readonly<Record<string, string>> = { 'tools/call': 'name', 'prompts/get': 'name', 'resources/read': 'uri' };

/**
 * A header value as 2026-07-28 requires it: printable ASCII without surrounding spaces as is,
 * anything else as the base64 sentinel `=?base64?<UTF-8 base64>?=`. @internal
 */
export function headerValue(value: string): string {
  if (/^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(value)) return value;
  let binary = '';
  for (const byte of new TextEncoder().encode(value)) binary += String.fromCharCode(byte);
  return `=?base64?${btoa(binary)}?=`;
}

/** The event stream of an MCP request's answer. */
export type MCPStream = EventStream<MCPEventMap>;

/**
 * A fetch that reads an `application/json` answer as a one-event stream (`event: message`, the
 * body in `data:` lines): the transports section lets a server answer a request with either
 * (2025-11-25 and 2026-07-28, "the client MUST support both"). Other responses pass through.
 */
function jsonAsStream(fetchImpl: typeof fetch): typeof fetch {
  return async (input, init) => {
    const response = await fetchImpl(input, init);
    const type = response.headers.get('content-type') ?? '';
    if (!response.ok || !/^\s*application\/json\s*(;|$)/i.test(type)) return response;
    return frameResponse([{ event: 'message', data: await response.text() }], response);
  };
}

/** An MCP endpoint: `request()`, `tools.call()`, and for 2025-11-25 `initialize()`. The {@link MCP} client is one. */
export class MCPEndpoint {
  readonly #transport: Transport;
  readonly #fetch: typeof fetch;
  readonly #version: MCPProtocolVersion;
  readonly #clientInfo: MCPClientInfo;
  readonly #capabilities: Record<string, unknown>;
  #sessionId: string | undefined;
  #nextId = 1;

  /** Tools (MCP server/tools): `tools.call(name, args)`. */
  readonly tools: {
    /**
     * Calls a tool (`tools/call`) and streams its progress and result. The stream completes with
     * the result (`outcome.event.data.result`); a tool that failed (`isError: true`) ends it with
     * outcome `'failed'` (no exception); `resultType: 'input_required'` with `'interrupted'`.
     *
     * @param name - the tool's name (sent as `Mcp-Name` in 2026-07-28).
     * @param args - its arguments. @defaultValue `{}`
     * @throws as {@link MCPEndpoint.request}.
     */
    call(name: string, args?: Record<string, unknown>, options?: MCPRequestOptions): MCPStream;
  };

  /** @internal */
  constructor(transport: Transport, settings: MCPClientSettings & { fetch?: typeof fetch | undefined } = {}) {
    this.#transport = transport;
    this.#fetch = settings.fetch ?? ((input, init) => globalThis.fetch(input, init));
    const version = settings.protocolVersion ?? '2025-11-25';
    if (version !== '2025-11-25' && version !== '2026-07-28') {
      throw new TypeError(`runstream: MCP \`protocolVersion\` must be '2025-11-25' or '2026-07-28', got ${JSON.stringify(version)}`);
    }
    this.#version = version;
    this.#sessionId = settings.sessionId;
    this.#clientInfo = settings.clientInfo ?? { name: 'runstream', version: '0.1.0' };
    this.#capabilities = settings.clientCapabilities ?? {};
    this.tools = { call: (name, args = {}, options) => this.request('tools/call', { name, arguments: args }, options) };
  }

  /** The MCP revision this client speaks. */
  get protocolVersion(): MCPProtocolVersion {
    return this.#version;
  }

  /** 2025-11-25: the `Mcp-Session-Id` sent with each request (from `initialize()` or the `sessionId` option), if any. */
  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  /**
   * Sends one JSON-RPC request (`POST` to the endpoint) and streams its answer: the request's
   * notifications (`notifications/progress`, `notifications/message`), server→client requests
   * (2025-11-25), then the response, `result` or `error`, whose `id` is this request's; it ends
   * the stream. An `application/json` answer is a stream of that one response.
   *
   * Headers: `Accept: application/json, text/event-stream`, `Content-Type: application/json`,
   * `MCP-Protocol-Version`; 2025-11-25 `Mcp-Session-Id` when there is a session; 2026-07-28
   * `Mcp-Method`, `Mcp-Name` (tools/call, prompts/get, resources/read) and the `params._meta`
   * envelope (`io.modelcontextprotocol/protocolVersion`, `…/clientInfo`, `…/clientCapabilities`).
   *
   * Outcomes: `result` → `'completed'`; `isError: true` → `'failed'`; `resultType:
   * 'input_required'` → `'interrupted'`; a JSON-RPC `error` fails the stream with `StreamError`
   * `'server-error-event'` (`serverCode` the code as a string, e.g. `'-32601'`; the number is in
   * `outcome.event.data.error.code`).
   *
   * What a drop costs: 2025-11-25, when the server sent event ids (an event store), nothing: the
   * stream resumes by `GET` with `Last-Event-ID` and `Mcp-Session-Id`, and the server replays
   * what was sent in the gap; without ids the stream fails with `StreamError` `'unexpected-end'`
   * (the request may still run: send `notifications/cancelled` with {@link MCPEndpoint.notify}).
   * 2026-07-28: the request itself: the server treats the closed stream as cancellation, and the
   * stream fails with `'unexpected-end'` saying so, unless `reissue` allows sending it again as a
   * new request with a new id.
   *
   * @example
   * ```ts
   * import { MCP } from 'runstream';
   *
   * const mcp = new MCP({ baseUrl: 'http://127.0.0.1:3000/mcp', protocolVersion: '2026-07-28' });
   * for await (const event of mcp.request('tools/call', { name: 'search', arguments: { q: 'sse' } })) {
   *   if (event.type === 'notifications/progress') console.log(event.data.progress, event.data.total);
   *   if (event.type === 'result') console.log(event.data.result.content);
   * }
   * ```
   *
   * @param method - the JSON-RPC method, e.g. `'tools/call'`.
   * @param params - its params; `_meta` is merged with runstream's. @defaultValue `{}`
   * @throws TypeError synchronously when `method` is empty, or `reissue` is not a non-negative
   *   integer. The stream fails with `HTTPError` (400 version or header mismatch, 404 unknown
   *   session or method, …), `StreamError` or `ConnectionError`.
   */
  request(method: string, params: Record<string, unknown> = {}, options: MCPRequestOptions = {}): MCPStream {
    if (typeof method !== 'string' || method === '') throw new TypeError('runstream: an MCP method must be a non-empty string, e.g. "tools/call"');
    const { progressToken, logLevel, reissue = 0, meta, headers: extra, ...rest } = options;
    delete (rest as StreamOptions).resume;
    if (!Number.isInteger(reissue) || reissue < 0) throw new TypeError(`runstream: \`reissue\` must be a non-negative integer, got ${String(reissue)}`);
    const version = this.#version;
    const current = { id: this.#nextId++ as MCPRequestId };
    const bodyOf = (): Record<string, unknown> => {
      const extraMeta: Record<string, unknown> = { ...(isRecord(params._meta) ? params._meta : {}), ...meta };
      if (progressToken !== false && method !== 'initialize') extraMeta.progressToken = progressToken ?? `runstream-${current.id}`;
      if (version === '2026-07-28') {
        extraMeta[`${META}protocolVersion`] = version;
        extraMeta[`${META}clientInfo`] = this.#clientInfo;
        extraMeta[`${META}clientCapabilities`] = this.#capabilities;
        if (logLevel !== undefined) extraMeta[`${META}logLevel`] = logLevel;
      }
      const merged = Object.keys(extraMeta).length ? { ...params, _meta: extraMeta } : params;
      return { jsonrpc: '2.0', id: current.id, method, params: merged };
    };
    const headers = this.#headers(method, params, extra);
    const adapter = platformAdapter({
      ...mcp,
      // The response to this request ends the stream; `id: null` is an error the server could not tie to one.
      isTerminal: (event) => (event.type === 'result' || event.type === 'error') && [current.id, null].includes((event.data as { id: MCPRequestId | null }).id),
    });
    const spec = { ...streamOf(mcp, mcp.routes.request), body: bodyOf() };
    const url = this.#transport.url(spec.path);
    const nextId = (): number => this.#nextId++;
    const feature: StreamFeature = (control) => {
      control.config.fetch = jsonAsStream(control.config.fetch);
      let open = false;
      let reissued = 0;
      const end = (text: string) => control.end(streamError({ ...control.request, lastEventId: control.lastEventId }, 'unexpected-end', text));
      return {
        open() {
          open = true;
        },
        dropped() {
          // A request that got no response is the core's to retry or report (HTTPError, ConnectionError).
          if (!open) return;
          open = false;
          if (version === '2025-11-25') {
            if (control.lastEventId) return control.setRequest({ url, method: 'GET' });
            return end(
              'the stream ended before the response, and the server sent no event ids, so it cannot be resumed (MCP 2025-11-25 resumes only from a server that keeps events). ' +
                'The request may still run on the server: a disconnect is not a cancellation in 2025-11-25; send notifications/cancelled to stop it',
            );
          }
          if (reissued < reissue) {
            reissued++;
            current.id = nextId();
            return control.setRequest({ url, method: 'POST', body: JSON.stringify(bodyOf()), resend: true });
          }
          end(
            'the stream ended before the response; MCP 2026-07-28 cannot resume a request, and the server treats a closed stream as cancellation: the request was cancelled on the server. ' +
              'Send it again as a new request (a new id) if it is safe to repeat, or pass `reissue` to let runstream do so',
          );
        },
      };
    };
    return this.#transport.stream<MCPEventMap>(spec, adapter, { ...rest, headers, use: [...(rest.use ?? []), feature] });
  }

  /**
   * 2025-11-25: opens a session: sends `initialize` (protocol version, `clientInfo`,
   * `clientCapabilities`), keeps the `Mcp-Session-Id` the server answers with (if any) for every
   * later request, then sends `notifications/initialized`. A stateless server gives no session id
   * and needs no `initialize`. 2026-07-28 has no `initialize`.
   *
   * @returns the server's `InitializeResult` (`protocolVersion`, `capabilities`, `serverInfo`).
   * @throws TypeError (rejects) for a 2026-07-28 client. Rejects with `HTTPError`,
   *   `StreamError` (a JSON-RPC error) or `ConnectionError`.
   */
  async initialize(options: Pick<MCPRequestOptions, 'signal' | 'headers'> = {}): Promise<MCPResult> {
    if (this.#version !== '2025-11-25') throw new TypeError('runstream: MCP 2026-07-28 has no initialize: send requests directly (use server/discover to learn the server)');
    let sessionId: string | undefined;
    const stream = this.request(
      'initialize',
      { protocolVersion: this.#version, capabilities: this.#capabilities, clientInfo: this.#clientInfo },
      { ...options, progressToken: false, onOpen: (info) => void (sessionId = info.headers.get('mcp-session-id') ?? undefined) },
    );
    const outcome = await stream.finished;
    const result = (outcome.event?.data as MCPEventMap['result'] | undefined)?.result ?? {};
    if (sessionId) this.#sessionId = sessionId;
    await this.notify('notifications/initialized', {}, options);
    return result;
  }

  /**
   * Sends a JSON-RPC notification (no id, no answer but `202 Accepted`): e.g.
   * `notifications/cancelled` with `{ requestId, reason }` (2025-11-25).
   *
   * @throws (rejects) `HTTPError` for a non-2xx answer; the runtime's error when the request fails.
   */
  async notify(method: string, params: Record<string, unknown> = {}, options: Pick<MCPRequestOptions, 'signal' | 'headers'> = {}): Promise<void> {
    await this.#post({ jsonrpc: '2.0', method, params }, method, params, options);
  }

  /**
   * 2025-11-25: answers a server→client request (`sampling/createMessage`,
   * `elicitation/create`, `roots/list`, `ping`) delivered on a stream, by its `id`: with a
   * `result`, or a JSON-RPC `error` (`{ code, message }`).
   *
   * @throws (rejects) `HTTPError` for a non-2xx answer; the runtime's error when the request fails.
   */
  async respond(id: MCPRequestId, answer: { result: Record<string, unknown> } | { error: { code: number; message: string; data?: unknown } }, options: Pick<MCPRequestOptions, 'signal' | 'headers'> = {}): Promise<void> {
    await this.#post({ jsonrpc: '2.0', id, ...answer }, undefined, {}, options);
  }

  /** POSTs one message that gets no stream back (a notification, a response). */
  async #post(message: Record<string, unknown>, method: string | undefined, params: Record<string, unknown>, options: Pick<MCPRequestOptions, 'signal' | 'headers'>): Promise<void> {
    const url = this.#transport.url('');
    const headers = this.#transport.headers(mcp.auth, this.#headers(method, params, options.headers));
    const response = await this.#fetch(url, { method: 'POST', headers, body: JSON.stringify(message), signal: options.signal ?? null });
    if (!response.ok) throw await httpErrorFrom(response, 'POST', url);
    await response.body?.cancel().catch(() => {});
  }

  /** The headers of a POST for `method` (none for a response), after the caller's `extra`. */
  #headers(method: string | undefined, params: Record<string, unknown>, extra: HeadersLike | undefined): Headers {
    const headers = new Headers(extra);
    headers.set('accept', 'application/json, text/event-stream');
    headers.set('content-type', 'application/json');
    // 2025-11-25 sends the version on every request after initialize.
    if (method !== 'initialize') headers.set('mcp-protocol-version', this.#version);
    if (this.#version === '2025-11-25') {
      if (this.#sessionId) headers.set('mcp-session-id', this.#sessionId);
    } else if (method !== undefined) {
      headers.set('mcp-method', headerValue(method));
      const key = NAMED[method];
      const name = key && params[key];
      if (typeof name === 'string') headers.set('mcp-name', headerValue(name));
    }
    return headers;
  }
}
