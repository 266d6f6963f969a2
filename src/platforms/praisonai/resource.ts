/**
 * PraisonAI async jobs: `POST /api/v1/runs`, `GET /api/v1/runs/{id}`,
 * `GET /api/v1/runs/{id}/stream`, `GET /api/v1/runs/{id}/result`, `POST /api/v1/runs/{id}/cancel`.
 *
 * @module
 */
import { platformAdapter } from '../../core/adapter.js';
import { errorMessage, StreamError } from '../../core/errors.js';
import type { EventStream } from '../../core/stream.js';
import type { ResyncContext, ResyncResult, StreamFeature } from '../../core/types.js';
import { validateOptions, type RequestOptions } from '../../core/options.js';
import type { Transport } from '../../core/request.js';
import type { StreamOptions } from '../../core/sse.js';
import { requestOf, type RunOptions, streamOf } from '../define.js';
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
 * Options of {@link PraisonAIJobs.start}: the stream options, `idempotencyKey` for the create
 * call, and `timeout` for the JSON calls the stream makes. `headers` and `signal` apply to every
 * request of the stream (the create, the stream requests, the status and result calls of a
 * resync).
 */
export interface PraisonAIJobStartOptions extends StreamOptions {
  /** Sent as `Idempotency-Key` with the create call only: a retried submission with the same key returns the same job. */
  idempotencyKey?: string | undefined;
  /**
   * Deadline of each JSON call the stream makes (the create, and the `GET /api/v1/runs/{id}`
   * and `/result` calls of a resync), in milliseconds; 0 turns it off. Not a deadline of the
   * stream: its silence is bounded by `idleTimeout`.
   * @defaultValue the client's `timeout` (60 000 ms)
   */
  timeout?: number | undefined;
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
   * To submit a job and stream it in one call, with its id in the first event, use
   * {@link PraisonAIJobs.start}.
   *
   * @throws TypeError synchronously when `jobId` is empty. The stream fails with `HTTPError`
   *   404 (unknown job) or 400 (when the job has not finished after all), `StreamError`,
   *   `ConnectionError`.
   */
  stream(jobId: string, options: StreamOptions = {}): EventStream<PraisonAIEventMap> {
    return this.#transport.stream<PraisonAIEventMap>(
      streamOf(praisonai, praisonai.routes.stream, { jobId }),
      adapter,
      options,
      { resync: (context) => this.#resync(jobId, context, { headers: options.headers }) },
    );
  }

  /**
   * Submits a job and streams it: `POST /api/v1/runs`, then `GET /api/v1/runs/{id}/stream`.
   * Returns the stream at once; the create call goes out when the stream gets its first consumer
   * (a `for await`, a listener, `finished`), and the stream request once the server answered it.
   *
   * The job's id: the stream's first event is `created`, runstream's own (no server sends it),
   * whose `data` is the create call's answer (`{ job_id, status: 'queued', poll_url, … }`). It
   * comes before the stream request is sent, so `jobs.cancel(event.data.job_id)` works at any
   * point after it (a job cancelled before its stream opens ends the stream as a job that
   * finished does: a `resync` event, then the `'cancelled'` outcome). `jobs.run()` passes it to
   * `onEvent` too.
   *
   * The create call is sent once: a dropped stream reconnects with `GET` only (with
   * `Last-Event-ID` when the server form sent ids), and recovers as {@link PraisonAIJobs.stream}
   * does (`resync` events, the outcome of a job that finished meanwhile). A create that fails ends
   * the stream with its error before any stream request. A stream closed while the create is in
   * flight aborts it; the server may have taken the job all the same (send an `idempotencyKey`
   * to submit it again safely).
   *
   * What `onStream` and observers see: the client's `onStream` reports the stream's first
   * request, `POST /api/v1/runs`; the create call is a JSON call, not a connection, so the
   * `connecting` lifecycle steps report only the stream requests, `GET /api/v1/runs/{id}/stream`.
   * An error of the create call names `POST /api/v1/runs`; later errors name the stream request.
   *
   * @example
   * ```ts
   * const stream = client.jobs.start({ prompt: 'Analyze quarterly sales data' }, { idempotencyKey: 'order-123' });
   * for await (const event of stream) {
   *   if (event.type === 'created') console.log('job', event.data.job_id); // e.g. for client.jobs.cancel()
   *   if (event.type === 'progress') console.log(`${event.data.percentage}%`);
   * }
   * console.log(stream.outcome?.type, stream.outcome?.serverStatus); // 'completed' 'succeeded'
   * ```
   *
   * @param params - the prompt and job settings (the body of `POST /api/v1/runs`).
   * @param options - the stream options; `idempotencyKey` for the create call; `timeout` (ms)
   *   for each JSON call; `headers` and `signal` for every request.
   * @throws RangeError synchronously when `timeout` or a stream option is out of its range,
   *   naming the option and the value (nothing is sent). The stream fails with the create call's
   *   `HTTPError` (400 missing prompt, 409 idempotency conflict, 422, 5xx), `TimeoutError` or
   *   `ConnectionError`, before any stream request; then as {@link PraisonAIJobs.stream}.
   */
  start(params: PraisonAIJobCreateParams, options: PraisonAIJobStartOptions = {}): EventStream<PraisonAIEventMap> {
    // Checked now, as `stream()` checks its options: a bad option is a RangeError at the call.
    validateOptions(options);
    const { idempotencyKey, timeout, ...streamOptions } = options;
    // `StreamInfo.ids`: the job's id once the create call answers.
    const ids: { jobId?: string } = {};
    const create: StreamFeature = (control) => ({
      // Holds the stream's first request until the job exists, then points it at the job's stream.
      start: async () => {
        const job = await this.create(params, { signal: control.signal, headers: options.headers, timeout, idempotencyKey });
        const path = requestOf(praisonai.routes.stream, { jobId: job.job_id }).path;
        ids.jobId = job.job_id;
        control.setRequest({ url: this.#transport.url(path), method: 'GET' });
        control.deliver({ type: 'created', data: job, id: control.lastEventId, raw: JSON.stringify(job) });
      },
    });
    return this.#transport.stream<PraisonAIEventMap>(
      // The first request is the create: what `onStream` reports, and what a create error names.
      streamOf(praisonai, praisonai.routes.create, ids as Record<string, string>),
      adapter,
      { ...streamOptions, use: [create, ...(streamOptions.use ?? [])] },
      { resync: (context) => (ids.jobId === undefined ? Promise.resolve(undefined) : this.#resync(ids.jobId, context, { headers: options.headers, timeout })) },
    );
  }

  /** What the REST API says of a job after a gap or a `400`: a `resync` event, and its outcome if it finished. */
  async #resync(jobId: string, { reason, error, signal }: ResyncContext, options: RequestOptions): Promise<ResyncResult | undefined> {
    if (reason === 'subscribed' || (reason === 'http-error' && error?.status !== 400)) return undefined;
    const call = { ...options, signal };
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
   * "complete streaming example" in one call. It is {@link PraisonAIJobs.start} to the end, so
   * `onEvent` gets the `created` event first (its `data.job_id` is the job's id, for
   * `jobs.cancel()`). A job that finishes before its stream opens (the stream answers 400, "Job
   * already completed") is settled by `GET /api/v1/runs/{id}` instead.
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
   * @returns the `result` field of `GET /api/v1/runs/{id}/result` (or of the `/result` a resync
   *   already fetched).
   * @throws StreamError `'server-error-event'` when the job ends failed or cancelled: `outcome`
   *   is `'failed'` or `'cancelled'` and `serverStatus` the job's status (branch on those, not
   *   on the message); HTTPError, TimeoutError, ConnectionError from the calls.
   * @throws RangeError, before the job is submitted, when `timeout` or a stream option is out
   *   of its documented range.
   */
  async run<Result = unknown>(params: PraisonAIJobCreateParams, options: PraisonAIJobRunOptions = {}): Promise<Result> {
    const { onEvent, ...startOptions } = options;
    // `start()` checks the options before the job is submitted: a bad option must not leave a
    // job running unwatched.
    const events = this.start(params, startOptions);
    let job: PraisonAIJob | undefined;
    for await (const event of events) {
      if (event.type === 'created') job = event.data;
      onEvent?.(event);
    }
    if (options.signal?.aborted) throw options.signal.reason;
    const outcome = events.outcome;
    // Only a close from outside (the client's `onStream`) ends the stream before the create answered.
    if (!job) throw new StreamError('unexpected-end', 'the job stream was closed before the job was created', { lastEventId: events.lastEventId });
    const jobId = job.job_id;
    // Every request of the run carries the caller's headers (a proxy's auth, a tenant).
    const call: RequestOptions = { signal: options.signal, timeout: options.timeout, headers: options.headers };
    // `[DONE]` without a `complete` names no status: the REST API does.
    const state = outcome?.serverStatus === undefined ? await this.retrieve(jobId, call) : undefined;
    const status = state?.status ?? outcome?.serverStatus;
    if (status !== 'succeeded') {
      // The same reason and data as the named form's `error` event gives: from the `complete`
      // event (its raw envelope), else from the state the REST API reported.
      const resynced = outcome?.event?.type === 'resync' ? (outcome.event.data as PraisonAIJobResync).state : undefined;
      const source = state ?? resynced;
      const reason = outcome?.message ?? (source ? errorMessage(source, '') : '');
      throw new StreamError('server-error-event', `job ${jobId} finished with status "${status}"${reason ? `: ${reason}` : ''}`, {
        event: outcome?.event?.type,
        data: source ? JSON.stringify(source) : outcome?.event?.raw,
        lastEventId: events.lastEventId,
        serverStatus: status,
        outcome: status === 'cancelled' ? 'cancelled' : 'failed',
      });
    }
    const resynced = outcome?.event?.type === 'resync' ? (outcome.event.data as PraisonAIJobResync).result : undefined;
    return (resynced ?? (await this.result<Result>(jobId, call))).result as Result;
  }
}
