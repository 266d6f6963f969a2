/**
 * The stax runner's event bus: `GET /api/events`.
 *
 * @module
 */
import { platformAdapter, type PlatformSpec } from '../core/adapter.js';
import type { EventStream, OutcomeInfo, StreamEvent } from '../core/event-stream.js';
import { DEFAULTS } from '../core/options.js';
import type { Transport } from '../core/request.js';
import type { StreamOptions } from '../core/sse.js';

/** A stax run, as far as the runner's "SSE Events" page shows it. */
export interface StaxRun {
  /** Present on `run.started`; the sample `run.completed` omits it (use the event's `runId`). */
  id?: string | undefined;
  status?: string | undefined;
  conclusion?: string | undefined;
  jobs?: unknown[] | undefined;
  [key: string]: unknown;
}

/** A stax job. */
export interface StaxJob {
  name?: string | undefined;
  conclusion?: string | undefined;
  steps?: unknown[] | undefined;
  [key: string]: unknown;
}

/** A stax step. */
export interface StaxStep {
  name?: string | undefined;
  conclusion?: string | undefined;
  [key: string]: unknown;
}

/** Payloads of the runner's events, by event name (stax "SSE Events", Event types). */
export interface RunnerEventMap {
  /** A workflow execution started. */
  'run.started': { runId: string; run: StaxRun };
  /** A run finished, whatever its conclusion. Terminal for {@link Runner.follow}. */
  'run.completed': { runId: string; run: StaxRun };
  /** A job started. */
  'job.started': { runId: string; jobId: string; job: StaxJob };
  /** A job finished. */
  'job.completed': { runId: string; jobId: string; job: StaxJob };
  /** A step started; `stepNumber` counts from 1. */
  'step.started': { runId: string; jobId: string; stepNumber: number; step: StaxStep };
  /** A step finished. */
  'step.completed': { runId: string; jobId: string; stepNumber: number; step: StaxStep };
  /** One stdout/stderr line of a step, with its line break. */
  'step.log': { runId: string; jobId: string; stepNumber: number; line: string };
}

/** A runner event name. */
export type RunnerEventType = keyof RunnerEventMap;

const SPEC: PlatformSpec = {
  known: ['run.started', 'run.completed', 'job.started', 'job.completed', 'step.started', 'step.completed', 'step.log'],
  // `ping` arrives on connect and every 30 s.
  keepalive: ['ping'],
};
const busAdapter = /* @__PURE__ */ platformAdapter(SPEC);

/**
 * The outcome of a finished stax run, from its `status` (`completed`, `failed`, `cancelled`) and
 * `conclusion` (`success`, `failure`, `cancelled`, `skipped`).
 */
function runOutcome(run: StaxRun | undefined): OutcomeInfo {
  const status = run?.status;
  const conclusion = run?.conclusion;
  const type =
    status === 'failed' || conclusion === 'failure' ? 'failed' : status === 'cancelled' || conclusion === 'cancelled' ? 'cancelled' : 'completed';
  return { type, status };
}

/** The bus route. */
function bus() {
  return { method: 'GET', path: '/api/events', auth: 'none', idleTimeout: DEFAULTS.idleTimeout.runner } as const;
}

/** The stax runner's event bus. Reach it as `client.runner`. Auth: none. */
export class Runner {
  readonly #transport: Transport;

  /** @internal */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Streams every event of every run from `GET /api/events`, a never-ending multicast: it ends
   * only when you close it. `ping` keepalives are not events. A dropped connection reconnects;
   * the runner does not replay, so events sent while disconnected are missed.
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
  stream(options: StreamOptions = {}): EventStream<RunnerEventMap> {
    return this.#transport.stream<RunnerEventMap>(bus(), busAdapter, options);
  }

  /**
   * Follows one run on the bus: only events whose `runId` is `runId`, ending after that run's
   * `run.completed`. The bus does not replay: subscribe before the run starts (start it from
   * the `onOpen` option), or the stream waits for a `run.completed` that already went by.
   * Close it (or pass a `signal`) to bound the wait.
   *
   * @example
   * ```ts
   * for await (const event of client.runner.follow('a1b2c3d4')) {
   *   if (event.type === 'step.log') process.stdout.write(event.data.line);
   * }
   * ```
   *
   * @param runId - the run to follow, e.g. `'a1b2c3d4'`.
   * @param options - the stream options.
   * @throws TypeError synchronously when `runId` is empty; the stream fails as {@link Runner.stream}.
   */
  follow(runId: string, options: StreamOptions = {}): EventStream<RunnerEventMap> {
    if (typeof runId !== 'string' || runId === '') throw new TypeError('runstream: runner.follow() needs a runId');
    const base = platformAdapter(SPEC);
    const adapter = {
      ...base,
      toEvent: ((message, lastEventId) => {
        const event = base.toEvent(message, lastEventId);
        if (!event) return event;
        return (event.data as { runId?: unknown } | null)?.runId === runId ? event : undefined;
      }) satisfies typeof base.toEvent,
      isTerminal: (event: { type: string }) => event.type === 'run.completed',
      outcomeOf: (event: StreamEvent) => runOutcome((event.data as { run?: StaxRun } | null)?.run),
    };
    return this.#transport.stream<RunnerEventMap>(bus(), adapter, options);
  }
}
