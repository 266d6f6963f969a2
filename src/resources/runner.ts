/**
 * The stax runner: its event bus `GET /api/events` and its run API `POST /api/runs`,
 * `GET /api/runs`, `GET /api/runs/{id}`, `POST /api/runs/{id}/cancel`.
 *
 * @module
 */
import { platformAdapter, type PlatformSpec } from '../core/adapter.js';
import { HTTPError, isRecord } from '../core/errors.js';
import { markGap, type EventStream, type GapMarker, type OutcomeInfo, type ResyncContext, type ResyncResult, type StreamAdapter, type StreamEvent } from '../core/event-stream.js';
import { DEFAULTS, type RequestOptions } from '../core/options.js';
import type { Transport } from '../core/request.js';
import { segment } from '../core/request.js';
import type { StreamOptions } from '../core/sse.js';

/** A run's state (`GET /api/runs/{id}`): queued, running, or finished as completed, failed or cancelled. */
export type StaxRunStatus = 'queued' | 'in_progress' | 'completed' | 'failed' | 'cancelled';

/** How a run, job or step finished. A step skipped after a failure is `'skipped'`. */
export type StaxConclusion = 'success' | 'failure' | 'cancelled' | 'skipped';

/**
 * A stax run: the body of `POST /api/runs` (201) and `GET /api/runs/{id}`, and the `run` of bus
 * events. Bus events carry only part of it (the sample `run.completed` has no `id`: use the
 * event's `runId`).
 */
export interface StaxRun {
  id?: string | undefined;
  /** The workflow it runs. */
  workflow?: string | undefined;
  status?: StaxRunStatus | (string & {}) | undefined;
  /** Set once the run finished. */
  conclusion?: StaxConclusion | (string & {}) | undefined;
  /** Its jobs, with their steps and logs (REST); bus events may send `[]`. */
  jobs?: StaxJob[] | undefined;
  /** ISO 8601. */
  createdAt?: string | undefined;
  [key: string]: unknown;
}

/** A stax job. */
export interface StaxJob {
  name?: string | undefined;
  status?: string | undefined;
  conclusion?: StaxConclusion | (string & {}) | undefined;
  steps?: StaxStep[] | undefined;
  [key: string]: unknown;
}

/** A stax step; `logs` (REST) are its output lines so far. */
export interface StaxStep {
  name?: string | undefined;
  number?: number | undefined;
  status?: string | undefined;
  conclusion?: StaxConclusion | (string & {}) | undefined;
  logs?: string[] | undefined;
  [key: string]: unknown;
}

/** Body of `POST /api/runs`. */
export interface StaxRunCreateParams {
  /** The workflow to run; an unknown or missing one is a `400`. */
  workflow: string;
  /** The workflow's inputs. */
  inputs?: Record<string, unknown> | undefined;
  /** Where the run works: a git worktree, a copy of the repository, or in place. */
  sandbox?: { strategy: 'worktree' | 'copy' | 'none'; ref?: string | undefined } | undefined;
}

/**
 * The `resync` event: the bus cannot replay, so where runstream could not see what happened (a
 * run followed after it started, or a bus connection that dropped), it asks the runner and
 * delivers the run's state here, before the bus events that follow.
 */
export interface RunnerResync {
  /** `'subscribed'`: `follow()` started after the run did; `'reconnected'`: the bus dropped and came back. */
  reason: 'subscribed' | 'reconnected';
  /** The run followed. */
  runId: string;
  /** The run's state from `GET /api/runs/{id}`; `undefined` when the runner could not be asked. */
  run: StaxRun | undefined;
  /** Whether the state could be fetched; `false`: events in the gap are lost and nothing tells what they were. */
  recovered: boolean;
}

/** Payloads of the runner's events, by event name (stax "SSE Events", Event types). */
export interface RunnerEventMap {
  /** A workflow execution started. */
  'run.started': { runId: string; run: StaxRun };
  /** A run finished, whatever its conclusion (`run.status`, `run.conclusion`). Terminal for `follow()` and `run()`. */
  'run.completed': { runId: string; run: StaxRun };
  /** A job started. */
  'job.started': { runId: string; jobId: string; job: StaxJob };
  /** A job finished; steps skipped after a failure appear only here, as `conclusion: 'skipped'`. */
  'job.completed': { runId: string; jobId: string; job: StaxJob };
  /** A step started; `stepNumber` counts from 1. */
  'step.started': { runId: string; jobId: string; stepNumber: number; step: StaxStep };
  /** A step finished (`step.conclusion`). */
  'step.completed': { runId: string; jobId: string; stepNumber: number; step: StaxStep };
  /** One stdout/stderr line of a step, with its line break. */
  'step.log': { runId: string; jobId: string; stepNumber: number; line: string };
  /** runstream's marker of a gap, with the state it recovered; see {@link RunnerResync}. */
  resync: RunnerResync;
}

/** A runner event name. */
export type RunnerEventType = keyof RunnerEventMap;

/**
 * The events of the whole bus ({@link Runner.stream}): those of {@link RunnerEventMap}, with a
 * plain gap marker as `resync` (the bus follows no one run, so there is no state to fetch).
 */
export type RunnerBusEventMap = Omit<RunnerEventMap, 'resync'> & { resync: GapMarker & { runId?: undefined } };

const SPEC: PlatformSpec = {
  known: ['run.started', 'run.completed', 'job.started', 'job.completed', 'step.started', 'step.completed', 'step.log', 'resync'],
  // `ping` arrives on connect and every 30 s.
  keepalive: ['ping'],
};
const busAdapter = /* @__PURE__ */ platformAdapter(SPEC);

/**
 * The outcome of a finished stax run, from its `status` (`completed`, `failed`, `cancelled`) and
 * `conclusion` (`success`, `failure`, `cancelled`); `undefined` while it runs.
 */
function runOutcome(run: StaxRun | undefined): OutcomeInfo | undefined {
  const status = run?.status;
  const conclusion = run?.conclusion;
  if (status === 'failed' || conclusion === 'failure') return { type: 'failed', status };
  if (status === 'cancelled' || conclusion === 'cancelled') return { type: 'cancelled', status };
  if (status === 'completed' || conclusion != null) return { type: 'completed', status };
  return undefined;
}

/** The bus route. */
function bus() {
  return { method: 'GET', path: '/api/events', auth: 'none', idleTimeout: DEFAULTS.idleTimeout.runner } as const;
}

/** The run id of a bus event. */
function runIdOf(event: StreamEvent): unknown {
  return isRecord(event.data) ? event.data.runId : undefined;
}

/** The stax runner: its event bus and its runs. Reach it as `client.runner`. Auth: none. */
export class Runner {
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
   * so the gap is never silent; to recover a run's state, use {@link Runner.follow} or
   * {@link Runner.retrieve}.
   *
   * @example
   * ```ts
   * const bus = client.runner.stream();
   * bus.addEventListener('step.log', (event) => process.stdout.write(event.data.line));
   * ```
   *
   * @param options - the stream options.
   * @throws Nothing synchronously; the stream fails with `HTTPError`, `StreamError`,
   *   `ConnectionError` (after reconnection gives up).
   */
  stream(options: StreamOptions = {}): EventStream<RunnerBusEventMap> {
    // Unlike a platform that replays from the start, the bus loses events even before the first.
    return this.#transport.stream<RunnerBusEventMap>(bus(), busAdapter, options, { resync: (context) => markGap({ ...context, delivered: 1 }) });
  }

  /**
   * Follows one run on the bus: only events whose `runId` is `runId`, ending after that run's
   * `run.completed` with its outcome (`stream.outcome`: completed, failed or cancelled, from
   * `run.status`). It never waits for a run that already went by: once subscribed, it asks
   * `GET /api/runs/{runId}` and delivers a `resync` event with the run's state (what happened
   * before the subscription); a run that already finished ends the stream there, with its
   * outcome. To see a run from its first event, start it with {@link Runner.run} instead.
   *
   * What a drop costs: the bus does not replay, so events of the run sent while disconnected
   * are lost. After reconnecting, runstream asks the runner again and delivers a `resync` event
   * with the run's state (its jobs, steps and logs so far), then ends with the true outcome if
   * the run finished meanwhile. If the runner cannot be asked, the `resync` event says
   * `recovered: false`.
   *
   * @example
   * ```ts
   * for await (const event of client.runner.follow('a1b2c3d4')) {
   *   if (event.type === 'step.log') process.stdout.write(event.data.line);
   *   if (event.type === 'resync') console.log('state so far:', event.data.run?.status);
   * }
   * ```
   *
   * @param runId - the run to follow, e.g. `'a1b2c3d4'`.
   * @param options - the stream options; `headers` also go with the REST calls.
   * @throws RangeError synchronously when a numeric option is out of its range (`idleTimeout`,
   *   `maxEventSize`, `dedupe`, a `reconnect` field), naming the option and the value.
   * @throws TypeError synchronously when `runId` is empty. The stream fails with `HTTPError` 404
   *   when the runner does not know the run, and otherwise as {@link Runner.stream}.
   */
  follow(runId: string, options: StreamOptions = {}): EventStream<RunnerEventMap> {
    segment(runId);
    return this.#follow(() => runId, (context) => this.#resync(runId, context, options), options);
  }

  /**
   * Starts a run and follows it from its first event: subscribes to the bus, sends
   * `POST /api/runs` once the subscription is open (the runner puts `run.started` on the bus
   * before it answers, so the event waits in the subscription), then yields that run's events
   * from `run.started` on and ends at its `run.completed`, with its outcome in
   * `stream.outcome`. The `POST` is sent once: a drop after it never starts the run again.
   *
   * A drop costs what it costs {@link Runner.follow}, and is recovered the same way.
   *
   * @example
   * ```ts
   * const stream = client.runner.run({ workflow: 'build' });
   * for await (const event of stream) {
   *   if (event.type === 'step.log') process.stdout.write(event.data.line);
   * }
   * console.log(stream.outcome?.type); // 'completed', 'failed' or 'cancelled'
   * ```
   *
   * @param params - `workflow`, and optionally `inputs` and `sandbox`.
   * @param options - the stream options; `headers` also go with the REST calls.
   * @throws Nothing synchronously. The stream fails with `HTTPError` 400 for an unknown or
   *   missing workflow (from the `POST`), and otherwise as {@link Runner.stream}.
   */
  run(params: StaxRunCreateParams, options: StreamOptions = {}): EventStream<RunnerEventMap> {
    let runId: string | undefined;
    return this.#follow(
      () => runId,
      async (context) => {
        if (context.reason !== 'subscribed' || runId !== undefined) return runId === undefined ? undefined : this.#resync(runId, context, options);
        try {
          runId = (await this.create(params, { signal: context.signal, headers: options.headers })).id;
        } catch (error) {
          return { error: error as Error };
        }
        return undefined;
      },
      options,
    );
  }

  /**
   * Starts a run without following it: `POST /api/runs`.
   *
   * @returns the run (`201`), `status: 'in_progress'`; its `run.started` is already on the bus.
   * @throws HTTPError 400 for an unknown or missing workflow; TimeoutError; ConnectionError.
   */
  create(params: StaxRunCreateParams, options?: RequestOptions): Promise<StaxRun & { id: string }> {
    return this.#transport.json({ method: 'POST', path: '/api/runs', body: { ...params }, auth: 'none' }, options);
  }

  /**
   * A run's state, with its jobs, steps and logs: `GET /api/runs/{runId}`.
   *
   * @throws HTTPError 404 (`{"error": "Run not found"}`) for an unknown run; TimeoutError; ConnectionError.
   */
  retrieve(runId: string, options?: RequestOptions): Promise<StaxRun> {
    return this.#transport.json({ method: 'GET', path: `/api/runs/${segment(runId)}`, auth: 'none' }, options);
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
    return this.#transport.json({ method: 'POST', path: `/api/runs/${segment(runId)}/cancel`, auth: 'none' }, options);
  }

  /**
   * The runner's runs: `GET /api/runs`.
   *
   * @throws HTTPError; TimeoutError; ConnectionError.
   */
  async list(options?: RequestOptions): Promise<StaxRun[]> {
    const body = await this.#transport.json<StaxRun[] | { runs?: StaxRun[] }>({ method: 'GET', path: '/api/runs', auth: 'none' }, options);
    return Array.isArray(body) ? body : (body?.runs ?? []);
  }

  /** A bus stream of the run `runId()` names (once it does), ending at its `run.completed`. */
  #follow(
    runId: () => string | undefined,
    resync: (context: ResyncContext) => Promise<ResyncResult | undefined>,
    options: StreamOptions,
  ): EventStream<RunnerEventMap> {
    const adapter: StreamAdapter = {
      known: busAdapter.known,
      toEvent(message, lastEventId) {
        const event = busAdapter.toEvent(message, lastEventId);
        // Another run's event is no keepalive: `false`, so it teaches the idle timeout nothing.
        return event && runIdOf(event) !== runId() ? false : event;
      },
      isTerminal: (event) => event.type === 'run.completed',
      outcomeOf: (event) => runOutcome((event.data as { run?: StaxRun } | null)?.run) ?? { type: 'completed' },
    };
    return this.#transport.stream<RunnerEventMap>(bus(), adapter, options, { resync });
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
      return { data: { reason, runId, run: undefined, recovered: false } satisfies RunnerResync };
    }
    return { data: { reason, runId, run, recovered: true } satisfies RunnerResync, outcome: runOutcome(run) };
  }
}
