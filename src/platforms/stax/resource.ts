/**
 * The stax runner: its event bus `GET /api/events` and its run API `POST /api/runs`,
 * `GET /api/runs`, `GET /api/runs/{id}`, `POST /api/runs/{id}/cancel`.
 *
 * @module
 */
import { platformAdapter, type PlatformSpec } from '../../core/adapter.js';
import { HTTPError, StreamError } from '../../core/errors.js';
import type { EventStream } from '../../core/stream.js';
import type { ResyncContext, ResyncResult, StreamAdapter } from '../../core/types.js';
import { markGap } from '../../features/resync.js';
import { validateOptions, type RequestOptions } from '../../core/options.js';
import type { Transport } from '../../core/request.js';
import type { StreamOptions } from '../../core/sse.js';
import { pathOf, requestOf, type RunOptions, streamOf } from '../define.js';
import { runIdOf, runOutcome, stax, type StaxBusEventMap, type StaxEventMap, type StaxRun, type StaxRunCreateParams, type StaxRunResync } from './definition.js';

/** The whole bus: no terminal event (it never ends), no outcome. */
function busSpec(): PlatformSpec {
  return { ...stax, terminal: [], outcomeOf: undefined };
}
// Built by a pure call: a spread at module level would keep the definition in bundles without it.
const busAdapter = /* @__PURE__ */ platformAdapter(/* @__PURE__ */ busSpec());

/** The bus route; `ids` names the run a followed stream watches (see `StreamInfo.ids`). */
function bus(ids?: { runId?: string }) {
  return streamOf(stax, stax.routes.events, ids as Record<string, string> | undefined);
}

/** The stax runner: its event bus and its runs. Reach it as `client.runner`. Auth: none. */
export class StaxRunner {
  readonly #transport: Transport;

  /** @internal */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Streams every event of every run from `GET /api/events`, a never-ending multicast: it ends
   * only when you close it. `ping` keepalives are not events.
   *
   * What a drop costs: the runner does not replay and sends no ids, so every event sent while
   * the bus was disconnected is lost. runstream reconnects and then delivers a `resync` event
   * (a {@link GapMarker}: `reason: 'reconnected'`, `recovered: false`) before the next bus event,
   * so the gap is never silent; to recover a run's state, use {@link StaxRunner.stream} or
   * {@link StaxRunner.retrieve}.
   *
   * @example
   * ```ts
   * const bus = client.runner.events();
   * bus.addEventListener('step.log', (event) => process.stdout.write(event.data.line));
   * ```
   *
   * @param options - the stream options.
   * @throws Nothing synchronously; the stream fails with `HTTPError`, `StreamError`,
   *   `ConnectionError` (after reconnection gives up).
   */
  events(options: StreamOptions = {}): EventStream<StaxBusEventMap> {
    // Unlike a platform that replays from the start, the bus loses events even before the first.
    return this.#transport.stream<StaxBusEventMap>(bus(), busAdapter, options, { resync: (context) => markGap({ ...context, delivered: 1 }) });
  }

  /**
   * Follows one run on the bus: only events whose `runId` is `runId`, ending after that run's
   * `run.completed` with its outcome (`stream.outcome`: completed, failed or cancelled, from
   * `run.status`). It never waits for a run that already went by: once subscribed, it asks
   * `GET /api/runs/{runId}` and delivers a `resync` event with the run's state (what happened
   * before the subscription); a run that already finished ends the stream there, with its
   * outcome. To see a run from its first event, start it with {@link StaxRunner.start} instead.
   *
   * What a drop costs: the bus does not replay, so events of the run sent while disconnected
   * are lost. After reconnecting, runstream asks the runner again and delivers a `resync` event
   * with the run's state (its jobs, steps and logs so far), then ends with the true outcome if
   * the run finished meanwhile. If the runner cannot be asked, the `resync` event says
   * `recovered: false`.
   *
   * @example
   * ```ts
   * for await (const event of client.runner.stream('a1b2c3d4')) {
   *   if (event.type === 'step.log') process.stdout.write(event.data.line);
   *   if (event.type === 'resync') console.log('state so far:', event.data.run?.status);
   * }
   * ```
   *
   * @param runId - the run to follow, e.g. `'a1b2c3d4'`.
   * @param options - the stream options; `headers` also go with the REST calls.
   * @throws RangeError synchronously when a numeric option is out of its range (`idleTimeout`,
   *   `maxEventSize`, a `reconnect` field), naming the option and the value.
   * @throws TypeError synchronously when `runId` is empty. The stream fails with `HTTPError` 404
   *   when the runner does not know the run, and otherwise as {@link StaxRunner.events}.
   */
  stream(runId: string, options: StreamOptions = {}): EventStream<StaxEventMap> {
    // Checked now: an empty id is a TypeError at the call, not a failed stream.
    pathOf(stax.routes.retrieve, { runId });
    return this.#follow({ runId }, (context) => this.#resync(runId, context, options), options);
  }

  /**
   * Starts a run and follows it from its first event: subscribes to the bus, sends
   * `POST /api/runs` once the subscription is open (the runner puts `run.started` on the bus
   * before it answers, so the event waits in the subscription), then yields that run's events
   * from `run.started` on and ends at its `run.completed`, with its outcome in
   * `stream.outcome`. The `POST` is sent once: a drop after it never starts the run again.
   *
   * A drop costs what it costs {@link StaxRunner.stream}, and is recovered the same way.
   *
   * @example
   * ```ts
   * const stream = client.runner.start({ workflow: 'build' });
   * for await (const event of stream) {
   *   if (event.type === 'step.log') process.stdout.write(event.data.line);
   * }
   * console.log(stream.outcome?.type); // 'completed', 'failed' or 'cancelled'
   * ```
   *
   * @param params - `workflow`, and optionally `inputs` and `sandbox`.
   * @param options - the stream options; `headers` also go with the REST calls.
   * @throws Nothing synchronously. The stream fails with `HTTPError` 400 for an unknown or
   *   missing workflow (from the `POST`), and otherwise as {@link StaxRunner.events}.
   */
  start(params: StaxRunCreateParams, options: StreamOptions = {}): EventStream<StaxEventMap> {
    return this.#start(params, options);
  }

  /** {@link StaxRunner.start}; `timeout` for its `POST`. */
  #start(params: StaxRunCreateParams, options: StreamOptions, timeout?: number): EventStream<StaxEventMap> {
    // The run's id once the create call answers: what the stream follows, and `StreamInfo.ids`.
    const ids: { runId?: string } = {};
    return this.#follow(
      ids,
      async (context) => {
        const runId = ids.runId;
        if (context.reason !== 'subscribed' || runId !== undefined) return runId === undefined ? undefined : this.#resync(runId, context, options);
        try {
          ids.runId = (await this.create(params, { signal: context.signal, headers: options.headers, timeout })).id;
        } catch (error) {
          return { error: error as Error };
        }
        return undefined;
      },
      options,
    );
  }

  /**
   * Starts a run, waits for it to finish and returns it: {@link StaxRunner.start}, with each
   * event passed to `onEvent`.
   *
   * @example
   * ```ts
   * const run = await client.runner.run({ workflow: 'build' }, {
   *   onEvent: (event) => {
   *     if (event.type === 'step.log') process.stdout.write(event.data.line);
   *   },
   * });
   * console.log(run.conclusion); // 'success'
   * ```
   *
   * @param params - `workflow`, and optionally `inputs` and `sandbox`.
   * @param options - the stream options, `timeout` for the REST calls, `onEvent`.
   * @returns the finished run, as its `run.completed` event (or the runner's state after a gap)
   *   gives it, with its `id`.
   * @throws StreamError `'server-error-event'` when the run ends failed or cancelled: `outcome`
   *   is `'failed'` or `'cancelled'` and `serverStatus` the run's status; HTTPError 400 for an unknown
   *   workflow; ConnectionError, StreamError, TimeoutError as the stream fails.
   * @throws RangeError, before the run is started, when an option is out of its range.
   */
  async run(params: StaxRunCreateParams, options: RunOptions<StaxEventMap> = {}): Promise<StaxRun & { id: string }> {
    validateOptions(options);
    const { onEvent, timeout, ...streamOptions } = options;
    const stream = this.#start(params, streamOptions, timeout);
    for await (const event of stream) onEvent?.(event);
    if (options.signal?.aborted) throw options.signal.reason;
    const outcome = stream.outcome;
    const data = outcome?.event?.data as { runId?: string; run?: StaxRun } | undefined;
    const run = { ...data?.run, id: data?.run?.id ?? data?.runId ?? '' };
    if (outcome?.type !== 'completed') {
      throw new StreamError('server-error-event', `run ${run.id} finished with status "${String(outcome?.serverStatus)}"`, {
        event: outcome?.event?.type,
        data: outcome?.event?.raw,
        lastEventId: stream.lastEventId,
        serverStatus: outcome?.serverStatus,
        outcome: outcome?.type === 'cancelled' ? 'cancelled' : 'failed',
      });
    }
    return run;
  }

  /**
   * Starts a run without following it: `POST /api/runs`.
   *
   * @returns the run (`201`), `status: 'in_progress'`; its `run.started` is already on the bus.
   * @throws HTTPError 400 for an unknown or missing workflow; TimeoutError; ConnectionError.
   */
  create(params: StaxRunCreateParams, options?: RequestOptions): Promise<StaxRun & { id: string }> {
    return this.#transport.json({ ...requestOf(stax.routes.create), body: { ...params }, auth: stax.auth }, options);
  }

  /**
   * A run's state, with its jobs, steps and logs: `GET /api/runs/{runId}`.
   *
   * @throws HTTPError 404 (`{"error": "Run not found"}`) for an unknown run; TimeoutError; ConnectionError.
   */
  retrieve(runId: string, options?: RequestOptions): Promise<StaxRun> {
    return this.#transport.json({ ...requestOf(stax.routes.retrieve, { runId }), auth: stax.auth }, options);
  }

  /**
   * Asks the runner to cancel a run: `POST /api/runs/{runId}/cancel`. The run then ends on the
   * bus with `run.completed`, `status: 'cancelled'`.
   *
   * @returns the run, as the runner answers.
   * @throws HTTPError 404 for an unknown run, 409 when it can no longer be cancelled (it
   *   finished); TimeoutError; ConnectionError.
   */
  cancel(runId: string, options?: RequestOptions): Promise<StaxRun> {
    return this.#transport.json({ ...requestOf(stax.routes.cancel, { runId }), auth: stax.auth }, options);
  }

  /**
   * The runner's runs: `GET /api/runs`.
   *
   * @throws HTTPError; TimeoutError; ConnectionError.
   */
  async list(options?: RequestOptions): Promise<StaxRun[]> {
    const body = await this.#transport.json<StaxRun[] | { runs?: StaxRun[] }>({ ...requestOf(stax.routes.list), auth: stax.auth }, options);
    return Array.isArray(body) ? body : (body?.runs ?? []);
  }

  /** A bus stream of the run `ids.runId` names (once it does), ending at its `run.completed`. */
  #follow(
    ids: { runId?: string },
    resync: (context: ResyncContext) => Promise<ResyncResult | undefined>,
    options: StreamOptions,
  ): EventStream<StaxEventMap> {
    const adapter: StreamAdapter = {
      known: busAdapter.known,
      toEvent(message, lastEventId) {
        const event = busAdapter.toEvent(message, lastEventId);
        // Another run's event is no keepalive: `false`, so it teaches the idle timeout nothing.
        return event && runIdOf(event.data) !== ids.runId ? false : event;
      },
      isTerminal: (event) => (stax.terminal as readonly string[]).includes(event.type),
      outcomeOf: stax.outcomeOf,
    };
    return this.#transport.stream<StaxEventMap>(bus(ids), adapter, options, { resync });
  }

  /** Asks the runner for the run's state after a gap: a `resync` event, and its outcome if it finished. */
  async #resync(runId: string, context: ResyncContext, options: StreamOptions): Promise<ResyncResult | undefined> {
    const { reason, signal } = context;
    // A refused bus request says nothing about the run: fail with it as it is.
    if (reason === 'http-error') return undefined;
    let run: StaxRun;
    try {
      run = await this.retrieve(runId, { signal, headers: options.headers });
    } catch (error) {
      // An unknown run never ends on the bus: fail rather than wait for ever.
      if (error instanceof HTTPError && error.status === 404) return { error };
      return { data: { reason, runId, run: undefined, recovered: false } satisfies StaxRunResync };
    }
    return { data: { reason, runId, run, recovered: true } satisfies StaxRunResync, outcome: runOutcome(run) };
  }
}
