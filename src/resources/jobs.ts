/**
 * PraisonAI async jobs: `POST /api/v1/runs`, `GET /api/v1/runs/{id}`,
 * `GET /api/v1/runs/{id}/stream`, `GET /api/v1/runs/{id}/result`, `POST /api/v1/runs/{id}/cancel`.
 *
 * @module
 */
import { field, platformAdapter } from '../core/adapter.js';
import { errorMessage, StreamError } from '../core/errors.js';
import type { EventOf, EventStream, OutcomeInfo, ResyncContext, ResyncResult } from '../core/event-stream.js';
import { DEFAULTS, validateOptions, type RequestOptions } from '../core/options.js';
import type { Transport } from '../core/request.js';
import { segment } from '../core/request.js';
import type { StreamOptions } from '../core/sse.js';

/** A job's status ("Async Jobs", Status Values). */
export type JobStatus = 'queued' | 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/**
 * Payloads of a job's stream events. PraisonAI documents unnamed envelopes
 * `data: {"event": …, "data": …}` (`progress`, `log`, `complete`) ending with `data: [DONE]`;
 * its server sends named events (`status`, `progress` with `step`, `result`, `error`,
 * `cancelled`) instead. Both arrive here under these names.
 */
export interface JobEventMap {
  /** Progress; `percentage` from 0 to 100. The documented form names the step `current_step`, the server `step`. */
  progress: { percentage: number; current_step?: string; step?: string; [key: string]: unknown };
  /** A log line from the agent. */
  log: { message: string; [key: string]: unknown };
  /** Documented form: the job ended (succeeded, failed or cancelled). Terminal. */
  complete: { status: JobStatus; job_id: string; [key: string]: unknown };
  /** Server form: the job's status changed. */
  status: { status: JobStatus; job_id?: string; [key: string]: unknown };
  /** Server form: the job succeeded with this result. Terminal. */
  result: { result?: unknown; status?: JobStatus; job_id?: string; [key: string]: unknown };
  /** Server form: the job failed; the stream then fails with `StreamError` `'server-error-event'`. Terminal. */
  error: { error?: string; message?: string; job_id?: string; [key: string]: unknown };
  /** Server form: the job was cancelled. Terminal. */
  cancelled: { job_id?: string | undefined; status?: JobStatus | undefined; [key: string]: unknown };
  /** runstream's marker of a gap, with the job's state; see {@link JobResync}. */
  resync: JobResync;
}

/**
 * The `resync` event of a job stream. The documented form sends no ids, so after a dropped
 * connection the stream cannot say where it left off; and the server answers `400` once the job
 * finished. In both cases runstream asks `GET /api/v1/runs/{id}` (and `/result` when the job
 * succeeded) and delivers what it learnt here; a finished job then ends the stream with its
 * outcome.
 */
export interface JobResync {
  /** `'reconnected'`: the stream came back without `Last-Event-ID`; `'http-error'`: it answered 400 (job finished). */
  reason: 'reconnected' | 'http-error';
  /** The job's state (`GET /api/v1/runs/{id}`); `undefined` when it could not be fetched. */
  state: JobState | undefined;
  /** The job's result (`GET /api/v1/runs/{id}/result`), when it succeeded. */
  result?: JobResult | undefined;
  /** Whether the state could be fetched; `false`: what happened in the gap is unknown. */
  recovered: boolean;
}

/** A job stream event name. */
export type JobEventType = keyof JobEventMap;

/** Body of `POST /api/v1/runs` ("Submit Run API"). */
export interface JobCreateParams {
  /** The task for the agent. */
  prompt: string;
  /** Agent configuration file. */
  agent_file?: string | undefined;
  /** `praisonai`, `crewai`, `autogen`. */
  framework?: string | undefined;
  /** Execution limit, in seconds (PraisonAI's unit). */
  timeout?: number | undefined;
  /** URL the server POSTs the result to when the job completes. */
  webhook_url?: string | undefined;
  /** Groups related jobs. */
  session_id?: string | undefined;
  [key: string]: unknown;
}

/** Options of {@link Jobs.create}. */
export interface JobCreateOptions extends RequestOptions {
  /** Sent as `Idempotency-Key`: a retried submission with the same key returns the same job. */
  idempotencyKey?: string | undefined;
}

/** Response of `POST /api/v1/runs` (202 Accepted). */
export interface Job {
  job_id: string;
  status: JobStatus;
  /** ISO 8601. */
  created_at?: string | undefined;
  poll_url?: string | undefined;
  stream_url?: string | undefined;
  [key: string]: unknown;
}

/** Response of `GET /api/v1/runs/{id}`. */
export interface JobState {
  job_id: string;
  status: JobStatus;
  /** Suggested wait before polling again, in seconds (PraisonAI's unit); `null` once finished. */
  retry_after?: number | null | undefined;
  [key: string]: unknown;
}

/**
 * Response of `GET /api/v1/runs/{id}/result`.
 *
 * @typeParam Result - the type of the agent's output, as your agent produces it (runstream does
 *   not check it).
 */
export interface JobResult<Result = unknown> {
  job_id: string;
  status: JobStatus;
  /** The agent's output. */
  result: Result;
  [key: string]: unknown;
}

/**
 * Options of {@link Jobs.run}. `headers` and `signal` apply to every request of the run
 * (create, stream, status, result), `timeout` to each JSON call, `idempotencyKey` to the
 * create call only.
 */
export interface JobRunOptions extends JobCreateOptions {
  /**
   * Called with each stream event (progress, logs) while the job runs. The event is the
   * iterator's union: narrowing on `event.type` narrows `event.data`.
   */
  onEvent?: ((event: EventOf<JobEventMap>) => void) | undefined;
  /** Stream options (reconnection, limits) for the progress stream; its `headers` add to `headers`. */
  stream?: Omit<StreamOptions, 'signal'> | undefined;
}

const adapter = /* @__PURE__ */ platformAdapter({
  known: ['progress', 'log', 'complete', 'status', 'result', 'error', 'cancelled', 'resync'],
  terminal: ['complete', 'result', 'error', 'cancelled'],
  keepalive: ['heartbeat'],
  envelope: { typeKey: 'event', dataKeys: ['data'] },
  endMarker: '[DONE]',
  errorOf: (event) => (event.type === 'error' ? { message: errorMessage(event.data, 'job failed'), status: 'failed' } : undefined),
  outcomeOf: (event) => jobOutcome(event.type === 'cancelled' ? 'cancelled' : (field(event.data, 'status') ?? 'succeeded'), event.data),
});

/** The statuses of a finished job. */
const FINISHED: ReadonlySet<string> = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * The outcome of a job in `status` (PraisonAI's word): succeeded, failed or cancelled; with the
 * failure's reason from `data` (a `complete` event's data or the job's state: its `error`).
 */
function jobOutcome(status: string, data?: unknown): OutcomeInfo {
  const type = status === 'failed' ? 'failed' : status === 'cancelled' ? 'cancelled' : 'completed';
  const message = type === 'completed' ? '' : errorMessage(data, '');
  return message ? { type, status, message } : { type, status };
}

/** PraisonAI async jobs. Reach it as `client.jobs`. Auth: none by default. */
export class Jobs {
  readonly #transport: Transport;

  /** @internal */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Submits a job: `POST /api/v1/runs`.
   *
   * @param params - the prompt and job settings.
   * @param options - `idempotencyKey`, `signal`, `timeout` (ms), `headers`.
   * @returns the job, status `queued`.
   * @throws HTTPError 400 (missing prompt), 409 (idempotency conflict), 422, 5xx;
   *   TimeoutError; ConnectionError.
   */
  create(params: JobCreateParams, options: JobCreateOptions = {}): Promise<Job> {
    const { idempotencyKey, ...rest } = options;
    const headers = new Headers(rest.headers);
    if (idempotencyKey) headers.set('idempotency-key', idempotencyKey);
    return this.#transport.json<Job>(
      { method: 'POST', path: '/api/v1/runs', body: params, auth: 'none' },
      { ...rest, headers },
    );
  }

  /**
   * A job's status: `GET /api/v1/runs/{jobId}`.
   *
   * @throws HTTPError 404 when the job does not exist; TimeoutError; ConnectionError.
   */
  retrieve(jobId: string, options?: RequestOptions): Promise<JobState> {
    return this.#transport.json<JobState>({ method: 'GET', path: `/api/v1/runs/${segment(jobId)}`, auth: 'none' }, options);
  }

  /**
   * A finished job's result: `GET /api/v1/runs/{jobId}/result`.
   *
   * @typeParam Result - the type of `result` (the agent's output), e.g.
   *   `jobs.result<{ summary: string }>(id)`; not checked at run time.
   * @throws HTTPError 404 when the job does not exist, or the server's status when it has no
   *   result yet; TimeoutError; ConnectionError.
   */
  result<Result = unknown>(jobId: string, options?: RequestOptions): Promise<JobResult<Result>> {
    return this.#transport.json<JobResult<Result>>(
      { method: 'GET', path: `/api/v1/runs/${segment(jobId)}/result`, auth: 'none' },
      options,
    );
  }

  /**
   * Asks the server to cancel a job: `POST /api/v1/runs/{jobId}/cancel`.
   *
   * @throws HTTPError 404 when the job does not exist; TimeoutError; ConnectionError.
   */
  cancel(jobId: string, options?: RequestOptions): Promise<JobState> {
    return this.#transport.json<JobState>(
      { method: 'POST', path: `/api/v1/runs/${segment(jobId)}/cancel`, auth: 'none' },
      options,
    );
  }

  /**
   * Streams a job's progress: `GET /api/v1/runs/{jobId}/stream`.
   *
   * Accepts the documented envelopes and the server's named events (CRLF line endings and
   * `: ping` comments included); `heartbeat` is a keepalive. Ends at `data: [DONE]` or after
   * `complete`, `result` or `cancelled`; an `error` event is delivered, then the stream fails
   * with `StreamError` `'server-error-event'`. A documented-form `complete` whose `status` is
   * `'failed'` or `'cancelled'` is an outcome, not an error: the stream ends normally, so check
   * `event.data.status` or `stream.outcome` (whose `message` is the job's `error`, as an
   * `error` event's message is), or use {@link Jobs.run}, which throws for it.
   *
   * What a drop costs: the server form sends ids, so the stream resumes with `Last-Event-ID` and
   * loses nothing. The documented form sends none: the reconnect cannot say where it left off, a
   * replaying server repeats events, and what happened while disconnected is not on the wire.
   * runstream then asks `GET /api/v1/runs/{id}` and delivers a `resync` event with the job's
   * state (and its result when it succeeded); a job that finished meanwhile ends the stream with
   * its outcome. A job that finished before the stream opened (the server answers `400`, "Job
   * already completed") is settled the same way, without a stream.
   *
   * So the last event depends on timing, not on how the job ended: a job cancelled (or
   * finished) while its stream is open ends with its terminal event (`complete`, `cancelled`),
   * one that ended before the request or during a drop ends with the `resync` event. Read the end
   * from `stream.outcome` (or `finished`), which is the same in every order: `type` `'cancelled'`,
   * `status` `'cancelled'` for a cancelled job.
   *
   * @throws TypeError synchronously when `jobId` is empty. The stream fails with `HTTPError`
   *   404 (unknown job) or 400 (when the job has not finished after all), `StreamError`,
   *   `ConnectionError`.
   */
  stream(jobId: string, options: StreamOptions = {}): EventStream<JobEventMap> {
    return this.#transport.stream<JobEventMap>(
      { method: 'GET', path: `/api/v1/runs/${segment(jobId)}/stream`, auth: 'none', idleTimeout: DEFAULTS.idleTimeout.jobs },
      adapter,
      options,
      { resync: (context) => this.#resync(jobId, context, options) },
    );
  }

  /** What the REST API says of a job after a gap or a `400`: a `resync` event, and its outcome if it finished. */
  async #resync(jobId: string, { reason, error, signal }: ResyncContext, options: StreamOptions): Promise<ResyncResult | undefined> {
    if (reason === 'subscribed' || (reason === 'http-error' && error?.status !== 400)) return undefined;
    const call = { signal, headers: options.headers };
    let state: JobState;
    try {
      state = await this.retrieve(jobId, call);
    } catch {
      // A 400 stays the error it was; a gap stays marked, unrecovered.
      return reason === 'http-error' ? undefined : { data: { reason, state: undefined, recovered: false } };
    }
    if (!FINISHED.has(state.status)) return reason === 'http-error' ? undefined : { data: { reason, state, recovered: true } };
    const result = state.status === 'succeeded' ? await this.result(jobId, call).catch(() => undefined) : undefined;
    return { data: { reason, state, result, recovered: true }, outcome: jobOutcome(state.status) };
  }

  /**
   * Submits a job, streams its progress to `onEvent`, and returns its result: the PraisonAI
   * "complete streaming example" in one call. A job that finishes before its stream opens (the
   * stream answers 400, "Job already completed") is settled by `GET /api/v1/runs/{id}` instead.
   *
   * @example
   * ```ts
   * const output = await client.jobs.run({ prompt: 'Analyze quarterly sales data' }, {
   *   onEvent: (event) => {
   *     if (event.type === 'progress') console.log(`${event.data.percentage}%`);
   *   },
   * });
   * ```
   *
   * @typeParam Result - the type of the agent's output, e.g. `jobs.run<{ summary: string }>(…)`;
   *   not checked at run time.
   * @returns the `result` field of `GET /api/v1/runs/{id}/result`.
   * @throws StreamError `'server-error-event'` when the job ends failed or cancelled: `outcome`
   *   is `'failed'` or `'cancelled'` and `status` the job's status (branch on those, not on the
   *   message); HTTPError, TimeoutError, ConnectionError from the calls.
   * @throws RangeError, before the job is submitted, when `timeout` or a `stream` option is out
   *   of its documented range.
   */
  async run<Result = unknown>(params: JobCreateParams, options: JobRunOptions = {}): Promise<Result> {
    // Checked before the job is submitted: a bad option must not leave a job running unwatched.
    validateOptions(options);
    validateOptions(options.stream);
    const { onEvent, stream: streamOptions, ...createOptions } = options;
    // Every request of the run carries the caller's headers (a proxy's auth, a tenant), not
    // only the create call.
    const call: RequestOptions = { signal: options.signal, timeout: options.timeout, headers: options.headers };
    const streamHeaders = new Headers(options.headers);
    new Headers(streamOptions?.headers).forEach((value, name) => streamHeaders.set(name, value));
    const job = await this.create(params, createOptions);
    const events = this.stream(job.job_id, { ...streamOptions, headers: streamHeaders, signal: options.signal });
    for await (const event of events) onEvent?.(event);
    if (options.signal?.aborted) throw options.signal.reason;
    const outcome = events.outcome;
    // `[DONE]` without a `complete` names no status: the REST API does.
    const state = typeof outcome?.status === 'string' ? undefined : await this.retrieve(job.job_id, call);
    const status = state?.status ?? (outcome?.status as string);
    if (status !== 'succeeded') {
      // The same reason and data as the named form's `error` event gives: from the `complete`
      // event (its raw envelope), else from the state the REST API reported.
      const resynced = outcome?.event?.type === 'resync' ? (outcome.event.data as JobResync).state : undefined;
      const source = state ?? resynced;
      const reason = outcome?.message ?? (source ? errorMessage(source, '') : '');
      throw new StreamError('server-error-event', `job ${job.job_id} finished with status "${status}"${reason ? `: ${reason}` : ''}`, {
        event: outcome?.event?.type,
        data: source ? JSON.stringify(source) : outcome?.event?.raw,
        lastEventId: events.lastEventId,
        status,
        outcome: status === 'cancelled' ? 'cancelled' : 'failed',
      });
    }
    const resynced = outcome?.event?.type === 'resync' ? (outcome.event.data as JobResync).result : undefined;
    return (resynced ?? (await this.result<Result>(job.job_id, call))).result as Result;
  }
}
