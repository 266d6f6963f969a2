/**
 * The skills engine, described once: events, the terminal `done` and its outcome, wire forms,
 * routes, and why nothing is resumed (skills engine "Streaming SSE", "Event Format").
 *
 * @module
 */
import { field } from '../../core/adapter.js';
import { errorMessage, isRecord } from '../../core/errors.js';
import type { EventFailure } from '../../core/types.js';
import { definePlatform } from '../define.js';

/**
 * One engine event as the skills engine sends it in `data:` (its "Event Format"): the SSE
 * `event:` name is repeated in `type`.
 *
 * @typeParam Type - the event name.
 * @typeParam Data - the step's own payload (`null` when it has none).
 */
export interface SkillEngineEvent<Type extends string, Data = unknown> {
  type: Type;
  /** Human-readable text, e.g. `"Starting step 'analyze'."`. */
  message: string;
  /**
   * When it happened, as the engine writes it: ISO 8601 with microseconds, an offset and a `Z`
   * (`2026-11-21T09:32:41.880357+00:00Z`), which `new Date()` rejects; read it with
   * {@link parseSkillTimestamp}.
   */
  timestamp: string;
  /** The step, for step events. */
  step_id?: string | null | undefined;
  /** Correlates every event and the result of one execution. */
  trace_id: string;
  data: Data;
}

/** The error a failed execution reports: in an error `done`, or in a result. */
export interface SkillError {
  /** The engine's error code, e.g. `'STEP_FAILED'`, `'SKILL_NOT_FOUND'`. */
  code?: string | undefined;
  message?: string | undefined;
  /** The engine's error type, e.g. `'not_found'`. */
  type?: string | undefined;
  /** An HTTP-style status, e.g. `404` for an unknown skill (sent inside a `200` stream). */
  status?: number | undefined;
  [key: string]: unknown;
}

/** The final result: the `done` event's data, and the body of `POST …/execute`. */
export interface SkillResult {
  skill_id: string;
  /** e.g. `'completed'`, `'failed'`. */
  status: string;
  outputs?: Record<string, unknown> | undefined;
  trace_id?: string | null | undefined;
  /** Present when the execution failed. */
  error?: SkillError | string | undefined;
  [key: string]: unknown;
}

/**
 * The `done` of a failed execution as the engine really sends it: only `error` and a `trace_id`
 * that is `null` (although every earlier event carried the execution's trace id). An unknown
 * skill is a `200` stream with only this `done` (`error.status: 404`).
 */
export interface SkillErrorDone {
  error: SkillError;
  trace_id: string | null;
  skill_id?: undefined;
  status?: undefined;
  outputs?: undefined;
}

/** Payloads of the skills engine's stream events, by event name ("Event Types"). */
export interface SkillEventMap {
  /** Skill execution begins. */
  skill_start: SkillEngineEvent<'skill_start'>;
  /** A step starts executing. */
  step_start: SkillEngineEvent<'step_start'>;
  /** A step finished; `data.produced_output` holds its output. */
  step_completed: SkillEngineEvent<'step_completed', { produced_output?: Record<string, unknown> } | null>;
  /** A step was skipped (its condition was false). */
  step_skipped: SkillEngineEvent<'step_skipped'>;
  /** A step was degraded (safety gate). */
  step_degraded: SkillEngineEvent<'step_degraded'>;
  /** A step failed. */
  step_failed: SkillEngineEvent<'step_failed'>;
  /** Skill execution finished. */
  skill_completed: SkillEngineEvent<'skill_completed'>;
  /**
   * The final result. Terminal; with `error` (a {@link SkillErrorDone}, or a result with
   * `error`), the stream then fails with `StreamError` `'server-error-event'`.
   */
  done: SkillResult | SkillErrorDone;
}

/** A skills engine event name. */
export type SkillEventType = keyof SkillEventMap;

/** Body of an execution ("Same request body as /execute"). */
export interface SkillExecuteParams {
  /** The skill's inputs. */
  inputs: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * A result is a failure when it carries `error`, or says `status: 'failed'` without one. Its
 * trace id is the result's, else `earlierTrace`: the error `done` sends `trace_id: null`.
 * @internal
 */
export function failureOf(result: SkillResult | SkillErrorDone, earlierTrace?: string): EventFailure | undefined {
  const hasError = result.error !== undefined && result.error !== null;
  if (!hasError && result.status !== 'failed') return undefined;
  const error = isRecord(result.error) ? (result.error as SkillError) : undefined;
  return {
    message: errorMessage(result, `the skill ended with status "${result.status}"`),
    traceId: result.trace_id ?? earlierTrace,
    status: error?.status ?? result.status,
    serverCode: error?.code,
    outcome: 'failed',
  };
}

/**
 * Parses a skills engine timestamp (`2026-11-21T09:32:41.880357+00:00Z`: microseconds, an
 * offset and a `Z`, which `new Date()` rejects) into a `Date`, to the millisecond. Plain ISO
 * 8601 (`2026-03-25T12:00:00Z`) works too.
 *
 * @example
 * ```ts
 * import { parseSkillTimestamp } from 'runstream';
 *
 * parseSkillTimestamp('2026-11-21T09:32:41.880357+00:00Z')?.toISOString(); // '2026-11-21T09:32:41.880Z'
 * ```
 *
 * @param timestamp - the `timestamp` of a {@link SkillEngineEvent}.
 * @returns the instant, or `undefined` when the text is not a timestamp.
 */
export function parseSkillTimestamp(timestamp: string): Date | undefined {
  // An offset already says the zone: the trailing `Z` is redundant; more than 3 fractional
  // digits are cut to milliseconds, all a Date holds.
  const text = String(timestamp)
    .trim()
    .replace(/([+-]\d\d:?\d\d)Z$/i, '$1')
    .replace(/(\.\d{3})\d+/, '$1');
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : new Date(time);
}

/**
 * The skills engine, described once. Named events whose data repeats the name in `type`; a POST
 * that starts work, which nothing on the wire can resume. @internal
 */
export const skills = /* @__PURE__ */ definePlatform<SkillEventMap>()({
  name: 'skills',
  title: 'skills engine',
  baseUrl: 'http://localhost:8080',
  baseUrlSource: 'its "Streaming SSE" page',
  auth: 'x-api-key',
  idleTimeout: 'skills',
  known: ['skill_start', 'step_start', 'step_completed', 'step_skipped', 'step_degraded', 'step_failed', 'skill_completed', 'done'],
  terminal: ['done'],
  outcomes: { done: 'by-data' },
  keepalive: [],
  keepaliveComments: [],
  lineEndings: ['\n'],
  ids: false,
  routes: {
    stream: { method: 'POST', path: '/v1/skills/{skillId}/execute/stream' },
    execute: { method: 'POST', path: '/v1/skills/{skillId}/execute' },
  },
  resume: 'never',
  resync: 'none',
  // A `done` with `error` is a failure; the resource adds the trace id of earlier events.
  errorOf: (event) => (event.type === 'done' ? failureOf(event.data as SkillResult) : undefined),
  outcomeOf: (event) => ({ type: 'completed', serverStatus: field(event.data, 'status'), traceId: field(event.data, 'trace_id') }),
});

/** What a stream that ends before `done` tells the user. @internal */
export const resumeHint = 'the skills engine cannot resume an execution: run it again only if it is safe to repeat';
