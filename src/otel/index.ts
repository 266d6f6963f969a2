/**
 * `runstream/otel`: OpenTelemetry traces of event streams, and the W3C trace context on every
 * request they send. One span per logical stream (`runstream.stream`, from its first request to
 * its outcome, across every reconnect) and one child span per HTTP attempt, following the HTTP
 * client span conventions of the OpenTelemetry semantic conventions (HTTP spans, stable since
 * v1.23.0; checked against v1.45.0). Durations in span attributes and events are in seconds, as
 * the conventions measure durations; the names are in docs/observability.md.
 *
 * Built on the stream's lifecycle surface (`EventStream.observe`), a feature's `request` hook
 * ({@link traceStream}) and the client's `fetch` ({@link instrumentClient}), with no change to
 * the root entry; `@opentelemetry/api` (an optional peer dependency, ≥ 1.9) is imported here
 * and nowhere else in runstream. Without a registered SDK (and no `tracerProvider`) the API's no-op tracer
 * records nothing. Metrics are not built yet.
 *
 * @see https://opentelemetry.io/docs/specs/semconv/http/http-spans/#http-client-span
 * @module
 */
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import type { Attributes, Context, Span, TextMapPropagator, Tracer, TracerProvider } from '@opentelemetry/api';
import { isHTTPError } from '../core/guards.js';
import { redactUrl } from '../core/redact.js';
import { hostPort } from '../core/connection.js';
import type { StreamLifecycleEvent, StreamObserver, StreamInfo } from '../core/lifecycle.js';
import type { StreamOutcome, StreamFeature, EventMap } from '../core/types.js';
import type { EventStream } from '../core/stream.js';

/** The instrumentation scope name of every span (the tracer's name). */
export const INSTRUMENTATION_SCOPE = 'runstream';

/** The name of the span of one logical stream; each HTTP attempt is a child span named by its method (`GET`, `POST`). */
export const STREAM_SPAN_NAME = 'runstream.stream';

/** Options of {@link traceStream} and {@link instrumentClient}. */
export interface TracingOptions {
  /**
   * Where the tracer comes from (`tracerProvider.getTracer('runstream')`).
   * @defaultValue the global one, `trace.getTracerProvider()` (a no-op until an SDK registers)
   */
  tracerProvider?: TracerProvider | undefined;
  /**
   * Set the trace context (`traceparent`, `tracestate`: whatever the propagator writes) on every
   * request, reconnects included, from that attempt's span, so the server's trace joins the
   * client's. `false` sends none.
   * @defaultValue true
   */
  propagate?: boolean | undefined;
  /**
   * The propagator that writes the headers.
   * @defaultValue the global one, `propagation` of `@opentelemetry/api` (a no-op until one is
   *   set, e.g. by the Node SDK or `propagation.setGlobalPropagator(new W3CTraceContextPropagator())`)
   */
  propagator?: TextMapPropagator | undefined;
}

/**
 * What {@link traceStream} returns: stream options to pass to `connect()` or a resource's stream
 * method, spread (`connect(url, { ...traceStream() })`) or each merged with your own.
 */
export interface StreamTracing {
  /** The feature that sets the trace context on every request; empty with `propagate: false`. */
  readonly use: readonly StreamFeature[];
  /** The observer that makes the spans from the stream's lifecycle steps. */
  readonly observe: StreamObserver;
}

/**
 * Traces one stream: spread the result into that stream's options (one result per stream).
 *
 * ```ts
 * import { connect } from 'runstream';
 * import { traceStream } from 'runstream/otel';
 *
 * const stream = connect('https://api.example.com/events', { ...traceStream({ tracerProvider }) });
 * ```
 *
 * The parent of the stream span is the active context when `traceStream()` is called.
 *
 * @param options - see {@link TracingOptions}.
 * @returns the `use` and `observe` options; see {@link StreamTracing}.
 * @throws TypeError (from the stream's constructor) when the same result is used by a second stream.
 */
export function traceStream(options: TracingOptions = {}): StreamTracing {
  const trace = new StreamTrace(options, context.active());
  let used = false;
  const feature: StreamFeature = () => {
    if (used) throw new TypeError('runstream/otel: traceStream() traces one stream; call it once per stream');
    used = true;
    return { request: (headers) => trace.request(headers) };
  };
  return { use: options.propagate === false ? [] : [feature], observe: (step) => trace.step(step) };
}

/** Options of {@link instrumentClient}: {@link TracingOptions}, and the fetch to wrap. */
export interface ClientTracingOptions extends TracingOptions {
  /**
   * The fetch the client would use otherwise (its own `fetch` option): the returned `fetch`
   * calls it.
   * @defaultValue `globalThis.fetch`, read at each call
   */
  fetch?: typeof fetch | undefined;
}

/**
 * What {@link instrumentClient} returns: client options to spread into a client's options
 * (`new Crewship({ apiKey, ...instrumentClient() })`).
 */
export interface ClientTracing {
  /** Traces each stream the client makes (the client calls it as it makes the stream). */
  readonly onStream: (stream: EventStream<EventMap>, info: StreamInfo) => void;
  /**
   * The client's fetch: it sets the trace context of a stream's attempt on that request (JSON
   * calls go through unchanged), then calls `options.fetch`. Without `propagate: false` only.
   */
  readonly fetch?: typeof fetch;
}

/**
 * Traces every stream a client makes: spread the result into the client's options. Each stream's
 * span has as parent the active context when the stream is made (the resource call).
 *
 * ```ts
 * import { Crewship } from 'runstream';
 * import { instrumentClient } from 'runstream/otel';
 *
 * const client = new Crewship({ apiKey, ...instrumentClient({ tracerProvider }) });
 * ```
 *
 * The trace context reaches each stream request through the returned `fetch` (a stream sends
 * its request right after its `connecting` step; the `fetch` adds the headers of the attempt
 * that step started when the URL is that step's). A stream given its own `fetch` option gets no
 * trace context: use {@link traceStream} for it.
 *
 * @param options - see {@link ClientTracingOptions}.
 * @returns the client options `onStream` and (unless `propagate: false`) `fetch`; see {@link ClientTracing}.
 */
export function instrumentClient(options: ClientTracingOptions = {}): ClientTracing {
  const propagate = options.propagate !== false;
  // The attempt a stream's `connecting` step just started, for the fetch call that follows it.
  let next: { url: string; trace: StreamTrace } | undefined;
  const onStream = (stream: EventStream<EventMap>) => {
    const trace = new StreamTrace(options, context.active());
    stream.observe((step) => {
      trace.step(step);
      if (propagate && step.type === 'connecting') next = { url: step.url, trace };
    });
  };
  if (!propagate) return { onStream };
  const traced: typeof fetch = (input, init) => {
    const attempt = next;
    next = undefined;
    const base = options.fetch ?? globalThis.fetch;
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!attempt || redactUrl(url) !== attempt.url) return base(input, init);
    const headers = new Headers(init?.headers);
    attempt.trace.inject(headers);
    return base(input, { ...init, headers });
  };
  return { onStream, fetch: traced };
}

/** The spans of one stream. */
class StreamTrace {
  readonly #tracer: Tracer;
  readonly #propagator: TextMapPropagator | undefined;
  readonly #parent: Context;
  #stream: Span | undefined;
  #streamContext: Context | undefined;
  #attempt: Span | undefined;
  #started = 0;
  #firstEvent: number | undefined;
  #events = 0;
  #reconnects = 0;
  #gaps = 0;

  constructor(options: TracingOptions, parent: Context) {
    this.#tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_SCOPE);
    this.#propagator = options.propagate === false ? undefined : (options.propagator ?? propagation);
    this.#parent = parent;
  }

  /** The feature's `request` hook: the attempt span starts now, and its context goes in the headers. */
  request(headers: Record<string, string>): void {
    const attempt = this.#startAttempt();
    this.#propagator?.inject(trace.setSpan(this.#parent, attempt), headers, {
      set: (carrier, key, value) => (carrier[key.toLowerCase()] = value),
    });
  }

  /** Sets the current attempt's trace context on `headers` (no attempt: nothing). */
  inject(headers: Headers): void {
    if (this.#attempt) this.#propagator?.inject(trace.setSpan(this.#parent, this.#attempt), headers, { set: (carrier, key, value) => carrier.set(key, value) });
  }

  #startAttempt(): Span {
    if (this.#attempt) return this.#attempt;
    if (!this.#stream) {
      this.#started = performance.now();
      this.#stream = this.#tracer.startSpan(STREAM_SPAN_NAME, { kind: SpanKind.INTERNAL }, this.#parent);
      this.#streamContext = trace.setSpan(this.#parent, this.#stream);
    }
    return (this.#attempt = this.#tracer.startSpan('HTTP', { kind: SpanKind.CLIENT }, this.#streamContext));
  }

  /** The stream's observer. */
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
        this.#attempt?.setAttribute('http.response.status_code', step.status);
        return;
      case 'refused':
        this.#endAttempt(step.error);
        return;
      case 'event':
        this.#events++;
        this.#firstEvent ??= performance.now();
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
    this.#endAttempt(error);
    const stream = this.#stream;
    if (!stream) return;
    this.#stream = undefined;
    const attributes: Attributes = {
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

/**
 * `error.type` of an error, as the HTTP conventions ask: the status code of an HTTP error
 * (`'503'`), else the error's name (`'ConnectionError'`, `'TimeoutError'`, `'StreamError'`).
 */
function errorType(error: Error): string {
  return isHTTPError(error) ? String(error.status) : error.name || '_OTHER';
}

/**
 * `server.address` (an IPv6 address without brackets) and `server.port` of a stream URL, from
 * the `host:port` runstream's messages name (the scheme's default port filled in).
 */
function serverAttributes(url: string): Attributes {
  const server = hostPort(url);
  if (!server) return {};
  const colon = server.lastIndexOf(':');
  return { 'server.address': server.slice(0, colon).replace(/^\[|\]$/g, ''), 'server.port': Number(server.slice(colon + 1)) };
}
