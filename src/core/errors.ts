/**
 * Every error runstream throws. One small tree: {@link SDKError} at the root, one class per
 * failure family, and a `code` where a family has several causes. Each class has a literal
 * `name`, keeps the underlying error as the standard `cause`, and never includes request
 * headers, API keys or `Authorization` values in its message or serialisation.
 *
 * @module
 */
import { bodySummary, cut } from './error-data.js';
import { brand, isSDKError } from './guards.js';
import { redactHeaders, redactText, redactUrl, redactValue, sanitizeError } from './redact.js';

// The one redaction (see redact.ts) and the guards (see guards.ts), re-exported for the modules
// that import them from here; and the readers of error data the platforms use (error-data.ts).
export { redactText, redactUrl } from './redact.js';
export { isConnectionError, isHTTPError, isSDKError, isStreamError, isTimeoutError } from './guards.js';
export { errorFields, errorMessage, isRecord } from './error-data.js';

/** Node's `util.inspect` hook: a symbol from the global registry, so no `node:` import is needed. */
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** The one prefix of every message runstream writes into an error. */
const PREFIX = 'runstream: ';

/**
 * The fields logs show (`toJSON`, `util.inspect`): `fields`' own that are set, then `cause` when
 * set; not `name`; `Headers` as a redacted record; strings redacted, except `lastEventId`, which
 * is shown only when there is one (`''` says nothing).
 */
function shown(fields: object, cause: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries({ ...fields, cause })) {
    if (key === 'lastEventId' ? value : key !== 'name' && value !== undefined) {
      out[key] = value instanceof Headers ? redactHeaders(value) : typeof value === 'string' && key !== 'lastEventId' ? redactText(value) : value;
    }
  }
  return out;
}

/**
 * An error as a plain object for JSON logs, its causes too (9 levels in all): `name`, `message`,
 * then a runstream error's fields (see {@link shown}), a foreign error's `code` (a string or a
 * number), and `cause`. A foreign error was sanitised when it became a cause; any other object
 * is left out (it may hold anything), a string, number or boolean is kept.
 */
function json(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error)) return ['string', 'number', 'boolean'].includes(typeof error) ? error : undefined;
  const { code } = error as { code?: unknown };
  const fields = isSDKError(error) ? error : { code: typeof code === 'string' || typeof code === 'number' ? code : undefined };
  return { name: error.name, message: error.message, ...shown(fields, depth < 8 ? json(error.cause, depth + 1) : undefined) };
}

/**
 * Base class of every error runstream throws. Catch this to handle any SDK failure.
 *
 * Shape: `name` is the literal class name; `message` starts with `runstream: `; `cause`
 * (standard `Error.cause`) holds the underlying error when there is one (a foreign error whose
 * text quotes a secret, such as a runtime's error that repeats the URL, is kept as a redacted
 * copy of the same class); `lastEventId` is the last event ID when the error ends an event
 * stream (see {@link EventStream.lastEventId}) so the caller can resume later with
 * `connect(url, { lastEventId })` or the resource's `lastEventId` option.
 *
 * `instanceof SDKError` holds for errors made by the copy of runstream you imported; to
 * recognise an error made by another loaded copy (an app that loads both the ESM and the
 * CommonJS build, or two versions), use {@link isSDKError} and the other guards.
 */
export class SDKError extends Error {
  override name: string = 'SDKError';
  /**
   * The last event ID the stream had seen when this error ended it (from the SSE `id:` field);
   * `''` when no id was seen, and for errors that did not end an event stream (a JSON call's),
   * as EventSource's `lastEventId` says "no id". Pass it on as is: `''` resumes from nothing.
   */
  declare lastEventId: string;

  /**
   * @param message - the message; `runstream: ` is put in front unless it starts with it;
   *   secrets in it are redacted (see the module notes).
   * @param fields - `cause` becomes the standard `Error.cause` (a foreign error is sanitised
   *   first); every other field becomes a property of the error (`url` with credentials
   *   redacted, see the module notes). A `name` given here is the error's family too, as the
   *   guards read it: runstream's subclasses pass theirs (`'HTTPError'`, …).
   */
  constructor(
    message: string,
    fields: { cause?: unknown; lastEventId?: string | undefined; url?: string | undefined; [field: string]: unknown } = {},
  ) {
    const { cause, ...rest } = fields;
    // The stack starts with the message: redacting it before `super` keeps the stack clean too.
    super(redactText(message.startsWith(PREFIX) ? message : PREFIX + message), cause === undefined ? undefined : { cause: isSDKError(cause) ? cause : sanitizeError(cause) });
    rest.url &&= redactUrl(rest.url);
    Object.assign(this, rest);
    this.lastEventId ??= '';
    // The family: `'SDKError'`, or the `name` a subclass of this module passed.
    brand(this, String(this.name));
  }

  /**
   * A plain object with the error's public fields, for logging (`JSON.stringify(error)`):
   * `name`, `message`, every field that is set, and `cause` (its `name`, `message`, `code` and
   * own `cause`, 8 levels deep). Holds no secrets.
   */
  toJSON(): Record<string, unknown> {
    return json(this) as Record<string, unknown>;
  }

  /**
   * What Node's `util.inspect` (and so `console.log` and an uncaught rejection) prints: the
   * stack, the fields, and the `cause` chain, with secrets redacted.
   */
  [INSPECT](depth: number, options: object, inspect: (value: unknown, options?: unknown) => string): string {
    const fields = shown(this, this.cause);
    // `depth` is what is left of the caller's depth (`null`, no limit, is not below 0); below 0,
    // Node's own style for an error too deep to show.
    return depth < 0 ? `[${this}]` : `${this.stack}${Object.keys(fields).length ? ` ${inspect(fields, { ...options, depth })}` : ''}`;
  }
}

/** Largest response body, in characters, that {@link HTTPError} keeps. */
export const MAX_ERROR_BODY = 64 * 1024;

/**
 * The server answered with a non-2xx HTTP status, or a JSON call got a 2xx that is not JSON (an
 * event stream, which is not read, or a body that does not parse; `status` is then the 2xx and
 * the message names the content type). Thrown by JSON calls and by event streams; GET streams
 * retry 5xx, 408 and 429 and fail at once on other 4xx; POST streams retry 408, 429 and 503
 * before any event. (A stream answered with something other than
 * `text/event-stream` fails with `StreamError` `'invalid-content-type'` instead.)
 */
export class HTTPError extends SDKError {
  /** `'HTTPError'`, the error's family, as its brand says (see {@link isSDKError}). */
  declare name: 'HTTPError';
  /** HTTP status code of the response, e.g. `404`. */
  declare readonly status: number;
  /** HTTP status text of the response, e.g. `'Not Found'` (may be `''` over HTTP/2). */
  declare readonly statusText: string;
  /** Response headers. */
  declare readonly headers: Headers;
  /**
   * Response body: the parsed value when the response is JSON, else the text; at most
   * 64 KiB (65,536 characters) are read (longer text is cut and ends with `…`);
   * `undefined` when the body is empty or could not be read. A server that echoes the request
   * may repeat its credentials: secrets are masked as `***` (values under secret names, URLs'
   * secrets, `Bearer …`; see the redaction rules in the `redact` module notes of the docs).
   */
  declare readonly body: unknown;
  /** The request id from the `X-Request-ID` (or `Request-Id`) response header, when present. */
  declare readonly requestId: string | undefined;
  /** HTTP method of the request. */
  declare readonly method: string;
  /** URL of the request, with credentials redacted. */
  declare readonly url: string;

  constructor(init: {
    status: number;
    statusText: string;
    headers: Headers;
    body: unknown;
    method: string;
    url: string;
    lastEventId?: string | undefined;
    cause?: unknown;
    /** What is wrong with a 2xx response, said instead of "failed with HTTP …" (not kept as a field). */
    reason?: string | undefined;
  }) {
    const { reason, ...fields } = init;
    const detail = bodySummary(init.body);
    const requestId = init.headers.get('x-request-id') ?? init.headers.get('request-id') ?? undefined;
    super(
      `${at(init)}${reason === undefined ? ` failed with HTTP ${init.status}${init.statusText && ' ' + init.statusText}${detail && ': ' + detail}` : ': ' + reason}${requestId ? ` (request id ${requestId})` : ''}`,
      { ...fields, body: redactValue(init.body), requestId, name: 'HTTPError' },
    );
  }
}

/** `METHOD url` of a request, as a message starts; the URL without its secrets. */
const at = (init: { method: string; url: string }): string => `${init.method} ${redactUrl(init.url)}`;

/**
 * The request never got a response, or the connection dropped while a stream was being read
 * (`fetch` rejected, the socket closed mid-body, the idle timeout passed). A stream that ends
 * cleanly before its platform's terminal event is a `StreamError` `'unexpected-end'` instead.
 * `cause` holds the runtime's own error.
 */
export class ConnectionError extends SDKError {
  /** `'ConnectionError'`, the error's family, as its brand says (see {@link isSDKError}). */
  declare name: 'ConnectionError';
  /** HTTP method of the request. */
  declare readonly method: string;
  /** URL of the request, with credentials redacted. */
  declare readonly url: string;

  constructor(init: { method: string; url: string; reason: string; cause?: unknown; lastEventId?: string | undefined }) {
    const { reason, ...fields } = init;
    // The reason may quote the runtime's message, which may repeat the URL with its
    // credentials: the message is redacted as a whole (see SDKError).
    super(`${at(init)}: ${reason}`, { ...fields, name: 'ConnectionError' });
  }
}

/**
 * A deadline passed before the work was done: the `timeout` option of a JSON call, or a
 * `signal` aborted with a timeout reason (`AbortSignal.timeout(ms)`, whose `reason` is a
 * `DOMException` named `'TimeoutError'`) on a JSON call or an event stream. Event streams have
 * no deadline of their own; a plain `abort()` ends them quietly, never with this error.
 */
export class TimeoutError extends SDKError {
  /** `'TimeoutError'`, the error's family, as its brand says (see {@link isSDKError}). */
  declare name: 'TimeoutError';
  /**
   * The deadline that passed, in milliseconds: the `timeout` option; `undefined` when the
   * deadline was a signal's (`AbortSignal.timeout(ms)` does not say how long it was).
   */
  declare readonly timeout: number | undefined;
  /** HTTP method of the request. */
  declare readonly method: string;
  /** URL of the request, with credentials redacted. */
  declare readonly url: string;

  constructor(init: { method: string; url: string; timeout?: number | undefined; cause?: unknown; lastEventId?: string | undefined }) {
    super(
      `${at(init)} timed out${init.timeout === undefined ? " (the signal's deadline)" : ` after ${init.timeout} ms; raise \`timeout\` if the server is slow`}`,
      { timeout: undefined, ...init, name: 'TimeoutError' },
    );
  }
}

/**
 * True for an abort reason that means a deadline passed: the `DOMException` that
 * `AbortSignal.timeout()` aborts with (name `'TimeoutError'`), or a runstream `TimeoutError`.
 *
 * @internal
 */
export function isTimeoutReason(reason: unknown): boolean {
  return (reason as { name?: unknown } | null | undefined)?.name === 'TimeoutError';
}

/**
 * Why an event stream became unusable:
 * - `'invalid-content-type'`: the response was 2xx but not `text/event-stream`.
 * - `'invalid-data'`: an event's `data` could not be decoded (e.g. not valid JSON); see
 *   {@link StreamError.data} for the raw text.
 * - `'max-buffer-size'`: one event grew past the `maxEventSize` limit.
 * - `'server-error-event'`: the server reported a failure inside a 200 stream (an `error` event,
 *   or a final event that carries an error); the event was delivered first.
 * - `'retries-exhausted'`: reconnection gave up after the configured attempts; `cause` is the
 *   last failure.
 * - `'unexpected-end'`: a stream that is not resumed (a POST stream, or a GET stream with
 *   `reconnect: false`) ended cleanly before its platform's terminal event.
 */
export type StreamErrorCode =
  | 'invalid-content-type'
  | 'invalid-data'
  | 'max-buffer-size'
  | 'server-error-event'
  | 'retries-exhausted'
  | 'unexpected-end';

/**
 * The event stream is unusable for the reason in {@link StreamError.code}. Carries
 * `lastEventId` (the SSE `id:` last seen) so the caller can resume from there.
 */
export class StreamError extends SDKError {
  /** `'StreamError'`, the error's family, as its brand says (see {@link isSDKError}). */
  declare name: 'StreamError';
  /** Why the stream failed; see {@link StreamErrorCode}. */
  declare readonly code: StreamErrorCode;
  /** The event name (SSE `event:` field, or the envelope's type) involved, when one is. */
  declare readonly event: string | undefined;
  /** The raw `data` text involved (for `'invalid-data'` and `'server-error-event'`). */
  declare readonly data: string | undefined;
  /** A trace or correlation id the server gave with the failure (e.g. a skills `trace_id`). */
  declare readonly traceId: string | undefined;
  /**
   * For `'server-error-event'`: how the run ended, as the platform reported it: `'failed'` (a
   * Crewship or PraisonAI `error` event, a skills `done` with `error`, a PraisonAI job whose
   * status is `failed`) or `'cancelled'` (a PraisonAI job whose status is `cancelled`, from
   * `jobs.run()`); `undefined` for every other code. Branch on this, never on the message.
   */
  declare readonly outcome: 'failed' | 'cancelled' | undefined;
  /**
   * An HTTP status that came with the failure, as {@link HTTPError.status} is one: the number a
   * platform reported (the skills engine's `error.status`, e.g. `404`; a Crewship `error` event's
   * numeric `status`); through a relay, the upstream's HTTP status (the `status` of the relay's
   * error frame, `RelayErrorData`). `undefined` when none came; a status word is
   * {@link StreamError.serverStatus}.
   */
  declare readonly status: number | undefined;
  /**
   * The platform's own status word for how the run ended, when it sent one: PraisonAI's job
   * `status` (`'failed'`, `'cancelled'`), the skills engine's result `status` (`'failed'`), a
   * Crewship `error` event's `status` when it is a word; through a relay, the word the relay's
   * error frame carried. `undefined` when none came.
   */
  declare readonly serverStatus: string | undefined;
  /**
   * The platform's own error code, when it sent one (the skills engine's `error.code`, e.g.
   * `'STEP_FAILED'`, a Crewship `error` event's `code`); through a relay, the upstream's
   * `StreamError` code (e.g. `'retries-exhausted'`, the `code` of the relay's error frame). Not
   * runstream's {@link StreamError.code}.
   */
  declare readonly serverCode: string | undefined;
  /** The URL of the stream, with credentials redacted. */
  declare readonly url: string | undefined;

  constructor(
    code: StreamErrorCode,
    message: string,
    init: {
      cause?: unknown | undefined;
      lastEventId?: string | undefined;
      event?: string | undefined;
      data?: string | undefined;
      traceId?: string | undefined;
      outcome?: 'failed' | 'cancelled' | undefined;
      /**
       * The status the failure carried, as a platform's event or a relay's error frame gives it
       * (see `errorFields`): a number becomes {@link StreamError.status}, a word
       * {@link StreamError.serverStatus}.
       */
      status?: string | number | undefined;
      /** The platform's status word; given, it wins over a word in `status`. */
      serverStatus?: string | undefined;
      serverCode?: string | undefined;
      url?: string | undefined;
    } = {},
  ) {
    const { status, ...fields } = init;
    const word = typeof status === 'string';
    super(message, { serverStatus: word ? status : undefined, ...fields, code, status: word ? undefined : status, name: 'StreamError' });
  }
}

/** The `'invalid-data'` error for an event whose data did not decode. @internal */
export function invalidData(type: string, raw: string, lastEventId: string, cause: unknown): StreamError {
  return new StreamError(
    'invalid-data',
    `event "${type}"${lastEventId && ` (id ${lastEventId})`}: data not decoded (${String(cause)}): ${JSON.stringify(cut(raw, 80))}; onInvalidData can skip such events`,
    { cause, event: type, data: raw, lastEventId },
  );
}
