/**
 * The debug log: one line per decision a stream or a JSON call takes, with its reason (request
 * sent, answer, reconnect and the source of its delay, resync, gap, end and why), built from the
 * lifecycle (`EventStream.observe`) and the client's `onCall` steps. URLs and headers arrive
 * redacted; error messages are redacted again (`redactText`) before they are written. Turned on
 * by the `debug` option (a client's or one stream's) or `RUNSTREAM_DEBUG=1`; the CLI's `-v`
 * prints the same lines. Per-event and per-chunk steps, comments and keepalive events are not
 * lines (a stream may have thousands of them).
 *
 * @module
 */
import type { StreamObserver } from '../core/lifecycle.js';
import type { CallObserver } from '../core/call.js';
import { isHTTPError, isSDKError, isStreamError } from '../core/guards.js';
import { redactText } from '../core/redact.js';

/** Receives each line of the debug log (no trailing newline). */
export type DebugSink = (line: string) => void;

/**
 * The `debug` option: `true` writes each line to the console (`console.error`, so stderr, where
 * there is a `process`: Node, Bun, Deno; `console.debug` in a browser or a worker, shown at the
 * devtools' "Verbose" level), a function receives each line, `false` turns the log off even
 * when `RUNSTREAM_DEBUG` is set.
 */
export type DebugOption = boolean | DebugSink;

/** Tags (`#1`, `#2`, …) of the streams and JSON calls logged in this process (or page). */
let tags = 0;

/**
 * Where the lines of a `debug` option go: its function, the console for `true` (or when the
 * option is not set and `RUNSTREAM_DEBUG` is), or nowhere (`undefined`). @internal
 */
export function debugSink(option: DebugOption | undefined): DebugSink | undefined {
  if (typeof option === 'function') return option;
  if (option ?? debugEnv()) return (line) => ((globalThis as { process?: unknown }).process ? console.error : console.debug)(line);
  return undefined;
}

/**
 * Whether `RUNSTREAM_DEBUG` is set to anything but `''`, `'0'` or `'false'`, read as
 * `globalThis.process?.env`: `false` where there is no `process` (browsers) and in Deno without
 * the permission to read it (asking would prompt).
 */
function debugEnv(): boolean {
  const scope = globalThis as {
    Deno?: { permissions?: { querySync?: (descriptor: object) => { state: string } } };
    process?: { env?: Record<string, string | undefined> };
  };
  try {
    if (scope.Deno && scope.Deno.permissions?.querySync?.({ name: 'env', variable: 'RUNSTREAM_DEBUG' }).state !== 'granted') return false;
    const value = scope.process?.env?.RUNSTREAM_DEBUG;
    return !!value && value !== '0' && value !== 'false';
  } catch {
    return false;
  }
}

/** An error as one line: its name, a `StreamError`'s code, and its message (redacted; runstream's own `runstream: ` dropped). */
function describe(error: unknown): string {
  const { name, code, message } = (error ?? {}) as { name?: unknown; code?: unknown; message?: unknown };
  return typeof message === 'string' ? `${String(name)}${isStreamError(error) ? ` ${String(code)}` : ''}: ${redactText(message.replace(/^runstream: /, ''))}` : redactText(String(error));
}

/** `→ METHOD url · name: value · …` (headers sorted by name, values already redacted). */
function request(step: { method: string; url: string; headers: Readonly<Record<string, string>> }): string {
  const { headers } = step;
  return [`→ ${step.method} ${step.url}`, ...Object.keys(headers).sort().map((name) => `${name}: ${headers[name]}`)].join(' · ');
}

/** `← 201 Created · x-request-id req_1`, with `what` after the status (` (event stream)`). */
function answer(status: number, statusText: string, id: string | null | undefined, what = ''): string {
  return `← ${status}${statusText ? ` ${statusText}` : ''}${what}${id ? ` · x-request-id ${id}` : ''}`;
}

/**
 * The answer to a request that failed with `error`: its status line when the server answered
 * with an error status, else `✗` and the error. An error that sums up several attempts (a
 * `'retries-exhausted'` `StreamError`, the `ConnectionError` of a server never reached: a
 * runstream error caused by another) is shown by the failure of the last request, its `cause`.
 */
function failure(error: unknown): string {
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  const own = isSDKError(cause) ? cause : error;
  return isHTTPError(own) && own.status > 299 ? answer(own.status, own.statusText, own.requestId) : `✗ ${describe(own)}`;
}

/**
 * A stream observer that writes the debug log of one stream, each line prefixed `runstream #N`
 * (`N` numbers the streams and calls logged in this process): the request (`→`, with its
 * redacted URL and headers, `last-event-id` among them), its answer (`←` status, request id and
 * ms since the request; `✗` and the error when none came), `retry:` changes, each reconnect
 * (`↻` attempt, delay in ms, its source and, after an open connection, its cause), each resync
 * (`⟳ … recovered`) or gap, and the end (`■ ended` and the outcome, with its error). The `debug`
 * option attaches one for you; attach one yourself with `stream.observe(debugStream(write))`.
 *
 * @param write - receives each line.
 * @returns the observer, for `EventStream.observe` or the `observe` option; one per stream.
 */
export function debugStream(write: DebugSink): StreamObserver {
  const tag = `runstream #${++tags} `;
  /** When the request not yet answered was sent; `undefined`: none. */
  let sent: number | undefined;
  /** Writes the answer of the pending request, if any, with its time; true when there was one. */
  const answered = (text: string): boolean | void => {
    if (sent !== undefined) write(`${tag}${text} · ${Math.round(performance.now() - sent)} ms`);
    return sent !== (sent = undefined);
  };
  return (step) => {
    const { type } = step;
    let line: string | undefined;
    if (type === 'connecting') {
      line = request(step);
      sent = performance.now();
    } else if (type === 'open') answered(answer(step.status, step.statusText, step.headers.get('x-request-id') ?? step.headers.get('request-id'), ' (event stream)'));
    else if (type === 'refused') answered(failure(step.error));
    else if (type === 'retry') line = `retry: ${step.retry} ms`;
    else if (type === 'reconnect') {
      const { cause, delaySource } = step;
      // A request not yet answered has its failure as answer; a drop is the reconnect's reason.
      const why = cause ? (answered(failure(cause)) ? '' : `; ${describe(cause)}`) : delaySource === 'page' ? '' : '; the server closed the stream';
      line = `↻ reconnect ${step.attempt} in ${step.delay} ms (${delaySource}${why})`;
    } else if (type === 'resync') line = `${step.recovered ? '⟳ resync' : 'gap: resync'} ${step.reason}: ${step.recovered ? 'recovered' : 'nothing recovered, events may be missing'}`;
    else if (type === 'end') {
      const { type: outcome, error } = step.outcome;
      answered(error ? failure(error) : outcome === 'ended' ? '← 204 No Content' : `✗ ${outcome} before an answer`);
      line = `■ ended ${outcome}${error ? ` ${describe(error)}` : ''}`;
    }
    if (line) write(tag + line);
  };
}

/**
 * A call observer (the client option `onCall`) that writes the debug log of JSON calls, each
 * line prefixed `runstream #N` (numbered with the streams): the request (`→`, redacted URL and
 * headers), then its answer (`←` status, request id, ms) or failure (`✗` and the error, ms). The
 * client's `debug` option attaches one for you.
 *
 * @param write - receives each line.
 * @returns the observer; one per client (it numbers the client's calls).
 */
export function debugCalls(write: DebugSink): CallObserver {
  /** The tag of each call in flight, by its `call` number. */
  const open = new Map<number, string>();
  return (step) => {
    const tag = open.get(step.call) ?? `runstream #${++tags} `;
    if (step.type === 'request') {
      open.set(step.call, tag);
      write(tag + request(step));
      return;
    }
    open.delete(step.call);
    write(`${tag}${step.type === 'response' ? answer(step.status, step.statusText, step.requestId) : failure(step.error)} · ${Math.round(step.duration)} ms`);
  };
}
