/**
 * The spans of one stream: `runstream.stream` from its start to its outcome, across every
 * reconnect, and one CLIENT span per HTTP attempt as its child, following the HTTP client span
 * conventions (stable since semantic conventions v1.23.0; checked against v1.45.0). Durations
 * in attributes and events are in seconds, as the conventions measure durations.
 *
 * @see https://opentelemetry.io/docs/specs/semconv/http/http-spans/#http-client-span
 * @module
 * @internal
 */
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Attributes, Context, Span, TextMapPropagator, Tracer } from '@opentelemetry/api';
import { isHTTPError } from '../core/guards.js';
import type { StreamInfo, StreamLifecycleEvent } from '../core/lifecycle.js';
import type { StreamOutcome } from '../core/types.js';
import { errorType, serverAttributes, streamAttributes } from './attributes.js';

/** The name of the span of one logical stream; each HTTP attempt is a child span named by its method (`GET`, `POST`). */
export const STREAM_SPAN_NAME = 'runstream.stream';

/** The spans of one stream. */
export class StreamTrace {
  readonly #tracer: Tracer;
  readonly #propagator: TextMapPropagator | undefined;
  readonly #parent: Context;
  readonly #info: StreamInfo;
  #stream: Span | undefined;
  #streamContext: Context | undefined;
  #attempt: Span | undefined;
  /** Whether the current attempt got a response the stream read (its `open` step). */
  #answered = false;
  #started = 0;
  #firstEvent: number | undefined;
  #events = 0;
  #reconnects = 0;
  #gaps = 0;

  /**
   * @param propagator - writes the trace context into each request's headers; `undefined` sends none.
   * @param parent - the context the stream span is a child of (the one active when the stream was made).
   * @param info - the stream's `StreamInfo`, read when the stream starts and when it ends (ids learnt late).
   */
  constructor(tracer: Tracer, propagator: TextMapPropagator | undefined, parent: Context, info: StreamInfo) {
    this.#tracer = tracer;
    this.#propagator = propagator;
    this.#parent = parent;
    this.#info = info;
  }

  /** The stream started (its first consumer; before a create call a stream makes first): its span starts. */
  start(): void {
    if (this.#stream) return;
    this.#started = performance.now();
    this.#stream = this.#tracer.startSpan(STREAM_SPAN_NAME, { kind: SpanKind.INTERNAL, attributes: streamAttributes(this.#info) }, this.#parent);
    this.#streamContext = trace.setSpan(this.#parent, this.#stream);
  }

  /** The `request` hook: the attempt span starts now, and its context goes in the headers. */
  request(headers: Record<string, string>): void {
    const attempt = this.#startAttempt();
    this.#propagator?.inject(trace.setSpan(this.#parent, attempt), headers, {
      set: (carrier, key, value) => (carrier[key.toLowerCase()] = value),
    });
  }

  #startAttempt(): Span {
    if (this.#attempt) return this.#attempt;
    this.start();
    this.#answered = false;
    return (this.#attempt = this.#tracer.startSpan('HTTP', { kind: SpanKind.CLIENT }, this.#streamContext));
  }

  /** The feature's `event` hook: one more event delivered. */
  event(): void {
    this.#events++;
    this.#firstEvent ??= performance.now();
  }

  /** The stream's observer (every step but `event`: see {@link StreamTrace.event}). */
  step(step: StreamLifecycleEvent): void {
    switch (step.type) {
      case 'connecting': {
        const attempt = this.#startAttempt();
        const address = serverAttributes(step.url);
        attempt.updateName(step.method);
        attempt.setAttributes({ 'http.request.method': step.method, 'url.full': step.url, ...address });
        if (step.request > 1) attempt.setAttribute('http.request.resend_count', step.request - 1);
        if (step.lastEventId) attempt.setAttribute('runstream.last_event_id', step.lastEventId);
        if (step.request === 1) this.#stream!.setAttributes({ 'http.request.method': step.method, 'url.full': step.url, ...address });
        return;
      }
      case 'open':
        this.#answered = true;
        this.#attempt?.setAttribute('http.response.status_code', step.status);
        return;
      case 'refused':
        this.#endAttempt(step.error);
        return;
      case 'retry':
        this.#stream?.addEvent('runstream.retry', { 'runstream.retry': step.retry / 1000 });
        return;
      case 'resync':
        if (!step.recovered) this.#gaps++;
        this.#stream?.addEvent('runstream.resync', { 'runstream.resync.reason': step.reason, 'runstream.resync.recovered': step.recovered });
        return;
      case 'reconnect': {
        this.#reconnects++;
        this.#endAttempt(step.cause);
        const attributes: Attributes = {
          'runstream.reconnect.attempt': step.attempt,
          'runstream.reconnect.delay': step.delay / 1000,
          'runstream.reconnect.delay_source': step.delaySource,
          'runstream.reconnect.cause': step.cause ? errorType(step.cause) : 'server-closed',
        };
        if (step.lastEventId) attributes['runstream.last_event_id'] = step.lastEventId;
        this.#stream?.addEvent('runstream.reconnect', attributes);
        return;
      }
      case 'end':
        this.#end(step.outcome);
        return;
      default:
        return;
    }
  }

  /** Ends the current attempt: `error` (when there is one) sets its status to ERROR. */
  #endAttempt(error: Error | undefined): void {
    const attempt = this.#attempt;
    if (!attempt) return;
    this.#attempt = undefined;
    if (error) {
      if (isHTTPError(error)) attempt.setAttribute('http.response.status_code', error.status);
      attempt.setAttribute('error.type', errorType(error));
      attempt.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    }
    attempt.end();
  }

  #end(outcome: StreamOutcome): void {
    const error = outcome.type === 'error' ? outcome.error : undefined;
    // A request the stream never read that ended it without an error was answered `204 No
    // Content` (the server's "stop reconnecting"), which has no `open` step.
    if (!this.#answered && outcome.type === 'ended') this.#attempt?.setAttribute('http.response.status_code', 204);
    this.#endAttempt(error);
    const stream = this.#stream;
    if (!stream) return;
    this.#stream = undefined;
    const attributes: Attributes = {
      // The ids again: a stream that creates its work first learns its id after the span started.
      ...streamAttributes(this.#info),
      'runstream.outcome': outcome.type,
      'runstream.events': this.#events,
      'runstream.reconnects': this.#reconnects,
      'runstream.gaps': this.#gaps,
    };
    if (outcome.serverStatus !== undefined) attributes['runstream.outcome.server_status'] = outcome.serverStatus;
    if (this.#firstEvent !== undefined) attributes['runstream.time_to_first_event'] = (this.#firstEvent - this.#started) / 1000;
    stream.setAttributes(attributes);
    if (error) {
      stream.setAttribute('error.type', errorType(error));
      stream.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    }
    stream.end();
  }
}
