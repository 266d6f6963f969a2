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
import { ProxyTracerProvider, context, createNoopMeter, metrics, propagation, trace } from '@opentelemetry/api';
import type { Meter, MeterProvider, TextMapPropagator, Tracer, TracerProvider } from '@opentelemetry/api';
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
   * @defaultValue the global one, `trace.getTracerProvider()`, read as each stream is made (no
   *   spans while no SDK is registered)
   */
  tracerProvider?: TracerProvider | undefined;
  /**
   * Where the meter comes from (`meterProvider.getMeter('runstream')`).
   * @defaultValue the global one, `metrics.getMeterProvider()`, read as each stream is made (no
   *   metrics while no SDK is registered)
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
 * The global providers are read as each stream is made: while no SDK is registered (and no
 * provider is passed) the feature leaves the stream alone, so it costs nothing per event, and a
 * stream made after an SDK registers is instrumented.
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
    const tracer = traces ? sdkTracer(options.tracerProvider) : undefined;
    const meterProvider = options.metrics !== false ? sdkMeterProvider(options.meterProvider) : undefined;
    // No SDK behind either: the stream is left alone, at no cost per event.
    if (!tracer && !meterProvider) return;
    const spans = tracer && new StreamTrace(tracer, propagator, context.active(), info);
    const meters = meterProvider && new StreamMetrics(instrumentsOf(meterProvider, INSTRUMENTATION_SCOPE), info.platform);
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

/**
 * The tracer of `provider`, or of the global provider when an SDK is registered behind it;
 * `undefined` when the global one has no SDK yet (the API's proxy without a delegate), so that a
 * stream pays nothing for spans nobody records.
 */
function sdkTracer(provider: TracerProvider | undefined): Tracer | undefined {
  if (provider) return provider.getTracer(INSTRUMENTATION_SCOPE);
  const global = trace.getTracerProvider();
  return global instanceof ProxyTracerProvider ? global.getDelegateTracer(INSTRUMENTATION_SCOPE) : global.getTracer(INSTRUMENTATION_SCOPE);
}

/** The class of the API's no-op meter, from its one public maker. */
const NoopMeter = /* @__PURE__ */ (() => createNoopMeter().constructor)();

/**
 * `provider`, or the global meter provider when an SDK registered one; `undefined` when the global
 * one is the API's no-op (its meters are `NoopMeter`s).
 */
function sdkMeterProvider(provider: MeterProvider | undefined): MeterProvider | undefined {
  if (provider) return provider;
  const global = metrics.getMeterProvider();
  const meter: Meter = global.getMeter(INSTRUMENTATION_SCOPE);
  return meter instanceof NoopMeter ? undefined : global;
}
