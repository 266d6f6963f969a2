/**
 * OpenAI Responses: `POST /v1/responses` with `stream: true`, the resume of a background
 * response by `GET /v1/responses/{id}?stream=true&starting_after=N`, and `GET /v1/responses/{id}`.
 *
 * @module
 */
import { platformAdapter } from '../../core/adapter.js';
import { isRecord } from '../../core/errors.js';
import type { RequestOptions } from '../../core/options.js';
import { streamError } from '../../core/policy.js';
import type { Transport } from '../../core/request.js';
import type { EventStream } from '../../core/stream.js';
import type { StreamOptions } from '../../core/sse.js';
import type { StreamAdapter, StreamFeature } from '../../core/types.js';
import { requestOf, streamOf } from '../define.js';
import { openai, openaiDropHint, responseOf, type OpenAIGapMarker, type OpenAIResponseCreateParams, type OpenAIResponseEventMap, type OpenAIResponseObject } from './definition.js';

const base = /* @__PURE__ */ platformAdapter(openai);

/** What one stream knows of its response: learnt from its events. */
interface Tracked {
  responseId: string | undefined;
  background: boolean;
  /** The last `sequence_number` delivered. */
  last: number | undefined;
  /** The URL of `GET /v1/responses/{id}`, without a query. */
  retrieveUrl: ((responseId: string) => string) | undefined;
}

function sequenceOf(data: unknown): number | undefined {
  const value = isRecord(data) ? data.sequence_number : undefined;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * The adapter and feature of one stream: events replayed after a resume (a `sequence_number`
 * already delivered) are skipped; a jump in `sequence_number` is marked with a `resync` event;
 * a drop resumes a background response after its last `sequence_number`, and ends a foreground
 * one with a `StreamError` `'unexpected-end'` that says generation stopped.
 */
function tracking(tracked: Tracked, ids: Record<string, string>): { adapter: StreamAdapter; feature: StreamFeature } {
  const adapter: StreamAdapter = {
    ...base,
    toEvent(message, lastEventId) {
      const event = base.toEvent(message, lastEventId);
      const seq = event ? sequenceOf(event.data) : undefined;
      // A server that replays what the cursor asked to skip: those events were delivered already.
      return seq !== undefined && tracked.last !== undefined && seq <= tracked.last ? undefined : event;
    },
  };
  const feature: StreamFeature = (control) => {
    let resuming = false;
    return {
      event(event) {
        if (event.type === 'resync') return;
        const response = responseOf(event.data);
        if (response && typeof response.id === 'string') {
          tracked.responseId ??= response.id;
          ids.responseId ??= response.id;
          if (response.background === true) tracked.background = true;
        }
        const seq = sequenceOf(event.data);
        if (seq === undefined) return;
        const last = tracked.last;
        tracked.last = seq;
        if (last !== undefined && seq > last + 1) {
          const data: OpenAIGapMarker = { reason: 'reconnected', recovered: false, after: last, next: seq };
          const marker = { type: 'resync', data, id: control.lastEventId, raw: JSON.stringify(data) };
          control.deliver(marker);
          control.emit({ type: 'resync', reason: 'reconnected', recovered: false, event: marker });
        }
      },
      dropped() {
        // Before any event the request may not have started anything: the policy decides (a 429
        // or 503 is retried, other failures end the stream).
        if (!control.delivered) return;
        const { responseId, background, last, retrieveUrl } = tracked;
        if (background && responseId !== undefined && retrieveUrl) {
          const url = new URL(retrieveUrl(responseId));
          url.searchParams.set('stream', 'true');
          if (last !== undefined) url.searchParams.set('starting_after', String(last));
          resuming = true;
          control.setRequest({ url: url.href, method: 'GET' });
          return;
        }
        // `resume: 'resend'` asked for a new POST: a new response, counted from 0 again.
        if (control.config.resume !== 'none') {
          tracked.last = undefined;
          tracked.responseId = undefined;
          return;
        }
        control.end(
          streamError(
            { ...control.request, lastEventId: control.lastEventId },
            'unexpected-end',
            `the connection ended before the response's final event${last === undefined ? '' : ` (last sequence_number ${last})`}; ${openaiDropHint}`,
          ),
        );
      },
      refused(error) {
        if (!resuming || (error.status !== 400 && error.status !== 404)) return Promise.resolve(false);
        const id = tracked.responseId ?? '';
        const detail = isRecord(error.body) && isRecord(error.body.error) && typeof error.body.error.message === 'string' ? `: "${error.body.error.message}"` : '';
        control.end(
          streamError(
            { ...control.request, lastEventId: control.lastEventId },
            'unexpected-end',
            `the background response ${id} can no longer be streamed (HTTP ${error.status}${detail}; OpenAI keeps a response streamable for about 5 minutes); the events after sequence_number ${tracked.last ?? 'none'} are lost: read the final response with responses.retrieve('${id}')`,
            { cause: error, status: error.status },
          ),
        );
        return Promise.resolve(true);
      },
    };
  };
  return { adapter, feature };
}

/** Options of {@link OpenAIResponseStreams.resume}. */
export interface OpenAIResumeOptions extends StreamOptions {
  /**
   * Stream the events after this `sequence_number` (sent as `starting_after`; API reference
   * "Retrieve a model response", `starting_after`). @defaultValue every event from the start
   */
  startingAfter?: number | undefined;
}

/** OpenAI Responses streams. Reach it as `client.responses`. Auth: `Authorization: Bearer`. */
export class OpenAIResponseStreams {
  readonly #transport: Transport;

  /** @internal */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Creates a model response and streams its events: `POST /v1/responses` with the JSON body
   * `{ ...params, stream: true }` (OpenAI API reference, "Create a model response"; events:
   * "Streaming events").
   *
   * Ends after `response.completed` (outcome `'completed'`), `response.incomplete` (outcome
   * `'completed'`, `serverStatus` `'incomplete'`, `message` the reason), or fails after
   * `response.failed` or `error` (`StreamError` `'server-error-event'`, `serverCode` the API's
   * code). An event type the map does not know arrives as `unknown`.
   *
   * What a drop costs: a foreground response stops generating when its stream closes and
   * cannot be streamed again; runstream never re-sends the POST (that would start and bill a
   * second response) and fails with `StreamError` `'unexpected-end'` ("generation stopped").
   * A background response (`background: true`) is resumed by
   * `GET /v1/responses/{id}?stream=true&starting_after=<last sequence_number>`; a jump in
   * `sequence_number` is marked by a `resync` event (`recovered: false`); past the window
   * (about 5 minutes; the API answers 400) the stream fails with `StreamError`
   * `'unexpected-end'` saying so (read the final object with {@link OpenAIResponseStreams.retrieve}).
   *
   * @example
   * ```ts
   * import { OpenAIResponses } from 'runstream';
   *
   * const client = new OpenAIResponses({ apiKey: process.env.OPENAI_API_KEY });
   * for await (const event of client.responses.stream({ model: 'gpt-5', input: 'Say hello' })) {
   *   if (event.type === 'response.output_text.delta') process.stdout.write(event.data.delta);
   * }
   * ```
   *
   * @param params - the request body (`model`, `input`, `background`, …); `stream: true` is added.
   * @param options - stream options.
   * @throws RangeError synchronously when a numeric option is out of its range. The stream
   *   fails with `HTTPError` (401, 429, …), `StreamError`, or `ConnectionError`.
   */
  stream(params: OpenAIResponseCreateParams, options: StreamOptions = {}): EventStream<OpenAIResponseEventMap> {
    const ids: Record<string, string> = {};
    const tracked: Tracked = { responseId: undefined, background: params.background === true, last: undefined, retrieveUrl: undefined };
    return this.#open({ ...streamOf(openai, openai.routes.create, ids), body: { ...params, stream: true } }, tracked, ids, options);
  }

  /**
   * Streams a background response again: `GET /v1/responses/{responseId}?stream=true`, with
   * `starting_after` when `options.startingAfter` is given (API reference, "Retrieve a model
   * response"). Only a background response within about 5 minutes of its creation can be
   * streamed; otherwise the API answers 400 and the stream fails with `HTTPError`. Ends as
   * {@link OpenAIResponseStreams.stream} does; a drop resumes after the last `sequence_number`.
   *
   * @param responseId - e.g. `'resp_123'`.
   * @param options - `startingAfter` and the stream options.
   * @throws TypeError synchronously when `responseId` is empty.
   */
  resume(responseId: string, options: OpenAIResumeOptions = {}): EventStream<OpenAIResponseEventMap> {
    const { startingAfter, ...rest } = options;
    const ids: Record<string, string> = { responseId };
    const tracked: Tracked = { responseId, background: true, last: startingAfter, retrieveUrl: undefined };
    return this.#open(
      { ...streamOf(openai, openai.routes.retrieve, ids), query: { stream: 'true', starting_after: startingAfter === undefined ? undefined : String(startingAfter) } },
      tracked,
      ids,
      rest,
    );
  }

  /**
   * Reads a response: `GET /v1/responses/{responseId}` (API reference, "Retrieve a model
   * response"): its final state after a stream that could not be resumed.
   *
   * @returns the Response object.
   * @throws HTTPError (404 when no such response is stored), TimeoutError, ConnectionError.
   */
  retrieve(responseId: string, options?: RequestOptions): Promise<OpenAIResponseObject> {
    return this.#transport.json<OpenAIResponseObject>({ ...requestOf(openai.routes.retrieve, { responseId }), auth: openai.auth }, options);
  }

  #open(spec: Parameters<Transport['stream']>[0], tracked: Tracked, ids: Record<string, string>, options: StreamOptions): EventStream<OpenAIResponseEventMap> {
    const transport = this.#transport;
    tracked.retrieveUrl = (responseId) => transport.url(requestOf(openai.routes.retrieve, { responseId }).path);
    const { adapter, feature } = tracking(tracked, ids);
    return transport.stream<OpenAIResponseEventMap>(spec, adapter, { ...options, use: [...(options.use ?? []), feature] }, { resumeHint: openaiDropHint });
  }
}
