/**
 * PraisonAI async jobs: `POST /api/v1/runs`, `GET /api/v1/runs/{id}`,
 * `GET /api/v1/runs/{id}/stream`, `GET /api/v1/runs/{id}/result`, `POST /api/v1/runs/{id}/cancel`.
 *
 * @module
 */
import { platformAdapter } from '../../core/adapter.js';
import { errorMessage, StreamError } from '../../core/errors.js';
import type { EventStream } from '../../core/stream.js';
import type { ResyncContext, ResyncResult } from '../../core/types.js';
import { DEFAULTS, validateOptions, type RequestOptions } from '../../core/options.js';
import type { Transport } from '../../core/request.js';
import type { StreamOptions } from '../../core/sse.js';
import { requestOf, type RunOptions } from '../define.js';
import {
  FINISHED,
  jobOutcome,
  praisonai,
  type PraisonAIEventMap,
  type PraisonAIJob,
  type PraisonAIJobCreateParams,
  type PraisonAIJobResult,
  type PraisonAIJobResync,
  type PraisonAIJobState,
} from './definition.js';

/** Options of {@link PraisonAIJobs.create}. */
export interface PraisonAIJobCreateOptions extends RequestOptions {
  /** Sent as `Idempotency-Key`: a retried submission with the same key returns the same job. */
  idempotencyKey?: string | undefined;
}

/**
 * Options of {@link PraisonAIJobs.run}: those of every `run()` (stream options, `timeout` for
 * each JSON call, `onEvent`), and `idempotencyKey` for the create call. `headers` and `signal`
 * apply to every request of the run (create, stream, status, result).
 */
export interface PraisonAIJobRunOptions extends RunOptions<PraisonAIEventMap> {
  /** Sent as `Idempotency-Key` with the create call: a retried submission with the same key returns the same job. */
  idempotencyKey?: string | undefined;
}

const adapter = /* @__PURE__ */ platformAdapter(praisonai);

/** PraisonAI async jobs. Reach it as `client.jobs`. Auth: none by default. */
export class PraisonAIJobs {
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
  create(params: PraisonAIJobCreateParams, options: PraisonAIJobCreateOptions = {}): Promise<PraisonAIJob> {
    const { idempotencyKey, ...rest } = options;
    const headers = new Headers(rest.headers);
    if (idempotencyKey) headers.set('idempotency-key', idempotencyKey);
    return this.#transport.json<PraisonAIJob>(
      { ...requestOf(praisonai.routes.create), body: params, auth: praisonai.auth },
      { ...rest, headers },
    );
  }

  /**
   * A job's status: `GET /api/v1/runs/{jobId}`.
   *
   * @throws HTTPError 404 when the job does not exist; TimeoutError; ConnectionError.
   */
  retrieve(jobId: string, options?: RequestOptions): Promise<PraisonAIJobState> {
    return this.#transport.json<PraisonAIJobState>({ ...requestOf(praisonai.routes.retrieve, { jobId }), auth: praisonai.auth }, options);
  }

  /**
   * A finished job's result: `GET /api/v1/runs/{jobId}/result`.
   *
   * @typeParam Result - the type of `result` (the agent's output), e.g.
   *   `jobs.result<{ summary: string }>(id)`; not checked at run time.
   * @throws HTTPError 404 when the job does not exist, or the server's status when it has no
   *   result yet; TimeoutError; ConnectionError.
   */
  result<Result = unknown>(jobId: string, options?: RequestOptions): Promise<PraisonAIJobResult<Result>> {
    return this.#transport.json<PraisonAIJobResult<Result>>(
      { ...requestOf(praisonai.routes.result, { jobId }), auth: praisonai.auth },
      options,
    );
  }

  /**
   * Asks the server to cancel a job: `POST /api/v1/runs/{jobId}/cancel`.
   *
   * @throws HTTPError 404 when the job does not exist; TimeoutError; ConnectionError.
   */
  cancel(jobId: string, options?: RequestOptions): Promise<PraisonAIJobState> {
    return this.#transport.json<PraisonAIJobState>(
      { ...requestOf(praisonai.routes.cancel, { jobId }), auth: praisonai.auth },
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
   * `error` event's message is), or use {@link PraisonAIJobs.run}, which throws for it.
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
   * `serverStatus` `'cancelled'` for a cancelled job.
   *
   * @throws TypeError synchronously when `jobId` is empty. The stream fails with `HTTPError`
   *   404 (unknown job) or 400 (when the job has not finished after all), `StreamError`,
   *   `ConnectionError`.
   */
  stream(jobId: string, options: StreamOptions = {}): EventStream<PraisonAIEventMap> {
    return this.#transport.stream<PraisonAIEventMap>(
      { ...requestOf(praisonai.routes.stream, { jobId }), auth: praisonai.auth, idleTimeout: DEFAULTS.idleTimeout[praisonai.idleTimeout] },
      adapter,
      options,
      { resync: (context) => this.#resync(jobId, context, options) },
    );
  }

  /** What the REST API says of a job after a gap or a `400`: a `resync` event, and its outcome if it finished. */
  async #resync(jobId: string, { reason, error, signal }: ResyncContext, options: StreamOptions): Promise<ResyncResult | undefined> {
    if (reason === 'subscribed' || (reason === 'http-error' && error?.status !== 400)) return undefined;
    const call = { signal, headers: options.headers };
    let state: PraisonAIJobState;
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
   *   is `'failed'` or `'cancelled'` and `serverStatus` the job's status (branch on those, not on the
   *   message); HTTPError, TimeoutError, ConnectionError from the calls.
   * @throws RangeError, before the job is submitted, when `timeout` or a stream option is out
   *   of its documented range.
   */
  async run<Result = unknown>(params: PraisonAIJobCreateParams, options: PraisonAIJobRunOptions = {}): Promise<Result> {
    // Checked before the job is submitted: a bad option must not leave a job running unwatched.
    validateOptions(options);
    const { onEvent, idempotencyKey, timeout, ...streamOptions } = options;
    // Every request of the run carries the caller's headers (a proxy's auth, a tenant), not
    // only the create call.
    const call: RequestOptions = { signal: options.signal, timeout, headers: options.headers };
    const job = await this.create(params, { ...call, idempotencyKey });
    const events = this.stream(job.job_id, streamOptions);
    for await (const event of events) onEvent?.(event);
    if (options.signal?.aborted) throw options.signal.reason;
    const outcome = events.outcome;
    // `[DONE]` without a `complete` names no status: the REST API does.
    const state = outcome?.serverStatus === undefined ? await this.retrieve(job.job_id, call) : undefined;
    const status = state?.status ?? outcome?.serverStatus;
    if (status !== 'succeeded') {
      // The same reason and data as the named form's `error` event gives: from the `complete`
      // event (its raw envelope), else from the state the REST API reported.
      const resynced = outcome?.event?.type === 'resync' ? (outcome.event.data as PraisonAIJobResync).state : undefined;
      const source = state ?? resynced;
      const reason = outcome?.message ?? (source ? errorMessage(source, '') : '');
      throw new StreamError('server-error-event', `job ${job.job_id} finished with status "${status}"${reason ? `: ${reason}` : ''}`, {
        event: outcome?.event?.type,
        data: source ? JSON.stringify(source) : outcome?.event?.raw,
        lastEventId: events.lastEventId,
        serverStatus: status,
        outcome: status === 'cancelled' ? 'cancelled' : 'failed',
      });
    }
    const resynced = outcome?.event?.type === 'resync' ? (outcome.event.data as PraisonAIJobResync).result : undefined;
    return (resynced ?? (await this.result<Result>(job.job_id, call))).result as Result;
  }
}
