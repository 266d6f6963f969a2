/**
 * The life of a JSON call (create, retrieve, result, cancel, execute, a resync's read),
 * observable through the client option `onCall`: the request sent, then its response or its
 * failure. Streams have their own, richer lifecycle (`EventStream.observe`, the client option
 * `onStream`); a JSON call is one request, so it has two steps. Secrets are masked in every
 * step, by the rules of the `redact` module.
 *
 * @module
 */
import { callEach } from './lifecycle.js';
import { redactHeaders, redactUrl } from './redact.js';

/**
 * A JSON call's request is about to be sent (after its headers and auth were set). Source: the
 * request runstream builds.
 */
export interface CallRequestEvent {
  readonly type: 'request';
  /**
   * 1 for the client's first JSON call, then 2, 3, …; the call's `response` or `error` step
   * carries the same number (calls may overlap).
   */
  readonly call: number;
  /** The HTTP method (upper case). */
  readonly method: string;
  /** The request URL, redacted (secret query values masked, as in errors). */
  readonly url: string;
  /**
   * The request headers, names lower-case, secret values (`Authorization`, API keys, cookies;
   * see `isSecretHeader`) shown as `***`.
   */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The call succeeded: a 2xx response whose body was read and parsed (or was empty). Source: the
 * HTTP response.
 */
export interface CallResponseEvent {
  readonly type: 'response';
  /** The number of the call's `request` step. */
  readonly call: number;
  /** The HTTP method (upper case). */
  readonly method: string;
  /** The request URL, redacted. */
  readonly url: string;
  /** The HTTP status (2xx). */
  readonly status: number;
  /** The HTTP status text, e.g. `'OK'` (may be `''` over HTTP/2). */
  readonly statusText: string;
  /** The `X-Request-ID` (or `Request-Id`) response header; `undefined` without one. */
  readonly requestId: string | undefined;
  /** The response headers, names lower-case, secret values (`Set-Cookie`, …) shown as `***`. */
  readonly headers: Readonly<Record<string, string>>;
  /** Milliseconds from the `request` step to this one, body read included (fractional). */
  readonly duration: number;
}

/**
 * The call failed after its request step: it rejects with `error`. Source: the response (a
 * non-2xx, or a 2xx that is not JSON) or the failure of the request.
 */
export interface CallErrorEvent {
  readonly type: 'error';
  /** The number of the call's `request` step. */
  readonly call: number;
  /** The HTTP method (upper case). */
  readonly method: string;
  /** The request URL, redacted. */
  readonly url: string;
  /**
   * What the call rejects with, the same value: an `HTTPError` when a response came (its
   * `status`, `statusText`, `requestId` and `headers` say which), a `ConnectionError` when none
   * did, a `TimeoutError` past the deadline, or the caller's abort reason (the runtime's
   * `AbortError` for a plain `abort()`). Narrow it with `isHTTPError` and the other guards.
   */
  readonly error: unknown;
  /** Milliseconds from the `request` step to this one (fractional). */
  readonly duration: number;
}

/**
 * One step of a JSON call: `request`, then exactly one of `response` or `error`. A call that
 * throws before any request (a `RangeError` for an option, a key that cannot be a header) has
 * no step. Narrow on `type`.
 */
export type CallLifecycleEvent = CallRequestEvent | CallResponseEvent | CallErrorEvent;

/**
 * Receives each step of every JSON call a client makes (the client option `onCall`). It runs
 * synchronously, before the request is sent and before the call settles: keep it short. An
 * exception it throws is reported (`reportError`, as a throwing stream observer's is) and does
 * not change the call.
 */
export type CallObserver = (event: CallLifecycleEvent) => void;

/**
 * Reports the `request` step of a JSON call to `observer` now; returns the function that reports
 * its end: `(response)` for a success, `(undefined, error)` for a failure. A step the observer
 * throws on is reported (`reportError`), not thrown. @internal
 */
export function traceCall(observer: CallObserver, call: number, method: string, url: string, headers: Headers): (response: Response | undefined, error?: unknown) => void {
  const request = { call, method, url: redactUrl(url) };
  const notify = (step: CallLifecycleEvent) => callEach([observer], step);
  notify({ type: 'request', ...request, headers: redactHeaders(headers) });
  const started = performance.now();
  return (response, error) => {
    const duration = performance.now() - started;
    if (!response) return notify({ type: 'error', ...request, error, duration });
    const { status, statusText, headers } = response;
    const requestId = headers.get('x-request-id') ?? headers.get('request-id') ?? undefined;
    notify({ type: 'response', ...request, status, statusText, requestId, headers: redactHeaders(headers), duration });
  };
}
