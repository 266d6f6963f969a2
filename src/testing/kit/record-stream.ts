/**
 * Recording a live stream: what an `EventStream` received, every connection of it (refused
 * answers, drops, reconnects and the `Last-Event-ID` each request sent), read from its lifecycle
 * and turned into a {@link Script} the players replay. Web APIs only.
 *
 * @module
 */
import type { StreamLifecycleEvent, StreamObserver } from '../../core/lifecycle.js';
import type { HTTPError } from '../../core/errors.js';
import { isConnectionError, isHTTPError } from '../../core/guards.js';
import { redactText } from '../../core/redact.js';
import { stepsOf, type Arrival, type ScriptFromRawOptions } from './record.js';
import { SCRIPT_FORMAT, type Script, type ScriptConnection, type ScriptStep } from './script.js';

/** Options of {@link recordStream}. */
export interface RecordStreamOptions extends ScriptFromRawOptions {
  /**
   * Waits shorter than this, in milliseconds, are left out of the script (as {@link recordScript}
   * does).
   * @defaultValue 1
   */
  minWait?: number | undefined;
  /**
   * Waits longer than this, in milliseconds, are shortened to it, so that a replay of an hour of
   * silence does not take an hour. The hold of a connection the client's idle timeout dropped
   * (`{ wait: 2147483647 }`, see {@link recordStream}) is kept.
   * @defaultValue no limit
   */
  maxWait?: number | undefined;
}

/** What {@link recordStream} returns: the recording of one stream, growing as the stream runs. */
export interface StreamRecording {
  /**
   * The script so far: one connection per request the stream sent, oldest first. A connection
   * still being read has the steps received so far and no end (a replay sees the server close
   * it there). A new `Script` object at each call.
   */
  script(): Script;
  /**
   * Resolves with the whole script once the stream ends (its `end` step), or when
   * {@link StreamRecording.stop} is called. Never rejects: a stream that fails is recorded too.
   */
  readonly finished: Promise<Script>;
  /** Stops recording (later steps are not recorded), resolves `finished`, and returns the script. */
  stop(): Script;
}

/** Anything with a lifecycle: an `EventStream` of `connect()` or of any platform client. */
export interface ObservableStream {
  /** See `EventStream.observe`: must not start the stream. */
  observe(observer: StreamObserver): () => void;
}

/**
 * The wait that holds a silent connection open until the client leaves: the longest a timer
 * takes (2^31 − 1 ms, about 24.8 days). `Infinity` would say it, but JSON writes it as `null`.
 */
const HOLD = 2_147_483_647;

/** How one connection ended, as far as the lifecycle told. */
type Ending =
  | { kind: 'open' }
  | { kind: 'closed'; note: string }
  | { kind: 'dropped'; note: string }
  | { kind: 'idle'; note: string }
  | { kind: 'answered'; error: HTTPError }
  | { kind: 'no-content' };

/** One request of the stream, as recorded. */
interface Attempt {
  readonly lastEventId: string;
  /** `Date.now()` at `open`; `undefined` until the response was accepted. */
  opened: number | undefined;
  status: number;
  contentType: string | undefined;
  readonly arrivals: Arrival[];
  ending: Ending;
}

/** `Name: message` of an error, secrets masked. */
function describe(error: Error): string {
  return redactText(`${error.name}: ${error.message}`);
}

/** The response headers of a recorded HTTP answer: content type and `Retry-After` only. */
function answerHeaders(error: HTTPError): Record<string, string> | undefined {
  const headers: Record<string, string> = {};
  const contentType = error.headers.get('content-type');
  const retryAfter = error.headers.get('retry-after');
  if (contentType) headers['content-type'] = contentType;
  if (retryAfter) headers['retry-after'] = retryAfter;
  return Object.keys(headers).length ? headers : undefined;
}

/** A recorded request as a script connection. */
function connectionOf(attempt: Attempt, options: RecordStreamOptions): ScriptConnection {
  const expectLastEventId = attempt.lastEventId === '' ? null : attempt.lastEventId;
  const { ending } = attempt;
  if (ending.kind === 'answered') {
    const { error } = ending;
    const headers = answerHeaders(error);
    return {
      status: error.status,
      ...(headers ? { headers } : {}),
      ...(error.body !== undefined ? { body: error.body } : {}),
      expectLastEventId,
      note: `answered HTTP ${error.status}${error.statusText ? ` ${error.statusText}` : ''}`,
    };
  }
  if (ending.kind === 'no-content') return { status: 204, expectLastEventId, note: '204 No Content: the server asked the client to stop' };
  const { connection } = stepsOf(attempt.arrivals, { ...options, minWait: options.minWait ?? 1 });
  const maxWait = options.maxWait;
  const steps: ScriptStep[] = maxWait === undefined ? [...(connection.steps ?? [])] : (connection.steps ?? []).map((step) => ('wait' in step && step.wait > maxWait ? { wait: maxWait } : step));
  // A drop is a network failure: the replay errors the body where the bytes stopped.
  if (ending.kind === 'dropped') steps.push({ cut: 'between-events' });
  // The client gave up on a silent connection: the replay stays silent until it gives up again.
  if (ending.kind === 'idle') steps.push({ wait: HOLD });
  const result: ScriptConnection = { ...(attempt.status !== 200 ? { status: attempt.status } : {}), ...connection, steps, expectLastEventId };
  if (attempt.contentType !== undefined && attempt.contentType !== 'text/event-stream') result.headers = { 'content-type': attempt.contentType };
  if (ending.kind !== 'open') result.note = ending.note;
  return result;
}

/**
 * Records what a stream receives, connection by connection, into a {@link Script} that
 * {@link scriptedFetch} (and the msw handlers, and the reference server's `play()`) replay: a
 * production incident becomes a unit test.
 *
 * It observes the stream's lifecycle (`stream.observe`, which does not start the stream) and
 * records, for each request: the `Last-Event-ID` it sent, as `expectLastEventId` (`null` for
 * none), so the replay refuses a client that resumes from elsewhere; the answer: the body text as
 * it arrived (events, comments, `retry`, a partial block as a `raw` step) with `{ wait }` steps
 * for the time between chunks (from `open`, in milliseconds; see {@link RecordStreamOptions}),
 * or the status, `content-type`, `retry-after` and body of an HTTP error (a retried 503, a
 * refused 404), or a `204`; and how it ended: closed by the server (the steps end), dropped (a
 * `{ cut: 'between-events' }` after the bytes received), or dropped by the client's idle timeout
 * (a hold, `{ wait: 2147483647 }`: JSON has no `Infinity`); a `note` says which, with the error's name and message. A
 * connection the client closed (`close()`, the signal, Ctrl-C) ends where the reading stopped.
 *
 * No secret is recorded: no request header but `Last-Event-ID`, no URL, no response header but
 * `content-type` and `retry-after`; error bodies and notes come masked as runstream's errors
 * mask them.
 *
 * A script has no URLs: replay a platform client's stream (which also makes REST calls, e.g. a
 * resync's) under its route key: `scriptedFetch({ 'GET /v1/runs/:id/events': recorded, … })`.
 *
 * @example
 * ```ts
 * import { writeFile } from 'node:fs/promises';
 * import { connect } from 'runstream';
 * import { recordStream } from 'runstream/testing';
 *
 * const stream = connect('https://api.example.com/events');
 * const recording = recordStream(stream);
 * for await (const event of stream) console.log(event.type);
 * await writeFile('fixtures/incident.json', JSON.stringify(await recording.finished, null, 2));
 * // later, in a test: connect(url, { fetch: scriptedFetch(JSON.parse(fixture)) })
 * ```
 *
 * @example
 * ```ts
 * // Every stream of a client, through its `onStream` option:
 * const recordings: StreamRecording[] = [];
 * const crewship = new Crewship({ apiKey, onStream: (stream) => void recordings.push(recordStream(stream)) });
 * ```
 *
 * @param stream - the stream to record (an `EventStream`, from `connect()` or a client); record
 *   it before reading it, to see its first request.
 * @param options - how data and waits are written; see {@link RecordStreamOptions}.
 * @returns the recording: `script()` now, `finished` at the end, `stop()`.
 */
export function recordStream(stream: ObservableStream, options: RecordStreamOptions = {}): StreamRecording {
  const attempts: Attempt[] = [];
  let resolve!: (script: Script) => void;
  const finished = new Promise<Script>((done) => (resolve = done));
  const script = (): Script => ({ format: SCRIPT_FORMAT, connections: attempts.map((attempt) => connectionOf(attempt, options)) });
  /** The current request's end, unless one was already recorded (a refusal before `end`). */
  const endWith = (ending: Ending) => {
    const current = attempts.at(-1);
    if (current && current.ending.kind === 'open') current.ending = ending;
  };
  /** How an error ends the current request. */
  const failed = (error: Error): Ending => {
    const current = attempts.at(-1);
    if (isHTTPError(error) && current?.opened === undefined) return { kind: 'answered', error };
    // Brand checks, not instanceof: the error may come from another bundle (dist/index.js).
    // Anything but a network failure (a `StreamError` 'unexpected-end') followed a clean end.
    if (!isConnectionError(error)) return { kind: 'closed', note: `ended: ${describe(error)}` };
    const note = `dropped: ${describe(error)}`;
    return /idle timeout/.test(error.message) ? { kind: 'idle', note } : { kind: 'dropped', note };
  };
  const observer = (step: StreamLifecycleEvent): void => {
    const current = attempts.at(-1);
    switch (step.type) {
      case 'connecting':
        attempts.push({ lastEventId: step.lastEventId, opened: undefined, status: 200, contentType: undefined, arrivals: [], ending: { kind: 'open' } });
        return;
      case 'open':
        if (!current) return;
        current.opened = Date.now();
        current.status = step.status;
        current.contentType = step.headers.get('content-type') ?? undefined;
        return;
      case 'bytes':
        if (current?.opened !== undefined && step.text) current.arrivals.push({ text: step.text, at: Date.now() - current.opened });
        return;
      case 'refused':
        endWith({ kind: 'answered', error: step.error });
        return;
      case 'reconnect':
        endWith(step.cause ? failed(step.cause) : { kind: 'closed', note: step.delaySource === 'page' ? 'closed by the client (page lifecycle)' : 'the server closed the stream' });
        return;
      case 'end': {
        const { outcome } = step;
        if (outcome.type === 'error' && outcome.error) endWith(failed(outcome.error));
        else if (outcome.type === 'ended') endWith(current?.opened === undefined ? { kind: 'no-content' } : { kind: 'closed', note: 'the server closed the stream' });
        else if (outcome.type === 'closed') endWith({ kind: 'closed', note: 'closed by the client' });
        else endWith({ kind: 'closed', note: `the stream ended: ${outcome.type}` });
        stop();
        return;
      }
      default:
        return;
    }
  };
  const unobserve = stream.observe(observer);
  const stop = (): Script => {
    unobserve();
    const result = script();
    resolve(result);
    return result;
  };
  return { script, finished, stop };
}
