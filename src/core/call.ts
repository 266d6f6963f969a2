/**
 * The life of a JSON call (create, retrieve, result, cancel, execute, a resync's read),
 * observable through the client option `onCall`: the request sent, then its response or its
 * failure. Streams have their own, richer lifecycle (`EventStream.observe`, the client option
 * `onStream`); a JSON call is one request, so it has two steps. Secrets are masked in every
 * step, by the rules of the `redact` module.
 *
 * @module
 */
import { report } from './lifecycle.js';
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

/** The time now in ms, for durations (`performance.now()`, else the wall clock). */
const now = (): number => (globalThis.performance ?? Date).now();

/**
 * One JSON call as its observer sees it: reports the request now, then its end. Made only when
 * the client has an `onCall`. @internal
 */
export class CallTrace {
  readonly #observer: CallObserver;
  readonly #call: number;
  readonly #method: string;
  readonly #url: string;
  readonly #started: number;

  constructor(observer: CallObserver, call: number, method: string, url: string, headers: Headers) {
    this.#observer = observer;
    this.#call = call;
    this.#method = method;
    this.#url = redactUrl(url);
    this.#notify({ type: 'request', call, method, url: this.#url, headers: redactHeaders(headers) });
    this.#started = now();
  }

  /** The call succeeded with `response`. */
  response(response: Response): void {
    const { status, statusText, headers } = response;
    const requestId = headers.get('x-request-id') ?? headers.get('request-id') ?? undefined;
    this.#notify({ type: 'response', ...this.#common(), status, statusText, requestId, headers: redactHeaders(headers), duration: now() - this.#started });
  }

  /** The call rejects with `error`. */
  error(error: unknown): void {
    this.#notify({ type: 'error', ...this.#common(), error, duration: now() - this.#started });
  }

  #common() {
    return { call: this.#call, method: this.#method, url: this.#url };
  }

  #notify(step: CallLifecycleEvent): void {
    try {
      this.#observer(step);
    } catch (error) {
      report(error);
    }
  }
}
