/**
 * The `--verbose` lines of the `runstream` bin: one line per request sent and one per answer
 * (or failure), built from the library's own seams, never from a wrapped `fetch`. JSON calls
 * (create, retrieve, result, cancel, a resync's read) come from the client option `onCall`; a
 * stream's requests from its lifecycle (`connecting`, then `open`, or the `refused` step, or
 * the `cause` of the `reconnect` step, or the error of the `end` step's outcome). URLs and headers arrive with
 * their secrets masked; error messages are redacted again before they are printed.
 *
 * @module
 */
import { isConnectionError, isHTTPError, isSDKError, isStreamError, type CallObserver, type StreamObserver } from '../index.js';
import { describeError } from './watch.js';

/** The request line: `→ METHOD url · name: value · …` (headers sorted by name). */
export function requestLine(method: string, url: string, headers: Readonly<Record<string, string>>): string {
  const fields = Object.keys(headers)
    .sort()
    .map((name) => `${name}: ${headers[name]}`);
  return [`→ ${method} ${url}`, ...fields].join(' · ');
}

/** An answer: `← 201 Created · x-request-id req_1 · 12 ms`; `what` after the status (`(event stream)`). */
export function statusLine(answer: { status: number; statusText?: string | undefined; requestId?: string | undefined; what?: string }, ms: number): string {
  const { status, statusText, requestId, what } = answer;
  return `← ${status}${statusText ? ` ${statusText}` : ''}${what ? ` ${what}` : ''}${requestId ? ` · x-request-id ${requestId}` : ''} · ${Math.round(ms)} ms`;
}

/**
 * The line of a request that failed with `error` after `ms`: its status line when the server
 * answered with an error status (an `HTTPError`), else `✗` and the error (runstream's errors
 * name the method and URL themselves). An error that sums up several attempts (a
 * `'retries-exhausted'` `StreamError`, the `ConnectionError` of a server never reached) is shown
 * by the failure of this request, its `cause`.
 */
export function failureLine(method: string, url: string, error: unknown, ms: number): string {
  const own = (isStreamError(error) && error.code === 'retries-exhausted') || (isConnectionError(error) && isConnectionError(error.cause)) ? (error.cause ?? error) : error;
  if (isHTTPError(own) && (own.status < 200 || own.status > 299)) return statusLine(own, ms);
  const where = isSDKError(own) ? '' : `${method} ${url}: `;
  return `✗ ${where}${describeError(own)} · ${Math.round(ms)} ms`;
}

/** The `X-Request-ID` (or `Request-Id`) of a response. */
function requestIdOf(headers: Headers): string | undefined {
  return headers.get('x-request-id') ?? headers.get('request-id') ?? undefined;
}

/**
 * Writes the `--verbose` lines through `write` (one call per line): {@link HttpLog.call} for a
 * client's `onCall`, {@link HttpLog.stream} for each stream's lifecycle.
 */
export class HttpLog {
  readonly #write: (line: string) => void;

  constructor(write: (line: string) => void) {
    this.#write = write;
  }

  /** The client option `onCall`: each JSON call's request line, then its answer or failure. */
  readonly call: CallObserver = (step) => {
    if (step.type === 'request') this.#write(requestLine(step.method, step.url, step.headers));
    else if (step.type === 'response') this.#write(statusLine(step, step.duration));
    else this.#write(failureLine(step.method, step.url, step.error, step.duration));
  };

  /**
   * An observer of one stream's requests: the request line at each `connecting` step, then the
   * answer when it opens, or the failure the `reconnect` or `end` step carries (time measured
   * from the `connecting` step). A failure after the stream opened is the reconnect line's.
   */
  stream(): StreamObserver {
    /** The request sent and not yet answered. */
    let pending: { method: string; url: string; started: number } | undefined;
    const answered = (line: (request: { method: string; url: string }, ms: number) => string | undefined): void => {
      if (!pending) return;
      const text = line(pending, performance.now() - pending.started);
      pending = undefined;
      if (text !== undefined) this.#write(text);
    };
    return (step) => {
      switch (step.type) {
        case 'connecting':
          this.#write(requestLine(step.method, step.url, step.headers));
          pending = { method: step.method, url: step.url, started: performance.now() };
          break;
        case 'open':
          answered((_, ms) => statusLine({ status: step.status, statusText: step.statusText, requestId: requestIdOf(step.headers), what: '(event stream)' }, ms));
          break;
        case 'refused':
          answered(({ method, url }, ms) => failureLine(method, url, step.error, ms));
          break;
        case 'reconnect':
          // No cause before an answer: a page event cut the request short (not in Node).
          answered(({ method, url }, ms) => (step.cause ? failureLine(method, url, step.cause, ms) : undefined));
          break;
        case 'end': {
          const { outcome } = step;
          answered(({ method, url }, ms) =>
            outcome.error !== undefined
              ? failureLine(method, url, outcome.error, ms)
              : outcome.type === 'ended'
                ? `← 204 No Content: the server asks not to reconnect · ${Math.round(ms)} ms`
                : `✗ ${method} ${url}: ${outcome.type} before an answer · ${Math.round(ms)} ms`,
          );
          break;
        }
        default:
      }
    };
  }
}
