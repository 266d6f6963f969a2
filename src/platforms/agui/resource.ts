/**
 * AG-UI runs: `POST <agent URL>` with a `RunAgentInput`, answered by the run's event stream.
 *
 * @module
 */
import { platformAdapter } from '../../core/adapter.js';
import type { EventStream } from '../../core/stream.js';
import { validateOptions } from '../../core/options.js';
import type { Transport } from '../../core/request.js';
import type { StreamOptions } from '../../core/sse.js';
import { type RunOptions, streamOf } from '../define.js';
import { initialAGUIRun, reduceAGUIRun, type AGUIRunState } from './accumulate.js';
import { agui, resumeHint, type AGUIEventMap, type AGUIRunAgentInput } from './definition.js';

const adapter = /* @__PURE__ */ platformAdapter(agui);

/**
 * Runs of one AG-UI agent (protocol 1.0). Reach it as `client.runs` of an {@link AGUI} client,
 * whose `baseUrl` is the agent's URL (AG-UI puts an agent at any path). Auth: `Authorization:
 * Bearer` with `apiKey`, or your own `headers`.
 */
export class AGUIRuns {
  readonly #transport: Transport;

  /** @internal */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Starts a run and streams its events: `POST` of the `RunAgentInput` to the agent's URL with
   * `Accept: text/event-stream` (AG-UI architecture.mdx, "Standard HTTP client"). Each `data:`
   * line is one JSON event; its `type` is the event's name (see {@link AGUIEventMap}) and the
   * whole object its `data`.
   *
   * How it ends (events.mdx §Lifecycle Events: "every run terminates with either RunFinished or
   * RunError"): `RUN_FINISHED` closes the stream with the outcome its data says (`outcome` absent
   * or `success` → `'completed'`; `interrupt` → `'interrupted'`, the interrupts on the event's
   * `outcome.interrupts`; `cancelled` → `'cancelled'`); `RUN_ERROR` is delivered, then the stream
   * fails with `StreamError` `'server-error-event'` whose `serverCode` is its `code` and whose
   * message quotes its `message`. A stream that ends before either (a dropped connection, or a
   * server or proxy that closes the response early) fails with `ConnectionError` or
   * `StreamError` `'unexpected-end'`: never a normal end. (`@ag-ui/client` resolves such a run
   * as a success: ag-ui-protocol/ag-ui#2300, fix proposed in #2354.)
   *
   * Resuming: none. AG-UI events carry no ids and the HTTP transport has no re-attach
   * (ag-ui-protocol/ag-ui#1852), and the POST starts a run: runstream never sends it again once
   * the agent may have accepted it (only a 408, 429 or 503 answered before any event is retried).
   * A new run with the same input is yours to start, if it is safe to repeat.
   *
   * @example
   * ```ts
   * import { AGUI } from 'runstream';
   *
   * const agent = new AGUI({ baseUrl: 'http://localhost:8000/agent' });
   * const stream = agent.runs.start({ threadId: 't1', runId: 'r1', messages: [{ id: 'u1', role: 'user', content: 'Hi' }] });
   * for await (const event of stream) {
   *   if (event.type === 'TEXT_MESSAGE_CONTENT') process.stdout.write(event.data.delta);
   * }
   * console.log(stream.outcome?.type); // 'completed', 'interrupted' or 'cancelled'
   * ```
   *
   * @param input - the `RunAgentInput`; `messages`, `tools` and `context` are sent as `[]` when absent.
   * @param options - stream options (`signal`, `headers`, `debug`, …). `reconnect` governs only
   *   the retry of a `408`, `429` or `503` answered before any event.
   * @throws RangeError synchronously when a numeric option is out of its range. The stream fails
   *   with `HTTPError` (a non-2xx answer), `StreamError` (`'server-error-event'` for `RUN_ERROR`,
   *   `'unexpected-end'`, `'invalid-data'` for a `data:` line that is not JSON), `ConnectionError`.
   */
  start(input: AGUIRunAgentInput, options: StreamOptions = {}): EventStream<AGUIEventMap> {
    const body = { ...input, messages: input.messages ?? [], tools: input.tools ?? [], context: input.context ?? [] };
    return this.#transport.stream<AGUIEventMap>({ ...streamOf(agui, agui.routes.start), body }, adapter, options, { resumeHint });
  }

  /**
   * Starts a run and folds its events into the run's state ({@link reduceAGUIRun}): the
   * messages, tool calls, agent state and how it ended. Each event goes to `onEvent` first.
   * Resolves for `RUN_FINISHED` (status `'completed'`, `'interrupted'` with `interrupts`, or
   * `'cancelled'`); rejects for `RUN_ERROR` and for a stream cut before its end.
   *
   * @example
   * ```ts
   * import { AGUI } from 'runstream';
   *
   * const agent = new AGUI({ baseUrl: 'http://localhost:8000/agent' });
   * const run = await agent.runs.run({ threadId: 't1', runId: 'r1', messages: [{ id: 'u1', role: 'user', content: 'Hi' }] });
   * if (run.status === 'interrupted') console.log(run.interrupts);
   * else console.log(run.messages.at(-1), run.state);
   * ```
   *
   * @param input - as {@link AGUIRuns.start}.
   * @param options - the stream options and `onEvent`; `timeout` is accepted for the shape of
   *   every `run()` and unused (the run makes no JSON call).
   * @returns the run's state after its terminal event.
   * @throws StreamError `'server-error-event'` for `RUN_ERROR` (`serverCode` its `code`);
   *   `'unexpected-end'`, ConnectionError, HTTPError as the stream fails; JSONPatchError when a
   *   state delta does not apply.
   * @throws RangeError before the request when an option is out of its range.
   */
  async run(input: AGUIRunAgentInput, options: RunOptions<AGUIEventMap> = {}): Promise<AGUIRunState> {
    validateOptions(options);
    const { onEvent, timeout: _timeout, ...streamOptions } = options;
    let run = initialAGUIRun;
    for await (const event of this.start(input, streamOptions)) {
      onEvent?.(event);
      run = reduceAGUIRun(run, event);
    }
    if (options.signal?.aborted) throw options.signal.reason;
    return run;
  }
}
