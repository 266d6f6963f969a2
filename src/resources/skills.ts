/**
 * The skills engine: `POST /v1/skills/{skill_id}/execute/stream` and `POST /v1/skills/{skill_id}/execute`.
 *
 * @module
 */
import { field, platformAdapter, type PlatformSpec } from '../core/adapter.js';
import { errorMessage, isRecord, StreamError } from '../core/errors.js';
import type { EventFailure, EventStream, StreamAdapter } from '../core/event-stream.js';
import { DEFAULTS, type RequestOptions } from '../core/options.js';
import type { Transport } from '../core/request.js';
import { segment } from '../core/request.js';
import type { StreamOptions } from '../core/sse.js';

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
 */
function failureOf(result: SkillResult | SkillErrorDone, earlierTrace?: string): EventFailure | undefined {
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

const spec: PlatformSpec = {
  known: ['skill_start', 'step_start', 'step_completed', 'step_skipped', 'step_degraded', 'step_failed', 'skill_completed', 'done'],
  terminal: ['done'],
  outcomeOf: (event) => ({ type: 'completed', status: field(event.data, 'status'), traceId: field(event.data, 'trace_id') }),
};
const base = /* @__PURE__ */ platformAdapter(spec);

/** The adapter of one execution: it remembers the trace id of earlier events for an error `done`. */
function executionAdapter(): StreamAdapter {
  let trace: string | undefined;
  return {
    ...base,
    toEvent(message, lastEventId) {
      const event = base.toEvent(message, lastEventId);
      if (event && event.type !== 'done') trace = field(event.data, 'trace_id') ?? trace;
      return event;
    },
    errorOf: (event) => (event.type === 'done' ? failureOf(event.data as SkillResult, trace) : undefined),
  };
}

/** Skills engine executions. Reach it as `client.skills`. Auth: `X-API-Key`. */
export class Skills {
  readonly #transport: Transport;

  /** @internal */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Runs a skill and streams its events: `POST /v1/skills/{skillId}/execute/stream` with the
   * JSON body `{ inputs, … }`.
   *
   * Ends after `done`, which always carries the final result; a `done` with `error` is
   * delivered, then the stream fails with `StreamError` `'server-error-event'` whose `traceId`
   * is the execution's `trace_id`.
   *
   * Resuming: this is a POST that starts an execution, and the engine offers no resume route.
   * runstream does not send it again once the engine may have accepted it: a connection that
   * drops before `done` fails with `ConnectionError` (or `StreamError` `'unexpected-end'` on a
   * clean close), carrying `lastEventId`. Pass `resume: 'resend'` only if the skill is safe to
   * repeat. A 408, 429 or 503 answer before any event is retried (the engine did not take it).
   *
   * @example
   * ```ts
   * const stream = client.skills.stream('my.skill', { inputs: { text: 'Hello world' } });
   * for await (const event of stream) {
   *   if (event.type === 'done') console.log(event.data.outputs);
   *   else console.log(event.type, event.data.message);
   * }
   * ```
   *
   * @param skillId - e.g. `'my.skill'`.
   * @param params - the request body.
   * @param options - stream options. `reconnect` governs only the retry of a `408`, `429` or
   *   `503` answered before any event (the engine did not take the request); a POST that may
   *   have been accepted is never re-sent unless `resume: 'resend'`.
   * @throws RangeError synchronously when a numeric option is out of its range (`idleTimeout`,
   *   `maxEventSize`, `dedupe`, a `reconnect` field), naming the option and the value.
   * @throws TypeError synchronously when `skillId` is empty. The stream fails with `HTTPError`,
   *   `StreamError`, `ConnectionError`.
   */
  stream(skillId: string, params: SkillExecuteParams, options: StreamOptions = {}): EventStream<SkillEventMap> {
    return this.#transport.stream<SkillEventMap>(
      { method: 'POST', path: `/v1/skills/${segment(skillId)}/execute/stream`, body: params, auth: 'x-api-key', idleTimeout: DEFAULTS.idleTimeout.skills },
      executionAdapter(),
      options,
      { resumeHint: 'the skills engine cannot resume an execution: run it again only if it is safe to repeat' },
    );
  }

  /**
   * Runs a skill and waits for its result: `POST /v1/skills/{skillId}/execute`.
   *
   * @returns the result, as the stream's `done` event carries it.
   * @throws StreamError `'server-error-event'` (with `traceId`) when the result carries
   *   `error`; HTTPError, TimeoutError, ConnectionError.
   */
  async execute(skillId: string, params: SkillExecuteParams, options?: RequestOptions): Promise<SkillResult> {
    const result = await this.#transport.json<SkillResult>(
      { method: 'POST', path: `/v1/skills/${segment(skillId)}/execute`, body: params, auth: 'x-api-key' },
      options,
    );
    const failure = failureOf(result);
    if (failure) {
      const { message, ...fields } = failure;
      throw new StreamError('server-error-event', `skill ${skillId} failed: ${message}`, { event: 'done', data: JSON.stringify(result), ...fields });
    }
    return result;
  }
}
