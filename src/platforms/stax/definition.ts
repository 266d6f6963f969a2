/**
 * The stax runner, described once: its bus events, the event that ends a followed run and its
 * outcome, the `ping` keepalive, routes, and how a gap is recovered (stax "SSE Events").
 *
 * @module
 */
import { isRecord } from '../../core/errors.js';
import type { GapMarker, OutcomeInfo } from '../../core/types.js';
import { definePlatform } from '../define.js';

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
export interface StaxRunResync {
  /** `'subscribed'`: `stream(runId)` started after the run did; `'reconnected'`: the bus dropped and came back. */
  reason: 'subscribed' | 'reconnected';
  /** The run followed. */
  runId: string;
  /** The run's state from `GET /api/runs/{id}`; `undefined` when the runner could not be asked. */
  run: StaxRun | undefined;
  /** Whether the state could be fetched; `false`: events in the gap are lost and nothing tells what they were. */
  recovered: boolean;
}

/** Payloads of the runner's events, by event name (stax "SSE Events", Event types). */
export interface StaxEventMap {
  /** A workflow execution started. */
  'run.started': { runId: string; run: StaxRun };
  /** A run finished, whatever its conclusion (`run.status`, `run.conclusion`). Terminal for `stream(runId)`, `start()` and `run()`. */
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
  /** runstream's marker of a gap, with the state it recovered; see {@link StaxRunResync}. */
  resync: StaxRunResync;
}

/** A runner event name. */
export type StaxEventType = keyof StaxEventMap;

/**
 * The events of the whole bus ({@link StaxRunner.events}): those of {@link StaxEventMap}, with a
 * plain gap marker as `resync` (the bus follows no one run, so there is no state to fetch).
 */
export type StaxBusEventMap = Omit<StaxEventMap, 'resync'> & { resync: GapMarker & { runId?: undefined } };

/**
 * The stax runner, described once. One bus for every run (`GET /api/events`), named events
 * without ids, `ping` on connect and every 30 s; no replay. The bus never ends: `terminal` is
 * the event that ends a followed (or started) run. @internal
 */
export const stax = /* @__PURE__ */ definePlatform<StaxEventMap>()({
  name: 'stax',
  title: 'stax runner',
  baseUrl: 'http://localhost:4800',
  baseUrlSource: 'its "SSE Events" page',
  auth: 'none',
  idleTimeout: 'runner',
  known: ['run.started', 'run.completed', 'job.started', 'job.completed', 'step.started', 'step.completed', 'step.log', 'resync'],
  terminal: ['run.completed'],
  outcomes: { 'run.completed': 'by-data' },
  keepalive: ['ping'],
  keepaliveComments: [],
  lineEndings: ['\n'],
  ids: false,
  routes: {
    events: { method: 'GET', path: '/api/events' },
    create: { method: 'POST', path: '/api/runs' },
    list: { method: 'GET', path: '/api/runs' },
    retrieve: { method: 'GET', path: '/api/runs/{runId}' },
    cancel: { method: 'POST', path: '/api/runs/{runId}/cancel' },
  },
  resume: 'reconnect',
  resync: 'rest-state',
  outcomeOf: (event) => runOutcome((event.data as { run?: StaxRun } | null)?.run) ?? { type: 'completed' },
});

/**
 * The outcome of a finished stax run, from its `status` (`completed`, `failed`, `cancelled`) and
 * `conclusion` (`success`, `failure`, `cancelled`); `undefined` while it runs.
 * @internal
 */
export function runOutcome(run: StaxRun | undefined): OutcomeInfo | undefined {
  const status = run?.status;
  const conclusion = run?.conclusion;
  if (status === 'failed' || conclusion === 'failure') return { type: 'failed', serverStatus: status };
  if (status === 'cancelled' || conclusion === 'cancelled') return { type: 'cancelled', serverStatus: status };
  if (status === 'completed' || conclusion != null) return { type: 'completed', serverStatus: status };
  return undefined;
}

/** The run id of a bus event's data. @internal */
export function runIdOf(data: unknown): unknown {
  return isRecord(data) ? data.runId : undefined;
}
