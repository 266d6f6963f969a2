/**
 * `runstream/otel`: OpenTelemetry traces and metrics of event streams, and the W3C trace
 * context on every request they send. {@link instrument} makes a stream feature: put it in a
 * client's `use` option (every stream the client makes) or in one stream's `use` option.
 *
 * - Traces: one span per logical stream (`runstream.stream`, from its start to its outcome,
 *   across every reconnect) and one CLIENT span per HTTP attempt, following the HTTP client span
 *   conventions (semantic conventions v1.45.0).
 * - Metrics: histograms of the time to the first event and of the stream's duration (seconds),
 *   counters of events, reconnects, gaps and outcomes, and an up-down counter of open streams.
 * - Propagation: `traceparent`/`tracestate` (whatever the propagator writes) on every request,
 *   reconnects included.
 *
 * `@opentelemetry/api` (an optional peer dependency, ≥ 1.9) is imported here and nowhere else in
 * runstream, so the root entry and its size do not change. Without a registered SDK (and no
 * provider given) the API's no-op tracer and meter record nothing. Every name is listed in
 * docs/observability.md.
 *
 * @see https://opentelemetry.io/docs/specs/semconv/http/http-spans/#http-client-span
 * @module
 */
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import type { MeterProvider, TextMapPropagator, TracerProvider } from '@opentelemetry/api';
import type { StreamFeature } from '../core/types.js';
import { StreamTrace } from './trace.js';
import { StreamMetrics, instrumentsOf } from './metrics.js';

export { STREAM_SPAN_NAME } from './trace.js';

/** The instrumentation scope name: of the tracer and of the meter (`getTracer('runstream')`, `getMeter('runstream')`). */
export const INSTRUMENTATION_SCOPE = 'runstream';

/** Options of {@link instrument}. */
export interface InstrumentOptions {
  /**
   * Where the tracer comes from (`tracerProvider.getTracer('runstream')`).
   * @defaultValue the global one, `trace.getTracerProvider()` (a no-op until an SDK registers)
   */
  tracerProvider?: TracerProvider | undefined;
  /**
   * Where the meter comes from (`meterProvider.getMeter('runstream')`), read as each stream
   * starts: a provider registered later serves the streams started after it.
   * @defaultValue the global one, `metrics.getMeterProvider()` (a no-op until an SDK registers)
   */
  meterProvider?: MeterProvider | undefined;
  /** Record spans. `false` makes no tracer and sends no trace context. @defaultValue true */
  traces?: boolean | undefined;
  /** Record metrics. @defaultValue true */
  metrics?: boolean | undefined;
  /**
   * Set the trace context on every request, reconnects included, from that attempt's span, so
   * the server's trace joins the client's. `false` sends none.
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
 * Instruments streams with OpenTelemetry: a feature for the `use` option of a client (every
 * stream it makes) or of one stream. Each stream it is used by gets its own spans; the metric
 * instruments are shared.
 *
 * ```ts
 * import { Crewship, connect } from 'runstream';
 * import { instrument } from 'runstream/otel';
 *
 * const client = new Crewship({ apiKey, use: [instrument()] });       // every stream of the client
 * const stream = connect(url, { use: [instrument({ tracerProvider })] }); // one stream
 * ```
 *
 * The parent of a stream span is the context active when the stream is made (the resource
 * call, or `connect()`). The span starts with the stream (its first consumer) and ends with its
 * outcome; only an `'error'` outcome sets its status to ERROR (a run the platform reports as
 * failed or cancelled is an outcome the stream delivered, not a failure of the stream).
 *
 * @param options - providers, what to record, propagation; see {@link InstrumentOptions}.
 * @returns the feature: per stream, one observer (of every step but `event`) and the `start`,
 *   `request` and `event` hooks.
 */
export function instrument(options: InstrumentOptions = {}): StreamFeature {
  const traces = options.traces !== false;
  const propagator = traces && options.propagate !== false ? (options.propagator ?? propagation) : undefined;
  return (control) => {
    const info = control.info;
    const spans = traces
      ? new StreamTrace((options.tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_SCOPE), propagator, context.active(), info)
      : undefined;
    const meters = options.metrics !== false ? new StreamMetrics(instrumentsOf(options.meterProvider ?? metrics.getMeterProvider(), INSTRUMENTATION_SCOPE), info.platform) : undefined;
    // Events are counted in the `event` hook: observing without `event` steps keeps a stream
    // nobody else watches from building a record per event.
    control.observe(
      (step) => {
        spans?.step(step);
        meters?.step(step);
      },
      { events: false },
    );
    return {
      start() {
        spans?.start();
        meters?.start();
      },
      request(headers) {
        spans?.request(headers);
      },
      event() {
        spans?.event();
        meters?.event();
      },
    };
  };
}
