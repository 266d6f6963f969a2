/**
 * Reconnect decisions, pure: how a connection ended and the stream's state in, the next step
 * and its delay out. No timers, no I/O: the stream (`stream.ts`) waits and sends.
 *
 * @module
 */
import { ConnectionError, HTTPError, StreamError } from './errors.js';
import { describe, hostPort } from './connection.js';
import { retryAfterDelay } from './http.js';
import type { ResolvedReconnect, ResumeMode } from './options.js';
import { redactUrl } from './redact.js';

/** What the policy reads: the stream's state when one connection has ended. @internal */
export interface PolicyState {
  /** The request that ended (a POST resumed by GET is a GET by now). */
  method: string;
  /** Whether that request is safe to send again though it has a body (a re-subscribe; see `StreamControl.setRequest`). */
  resend?: boolean | undefined;
  url: string;
  lastEventId: string;
  resume: ResumeMode;
  reconnect: ResolvedReconnect | false;
  /** Why the connection ended: its typed error, or `undefined` when the body ended cleanly. */
  cause: Error | undefined;
  /** Requests that failed in a row before this one (0 after a connection delivered events). */
  attempt: number;
  /** Events delivered over the stream's life. */
  delivered: number;
  /** Whether any request ever got a response (or was accepted past the idle timeout). */
  reached: boolean;
  /** The server's `retry:` in ms; `undefined` until one arrived. */
  retry: number | undefined;
}

/** Where a reconnect delay came from; see `ReconnectInfo.delaySource`. @internal */
export type DelaySource = 'retry-after' | 'retry' | 'backoff';

/**
 * The next step: reconnect after `delay` ms (`attempt` counts the failures in a row, this one
 * included), or end, with `error` (`undefined`: a clean end). `refused` marks an `HTTPError`
 * that no retry can fix, which a platform may still explain (see `ResyncContext`). @internal
 */
export type Decision =
  | { reconnect: true; attempt: number; delay: number; delaySource: DelaySource }
  | { reconnect?: undefined; end: true; error: Error | undefined; refused?: boolean };

/**
 * Decides what follows a connection's end.
 *
 * - An `HTTPError` under 500 other than 408 and 429, or a `StreamError`, ends the stream.
 * - Without reconnection, or for a request with a body that may not be sent again (see
 *   {@link mayResend}), the stream ends with the cause (or cleanly).
 * - A stream that never reached its server gives up after `maxConnectAttempts` requests with a
 *   `ConnectionError` naming host and port; any stream after `maxAttempts` failures in a row,
 *   with `'retries-exhausted'`.
 * - Otherwise: reconnect after `Retry-After`, else {@link reconnectDelay} from the server's
 *   `retry:` or `initialDelay`.
 *
 * @internal
 */
export function decide(state: PolicyState): Decision {
  const { cause, reconnect: policy } = state;
  const status = cause instanceof HTTPError ? cause.status : 0;
  if (cause && !(cause instanceof ConnectionError) && status < 500 && status !== 408 && status !== 429) {
    return { end: true, error: cause, refused: cause instanceof HTTPError };
  }
  const unreachable = cause instanceof ConnectionError && !state.reached;
  const attempt = state.attempt + 1;
  if (!policy || !mayResend(state, status)) {
    return { end: true, error: unreachable ? unreachableError(state, attempt) : cause };
  }
  if (unreachable && attempt >= Math.min(policy.maxConnectAttempts, policy.maxAttempts + 1)) {
    return { end: true, error: unreachableError(state, attempt) };
  }
  if (attempt > policy.maxAttempts) {
    return {
      end: true,
      error: streamError(
        state,
        'retries-exhausted',
        `gave up after ${policy.maxAttempts} reconnect attempts without a new event${cause ? ` (last failure: ${cause.message})` : ''}`,
        { cause },
      ),
    };
  }
  const retryAfter = status ? retryAfterDelay((cause as HTTPError).headers) : undefined;
  return retryAfter !== undefined
    ? { reconnect: true, attempt, delay: retryAfter, delaySource: 'retry-after' }
    : {
        reconnect: true,
        attempt,
        delay: reconnectDelay(attempt, state.retry ?? policy.initialDelay, policy),
        delaySource: state.retry === undefined ? 'backoff' : 'retry',
      };
}

/**
 * Whether a request may be sent again. GET always may, and so does a request a feature marked
 * `resend` (a re-subscribe). A request with a body may start work
 * (a run, an execution), so it is sent again only when the caller opted in (`resume`), or
 * when the server said it did not accept it (408, 429, 503) before any event. @internal
 */
export function mayResend(state: Pick<PolicyState, 'method' | 'resend' | 'resume' | 'delivered'>, status: number): boolean {
  return state.method === 'GET' || !!state.resend || state.resume !== 'none' || (!state.delivered && (status === 408 || status === 429 || status === 503));
}

/**
 * Delay before reconnect attempt `attempt` (1-based), in milliseconds.
 *
 * Attempt 1 waits exactly `baseDelay` (the server's `retry:` or the initial delay), as
 * EventSource does. Later consecutive attempts grow by `factor` up to `maxDelay` (or up to
 * `baseDelay` when the server asked for more), and the growth loses a random share of up to
 * `jitter`: a delay is never shorter than the reconnection time the spec asks for.
 *
 * @internal
 */
export function reconnectDelay(attempt: number, baseDelay: number, policy: ResolvedReconnect): number {
  if (attempt <= 1) return baseDelay;
  const cap = Math.max(policy.maxDelay, baseDelay);
  const grown = Math.min(cap, baseDelay * policy.factor ** (attempt - 1));
  return Math.round(baseDelay + (grown - baseDelay) * (1 - policy.jitter * policy.random()));
}

/** A `StreamError` about the stream's current request: its method, redacted URL and last event ID. @internal */
export function streamError(
  { method, url, lastEventId }: Pick<PolicyState, 'method' | 'url' | 'lastEventId'>,
  code: StreamError['code'],
  text: string,
  fields?: ConstructorParameters<typeof StreamError>[2],
): StreamError {
  return new StreamError(code, `${method} ${redactUrl(url)}: ${text}`, { lastEventId, url, ...fields });
}

/** The `ConnectionError` of a stream whose `requests` requests all failed before any response. */
function unreachableError(state: PolicyState, requests: number): ConnectionError {
  const { method, url, lastEventId } = state;
  const cause = state.cause as ConnectionError;
  return new ConnectionError({
    method,
    url,
    reason: `could not connect to ${hostPort(url) ?? redactUrl(url)}: no connection was ever made (${requests} ${requests === 1 ? 'attempt' : 'attempts'}; last failure: ${describe(cause.cause ?? cause)}); check the host and port`,
    cause,
    lastEventId,
  });
}
