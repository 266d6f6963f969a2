/**
 * The skills engine: `POST /v1/skills/{skill_id}/execute/stream` and `POST /v1/skills/{skill_id}/execute`.
 *
 * @module
 */
import { field, platformAdapter } from '../../core/adapter.js';
import { StreamError } from '../../core/errors.js';
import type { EventStream } from '../../core/stream.js';
import type { StreamAdapter } from '../../core/types.js';
import { validateOptions, type RequestOptions } from '../../core/options.js';
import type { Transport } from '../../core/request.js';
import type { StreamOptions } from '../../core/sse.js';
import { requestOf, type RunOptions, streamOf } from '../define.js';
import { failureOf, resumeHint, skills, type SkillEventMap, type SkillExecuteParams, type SkillResult } from './definition.js';

const base = /* @__PURE__ */ platformAdapter(skills);

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
   * Starts a skill and streams its events: `POST /v1/skills/{skillId}/execute/stream` with the
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
   * const stream = client.skills.start('my.skill', { inputs: { text: 'Hello world' } });
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
   *   `maxEventSize`, a `reconnect` field), naming the option and the value.
   * @throws TypeError synchronously when `skillId` is empty. The stream fails with `HTTPError`,
   *   `StreamError`, `ConnectionError`.
   */
  start(skillId: string, params: SkillExecuteParams, options: StreamOptions = {}): EventStream<SkillEventMap> {
    return this.#transport.stream<SkillEventMap>(
      { ...streamOf(skills, skills.routes.stream, { skillId }), body: params },
      executionAdapter(),
      options,
      { resumeHint },
    );
  }

  /**
   * Starts a skill, waits for its `done` and returns the result: {@link Skills.start}, with each
   * event passed to `onEvent`. Without `onEvent`, {@link Skills.execute} (the engine's own
   * non-streaming route) gives the same result in one request.
   *
   * @example
   * ```ts
   * const result = await client.skills.run('my.skill', { inputs: { text: 'Hello world' } }, {
   *   onEvent: (event) => {
   *     if (event.type !== 'done') console.log(event.data.message);
   *   },
   * });
   * console.log(result.outputs);
   * ```
   *
   * @param skillId - e.g. `'my.skill'`.
   * @param params - the request body.
   * @param options - the stream options and `onEvent`; `timeout` is accepted for the same shape
   *   as every `run()` and unused (the run makes no JSON call).
   * @returns the `done` event's result.
   * @throws StreamError `'server-error-event'` (with `traceId`, `serverCode`, `status`) when
   *   `done` carries `error`; HTTPError, ConnectionError, StreamError as the stream fails.
   * @throws RangeError before the request when an option is out of its range.
   */
  async run(skillId: string, params: SkillExecuteParams, options: RunOptions<SkillEventMap> = {}): Promise<SkillResult> {
    validateOptions(options);
    const { onEvent, timeout: _timeout, ...streamOptions } = options;
    let result: SkillResult | undefined;
    for await (const event of this.start(skillId, params, streamOptions)) {
      onEvent?.(event);
      if (event.type === 'done') result = event.data as SkillResult;
    }
    if (options.signal?.aborted) throw options.signal.reason;
    // A stream that ends without `done` has already thrown (`'unexpected-end'`).
    return result!;
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
      { ...requestOf(skills.routes.execute, { skillId }), body: params, auth: skills.auth },
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
